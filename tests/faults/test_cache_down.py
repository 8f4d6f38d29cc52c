"""With the Redis cache down or silent, the portal is slower, never down: logging in, the sessions, the pages
and the error page work from the database (production settings: cached_db sessions, django-redis with its
failures ignored, 0.5 s socket timeouts and portal.cache's breaker)."""

import datetime
import re
import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add
from decisions import services
from decisions.models import Approval
from portal.cache import redis_cache
from tests.factories import PersonFactory, make_session, seat_member


@pytest.fixture(params=["closed port", "silent server"])
def broken_cache(request):
    """A cache URL where nothing listens, or where a server accepts connections and never answers."""
    if request.param == "closed port":
        yield "redis://127.0.0.1:9/0"
        return
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    try:
        yield f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    finally:
        silent.close()


@pytest.fixture
def down(broken_cache):
    with override_settings(
        CACHES={"default": redis_cache(broken_cache, key_prefix="faults")},
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        PAGE_CACHE=True,
    ):
        yield


def test_alice_logs_in_and_reads_her_commission_with_the_cache_down(client, alice, commission, down):
    seat_member(commission, SectionKind.PROFESSIONAL, person=PersonFactory(last_name="Durand", first_name="Anne"))

    response = client.post(reverse("login"), {"username": "alice", "password": "motdepasse-solide"})
    assert response.status_code == 302

    page = client.get(commission.get_absolute_url())
    assert page.status_code == 200
    assert "DURAND Anne" in page.content.decode()
    assert client.get(reverse("commissions:list")).status_code == 200


def test_a_wrong_password_is_refused_in_french_with_the_cache_down(client, alice, down):
    response = client.post(reverse("login"), {"username": "alice", "password": "faux"})
    assert response.status_code == 200
    assert "Saisissez un nom d" in response.content.decode() or "incorrect" in response.content.decode()


def test_the_not_found_page_renders_with_the_cache_down(client, alice, down):
    client.force_login(alice)
    response = client.get("/commissions/aucune-commission/")
    assert response.status_code == 404
    assert "introuvable" in response.content.decode().lower()


def _hidden_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_a_president_approves_and_reads_the_rdd_with_the_cache_down(client, alice, commission, presidents, down):
    meeting = make_session(commission, datetime.date(2025, 2, 26))
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
    rdd = services.rdd_create(meeting=meeting, user=alice)
    services.rdd_submit(rdd=rdd, user=alice)
    social = presidents[0]
    client.post(reverse("login"), {"username": social.user.username, "password": "motdepasse-solide"})
    url = reverse("decisions:approve", args=[rdd.pk])
    form = _hidden_fields(client.get(url).content.decode())
    form.pop("csrfmiddlewaretoken", None)
    response = client.post(url, {**form, "password": "motdepasse-solide"}, follow=True)
    assert response.status_code == 200
    assert Approval.objects.filter(rdd=rdd, person=social).exists()
    page = client.get(reverse("decisions:detail", args=[rdd.pk]))
    assert page.status_code == 200 and "Aides à la télétransmission" in page.content.decode()
