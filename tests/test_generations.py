"""Cached parts of pages (portal.generations): served from the cache, never stale, never another user's."""

import datetime
import io
import logging
import re

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from commissions.composition.models import SectionKind
from portal import generations
from portal.cache import redis_cache
from tests.factories import MandateFactory, PersonFactory, UserFactory, seat_member

PRODUCTION_HASHERS = [
    "portal.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def _page(client, commission) -> str:
    response = client.get(commission.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def mandate(commission):
    person = PersonFactory(last_name="Durand", first_name="Anne")
    return seat_member(commission, SectionKind.PROFESSIONAL, person=person)


def test_the_second_view_reads_the_composition_from_the_cache(client, alice, commission, mandate):
    client.force_login(alice)
    _page(client, commission)
    key_count = len(generations.cache._cache)  # noqa: SLF001 (per-process memory cache in tests)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "commissions.composition.views.commission.composition_on",
            lambda *args: pytest.fail("composition read again"),
        )
        assert "DURAND Anne" in _page(client, commission)
    assert len(generations.cache._cache) == key_count  # noqa: SLF001


def test_a_change_of_the_composition_shows_at_once(client, alice, commission, mandate):
    client.force_login(alice)
    assert "DURAND Anne" in _page(client, commission)

    mandate.person.last_name = "Martin"
    mandate.person.save()
    MandateFactory(seat=mandate.seat, role="suppleant", person__last_name="Petit", person__first_name="Luc")

    page = _page(client, commission)
    assert "MARTIN Anne" in page and "DURAND" not in page
    assert "PETIT Luc" in page


def test_a_new_secretariat_contact_shows_on_the_cached_page(client, alice, commission, mandate):
    client.force_login(alice)
    assert "CONTACT Claire" not in _page(client, commission)
    commission.secretariat_contacts.add(PersonFactory(last_name="Contact", first_name="Claire"))  # many-to-many
    assert "CONTACT Claire" in _page(client, commission)


def test_an_agent_added_or_removed_sees_the_page_as_their_roles_say(client, commission, mandate, charlie):
    client.force_login(charlie)
    assert client.get(commission.get_absolute_url()).status_code == 404
    commission.agents.add(charlie)  # a many-to-many change

    assert "Terminer" in _page(client, commission)
    commission.agents.remove(charlie)
    assert client.get(commission.get_absolute_url()).status_code == 404


def test_a_member_never_gets_the_secretariat_s_cached_page(client, alice, member_user, commission, mandate):
    client.force_login(alice)
    assert "Terminer<span" in _page(client, commission)

    client.force_login(member_user)
    page = _page(client, commission)
    assert "DURAND Anne" in page
    assert "Terminer<span" not in page and "Ajouter un mandat" not in page


def test_the_cached_page_carries_each_user_s_own_csrf_token(alice, commission, mandate):
    """The invitation form of a cached page posts with the reader's token, not the one of who filled the cache."""
    mandate.person.email = "anne.durand@example.org"
    mandate.person.save()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(alice)
    tokens = []
    for client in (first, second):
        page = _page(client, commission)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert generations.CSRF_PLACEHOLDER not in page
    assert tokens[0] != tokens[1]

    url = reverse("commissions:person_invite", args=[commission.slug, mandate.person_id])
    assert second.post(url, {"csrfmiddlewaretoken": tokens[1]}).status_code == 302
    assert Client(enforce_csrf_checks=True).post(url, {"csrfmiddlewaretoken": tokens[0]}).status_code == 403


def test_a_write_replaces_the_generation_again_when_its_transaction_commits(db, django_capture_on_commit_callbacks):
    before = generations.current(generations.COMPOSITION)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        generations.bump(generations.COMPOSITION)
        during = generations.current(generations.COMPOSITION)
    assert during != before
    for callback in callbacks:
        callback()
    assert generations.current(generations.COMPOSITION) not in {before, during}


def test_a_login_does_not_empty_the_menus(client, alice):
    before = generations.current(generations.ACCOUNTS)
    alice.set_password("secret-1234")
    alice.save(update_fields=["password"])
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-1234"})
    assert response.status_code == 302  # logged in: last_login saved
    alice.refresh_from_db()
    assert alice.last_login is not None
    assert generations.current(generations.ACCOUNTS) == before

    alice.first_name = "Alice"
    alice.save()
    assert generations.current(generations.ACCOUNTS) != before


@override_settings(PAGE_CACHE=False)
def test_without_a_shared_cache_nothing_is_kept(client, alice, commission, mandate):
    client.force_login(alice)
    _page(client, commission)
    assert not any(":fragment:" in key or key.startswith("fragment:") for key in generations.cache._cache)  # noqa: SLF001


@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_passwords_are_hashed_with_argon2id_at_owasp_s_parameters_and_older_hashes_upgraded(db):
    encoded = make_password("mot-de-passe-solide")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("mot-de-passe-solide", encoded)
    assert not check_password("autre", encoded)

    user = UserFactory(username="ancien")
    user.password = make_password("mot-de-passe-solide", hasher="pbkdf2_sha256")
    user.save()
    assert user.check_password("mot-de-passe-solide")  # upgrades the hash
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_reset_page_cache_lets_every_cached_part_go(db):
    before = generations.current(generations.COMPOSITION, generations.MEETINGS, generations.ACCOUNTS)
    out = io.StringIO()
    call_command("reset_page_cache", stdout=out)
    after = generations.current(generations.COMPOSITION, generations.MEETINGS, generations.ACCOUNTS)
    assert all(old != new for old, new in zip(before.split("-"), after.split("-"), strict=True))
    assert "remis à zéro" in out.getvalue()


# Nothing listens there: every command fails at once.
UNREACHABLE_CACHE = {"default": redis_cache("redis://127.0.0.1:9/0", key_prefix="test")}


def test_with_the_cache_server_down_the_pages_are_served_and_current(client, alice, commission, mandate, caplog):
    caplog.set_level(logging.WARNING, logger="portal.cache")  # whatever an earlier test left configured
    client.force_login(alice)
    with override_settings(
        CACHES=UNREACHABLE_CACHE, DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=True, DJANGO_REDIS_LOGGER="portal.cache"
    ):
        assert "DURAND Anne" in _page(client, commission)
        assert client.get(reverse("commissions:list")).status_code == 200
        mandate.person.last_name = "Martin"
        mandate.person.save()  # the token cannot be replaced: logged, the save goes through
        assert "MARTIN Anne" in _page(client, commission)
    assert "Error while reading from 127.0.0.1:9" in caplog.text or "Connection refused" in caplog.text


def test_a_fragments_key_names_each_thing_it_varies_on():
    key = generations.fragment_key("decisions/_detail_body.html", 12, {"manage": True})
    assert key == "fragment:decisions/_detail_body.html:12:manage=1"
    assert key != generations.fragment_key("decisions/_detail_body.html", 12, {"manage": False})
    # The order of the names does not matter; sets are sorted; free text (a search) is hashed, never kept as typed.
    assert generations.fragment_key("t", 1, {"roles": {"membre", "agent"}, "day": datetime.date(2026, 12, 6)}) == (
        "fragment:t:1:day=2026-12-06:roles=agent,membre"
    )
    searched = generations.fragment_key("t", "list", {"query": "Côte-d'Or : PERFADOM", "page": None})
    assert "PERFADOM" not in searched and len(searched.rsplit("=", 1)[1]) == 24 and "page=:" in searched
    # A long list of what varies is hashed as a whole, so that the key with its scopes' tokens stays short.
    long = generations.fragment_key("t", 1, {f"part{index}": "x" * 30 for index in range(5)})
    assert len(long) < 80 and long.startswith("fragment:t:1:")
