"""Personal API tokens: created on the account page and shown once, stored as a hash, with an expiry; revoked by
their owner only; an unknown, revoked or expired token, or one of a deactivated account, answers 401."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import LAST_USE_RESOLUTION, api_token_create, api_token_revoke


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_is_stored_as_its_sha256_only(alice):
    row, token = api_token_create(user=alice, name="Tableau de bord", days=30)
    assert token.startswith("cpt_") and len(token) > 40
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.name, row.prefix, row.key_hash}
    assert row.prefix == token[:10]


def test_a_token_opens_the_api_until_it_expires(alice, frozen_today):
    _, token = api_token_create(user=alice, name="Outil", days=30)
    assert bearer(token).get("/api/v1/bodies/").status_code == 200
    frozen_today.shift(datetime.timedelta(days=30, seconds=1))
    response = bearer(token).get("/api/v1/bodies/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Jeton inconnu, révoqué ou expiré."}


def test_a_revoked_token_answers_401(alice):
    row, token = api_token_create(user=alice, name="Outil", days=30)
    assert api_token_revoke(user=alice, token_id=row.pk) is True
    assert bearer(token).get("/api/v1/bodies/").status_code == 401


def test_a_user_cannot_revoke_someone_else_s_token(alice, bob):
    row, token = api_token_create(user=alice, name="Outil", days=30)
    assert api_token_revoke(user=bob, token_id=row.pk) is False
    assert bearer(token).get("/api/v1/bodies/").status_code == 200


def test_a_deactivated_account_s_token_answers_401(alice):
    _, token = api_token_create(user=alice, name="Outil", days=30)
    alice.is_active = False
    alice.save()
    assert bearer(token).get("/api/v1/bodies/").status_code == 401


def test_an_unknown_token_and_a_malformed_header_answer_401_in_french(alice):
    assert bearer("cpt_inconnu").get("/api/v1/").json() == {"detail": "Jeton inconnu, révoqué ou expiré."}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer deux morceaux")
    response = client.get("/api/v1/")
    assert response.status_code == 401
    assert "Bearer <jeton>" in response.json()["detail"]


def test_the_last_use_is_recorded_at_most_every_few_minutes(alice):
    with time_machine.travel("2026-11-22 10:00:00+00:00", tick=False) as clock:
        row, token = api_token_create(user=alice, name="Outil", days=30)
        bearer(token).get("/api/v1/")
        row.refresh_from_db()
        first = row.last_used_at
        assert first == datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)
        clock.shift(datetime.timedelta(minutes=1))
        bearer(token).get("/api/v1/")
        row.refresh_from_db()
        assert row.last_used_at == first
        clock.shift(LAST_USE_RESOLUTION)
        bearer(token).get("/api/v1/")
        row.refresh_from_db()
        assert row.last_used_at > first


@pytest.mark.parametrize(
    ("name", "days", "field", "message"),
    [
        ("  ", 30, "name", "Donnez un nom au jeton"),
        ("Outil", 0, "days", "comprise entre 1 et 366 jours"),
        ("Outil", 400, "days", "comprise entre 1 et 366 jours"),
    ],
)
def test_a_token_needs_a_name_and_a_bounded_validity(alice, name, days, field, message):
    with pytest.raises(ValidationError) as error:
        api_token_create(user=alice, name=name, days=days)
    assert message in error.value.message_dict[field][0]


def test_the_account_page_shows_a_new_token_once(client, alice):
    client.force_login(alice)
    response = client.post("/compte/jetons-api/", {"name": "Tableau de bord régional", "days": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    token = response.context["created"]
    row = ApiToken.objects.get(user=alice)
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token in response.content.decode()
    assert row.expires_at.date() == (row.created_at + datetime.timedelta(days=90)).date()
    page = client.get("/compte/jetons-api/").content.decode()
    assert "Tableau de bord régional" in page and row.prefix in page
    assert token not in page


def test_the_account_page_revokes_the_user_s_own_token_only(client, alice, bob):
    mine, _ = api_token_create(user=alice, name="Le mien", days=30)
    theirs, _ = api_token_create(user=bob, name="Celui de Bob", days=30)
    client.force_login(alice)
    client.post(f"/compte/jetons-api/{theirs.pk}/revoquer/")
    client.post(f"/compte/jetons-api/{mine.pk}/revoquer/")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None
    assert "Celui de Bob" not in client.get("/compte/jetons-api/").content.decode()


def test_the_account_page_refuses_an_empty_name_in_french(client, alice):
    client.force_login(alice)
    response = client.post("/compte/jetons-api/", {"name": "", "days": "90"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_account_page_needs_a_login(client, db):
    response = client.get("/compte/jetons-api/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_every_page_links_to_the_tokens_page(client, alice):
    client.force_login(alice)
    assert 'href="/compte/jetons-api/"' in client.get("/").content.decode()
