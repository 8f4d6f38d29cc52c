"""Logins are throttled by django-axes: the sixth attempt after five failures is refused, in French."""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "Calanques-2026-bleues"


@pytest.fixture
def kern(db):
    user = UserFactory(username="kern")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, password):
    return client.post(reverse("login"), {"username": "kern", "password": password})


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, kern):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429

    response = attempt(client, PASSWORD)

    assert response.status_code == 429
    assert "Compte temporairement bloqué après trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="kern").failures_since_start >= 5


def test_the_lock_is_lifted_after_the_cool_off(client, kern, time_machine):
    time_machine.move_to("2026-11-22 10:00:00+00:00", tick=False)
    for _ in range(5):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 429

    time_machine.move_to("2026-11-22 10:16:00+00:00", tick=False)
    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(kern.pk)


def test_a_success_before_the_limit_resets_the_count(client, kern):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        attempt(client, "wrong")

    assert attempt(client, PASSWORD).status_code == 302


def test_failed_logins_and_the_lockout_are_logged_without_the_password(client, kern, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    for _ in range(5):
        attempt(client, "s3cret-guess")

    records = [record for record in caplog.records if record.name == "portal.security"]
    failures = [record.getMessage() for record in records if record.getMessage().startswith("login failed")]
    assert len(failures) == 5
    assert "user='kern' ip=127.0.0.1" in failures[0]
    assert any(record.getMessage().startswith("login locked out user='kern'") for record in records)
    assert not any("s3cret-guess" in record.getMessage() for record in caplog.records)


def test_a_direct_authenticate_without_request_is_refused_so_no_login_path_escapes_throttling(kern):
    from axes.exceptions import AxesBackendRequestParameterRequired
    from django.contrib.auth import authenticate

    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="kern", password=PASSWORD)
