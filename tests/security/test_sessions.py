"""Sessions end after 30 idle minutes and 12 hours after the login at most; a login gets a new session key."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "Calanques-2026-bleues"
HOME = "/commissions/"


@pytest.fixture
def kern(db):
    user = UserFactory(username="kern")
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client):
    response = client.post(reverse("login"), {"username": "kern", "password": PASSWORD})
    assert response.status_code == 302
    return response


def is_logged_in(client) -> bool:
    response = client.get(HOME)
    return response.status_code == 200


def test_a_session_idle_for_more_than_30_minutes_is_over(client, kern, time_machine):
    time_machine.move_to("2026-11-22 09:00:00+01:00", tick=False)
    login(client)
    time_machine.move_to("2026-11-22 09:29:00+01:00", tick=False)
    assert is_logged_in(client)

    time_machine.move_to("2026-11-22 09:59:30+01:00", tick=False)

    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_each_request_extends_the_idle_timeout(client, kern, time_machine):
    time_machine.move_to("2026-11-22 09:00:00+01:00", tick=False)
    login(client)
    for minute in (20, 40, 59):  # never 30 minutes without a request
        time_machine.move_to(f"2026-11-22 09:{minute:02d}:00+01:00", tick=False)
        assert is_logged_in(client)


def test_a_session_ends_12_hours_after_the_login_even_when_active(client, kern, time_machine):
    time_machine.move_to("2026-11-22 08:00:00+01:00", tick=False)
    login(client)
    for hour in range(8, 20):
        for minute in (0, 20, 40):
            time_machine.move_to(f"2026-11-22 {hour:02d}:{minute:02d}:00+01:00", tick=False)
            assert is_logged_in(client), f"logged out at {hour}:{minute:02d}"

    time_machine.move_to("2026-11-22 20:00:30+01:00", tick=False)

    assert not is_logged_in(client)
    login(client)  # and a new login opens a new 12-hour session
    assert is_logged_in(client)


def test_the_session_key_changes_at_login(client, kern):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.cookies["sessionid"] = before

    login(client)

    assert client.session.session_key != before
    assert client.cookies["sessionid"].value == client.session.session_key


def test_the_session_cookie_is_http_only_and_expires_with_the_idle_timeout(client, kern, settings):
    response = login(client)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["max-age"] == 1800
    assert cookie["samesite"] == "Lax"
