"""The password typed again to approve is throttled per user, in the database: guessing it at an open
session of a president locks the approval after 5 wrong passwords for the rest of a 15-minute window."""

import datetime
import logging

import pytest
import time_machine
from django.urls import reverse

from decisions.models import Approval, ApprovalPasswordFailure, Rdd, TrailEntry

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide"  # tests.factories.UserFactory's

START = datetime.datetime(2026, 11, 22, 13, 0, tzinfo=datetime.UTC)  # 14:00 in Paris


@pytest.fixture
def social(client, submitted, presidents):
    """The social president, signed in, on the approval page of the submitted RDD."""
    president = presidents[0]
    client.force_login(president.user)
    return president


def approve(client, rdd, password):
    return client.post(reverse("decisions:approve", args=[rdd.pk]), {"password": password})


def guess(client, rdd, times):
    for _ in range(times):
        assert "Mot de passe incorrect" in approve(client, rdd, "pas-le-bon").content.decode()


def test_five_wrong_passwords_refuse_even_the_right_one_and_say_until_when(client, submitted, social, caplog):
    with time_machine.travel(START, tick=False):
        guess(client, submitted, 5)
        trail = TrailEntry.objects.filter(rdd=submitted).count()

        with caplog.at_level(logging.WARNING, logger="portal.security"):
            response = approve(client, submitted, PASSWORD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Trop de mots de passe erronés : l&#x27;approbation est bloquée jusqu&#x27;à 14:15." in page
    assert "approval password locked" in caplog.text
    submitted.refresh_from_db()
    assert submitted.status == Rdd.Status.SUBMITTED
    assert not Approval.objects.exists()
    assert TrailEntry.objects.filter(rdd=submitted).count() == trail


def test_the_right_password_passes_once_the_window_is_over(client, submitted, social):
    with time_machine.travel(START, tick=False):
        guess(client, submitted, 5)
    with time_machine.travel(START + datetime.timedelta(minutes=14, seconds=59), tick=False):
        assert "Trop de mots de passe erronés" in approve(client, submitted, PASSWORD).content.decode()

    with time_machine.travel(START + datetime.timedelta(minutes=15, seconds=1), tick=False):
        response = approve(client, submitted, PASSWORD)

    assert response.status_code == 302
    assert Approval.objects.get().person == social


def test_the_lock_lasts_until_the_oldest_of_the_five_failures_leaves_the_window(client, submitted, social):
    for minute in range(5):
        with time_machine.travel(START + datetime.timedelta(minutes=3 * minute), tick=False):
            guess(client, submitted, 1)

    with time_machine.travel(START + datetime.timedelta(minutes=13), tick=False):
        assert "bloquée jusqu&#x27;à 14:15" in approve(client, submitted, PASSWORD).content.decode()
    with time_machine.travel(START + datetime.timedelta(minutes=16), tick=False):
        assert approve(client, submitted, PASSWORD).status_code == 302


def test_a_right_password_resets_the_count(client, submitted, social):
    with time_machine.travel(START, tick=False):
        guess(client, submitted, 4)
        assert approve(client, submitted, PASSWORD).status_code == 302

        assert not ApprovalPasswordFailure.objects.exists()


def test_the_count_is_per_user(client, submitted, presidents, social):
    with time_machine.travel(START, tick=False):
        guess(client, submitted, 5)
        client.force_login(presidents[1].user)

        response = approve(client, submitted, PASSWORD)

    assert response.status_code == 302
    assert Approval.objects.get().person == presidents[1]


def test_the_count_survives_a_cache_down(client, submitted, social, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with time_machine.travel(START, tick=False):
        guess(client, submitted, 5)

        assert "Trop de mots de passe erronés" in approve(client, submitted, PASSWORD).content.decode()
