"""/sante/ checks the database, the cache, the storage and, with a broker, the broker and the workers.

The public reads "ok" or "erreur" and the HTTP code; staff also read which component fails, never a host,
a port or a password (those go to the log).
"""

import logging
import os
import time

import pytest
from django.urls import reverse

BROKEN_BROKER = "redis://:motdepasse-du-courtier@127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def staff(db):
    from tests.factories import UserFactory

    return UserFactory(username="exploitation", is_staff=True)


def test_the_public_reads_a_bare_ok(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.content.decode() == "ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_the_public_json_answer_is_the_status_alone(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"

    assert client.get(reverse("health"), {"format": "json"}).json() == {"statut": "ok"}
    assert client.get(reverse("health"), headers={"accept": "application/json"}).json() == {"statut": "ok"}


def test_staff_read_each_component(client, staff, settings):
    settings.CELERY_BROKER_URL = "memory://"
    client.force_login(staff)

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 200
    assert response.json() == {
        "statut": "ok",
        "composants": {"Base de données": "ok", "Cache": "ok", "Stockage des fichiers": "ok"},
    }
    assert "Cookie" in response["Vary"]


def test_a_failing_check_answers_500_and_erreur_to_the_public(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = client.get(reverse("health"))

    assert response.status_code == 500
    assert response.content.decode() == "erreur\n"


def test_an_unreachable_broker_is_named_to_staff_without_host_port_or_password(client, staff, settings, caplog):
    settings.CELERY_BROKER_URL = BROKEN_BROKER
    settings.HEALTH_CHECK_CELERY_WORKERS = False
    client.force_login(staff)
    started = time.monotonic()

    with caplog.at_level(logging.WARNING, logger="portal.health"):
        response = client.get(reverse("health"))

    assert response.status_code == 500
    text = response.content.decode()
    assert text.splitlines()[0] == "erreur"
    assert "Courtier des tâches (Redis) : indisponible" in text.splitlines()
    for secret in ("127.0.0.1", "port", ":1", "motdepasse", "db="):
        assert secret not in text
    assert "host='127.0.0.1', port=1" in caplog.text  # the operators find it in the log
    assert time.monotonic() - started < 10


def test_the_public_learns_nothing_of_the_failing_broker(client, db, settings):
    settings.CELERY_BROKER_URL = BROKEN_BROKER
    settings.HEALTH_CHECK_CELERY_WORKERS = False

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 500
    assert response.json() == {"statut": "erreur"}


def test_a_signed_in_member_who_is_not_staff_reads_the_bare_status(client, alice, settings):
    settings.CELERY_BROKER_URL = "memory://"
    client.force_login(alice)

    assert client.get(reverse("health"), {"format": "json"}).json() == {"statut": "ok"}


@pytest.mark.broker
def test_with_a_broker_but_no_worker_the_page_answers_500_within_seconds(client, settings, staff):
    # A Redis database of its own, so that the workers of other test runs on the same Redis don't answer.
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + "/13"
    settings.HEALTH_CHECK_CELERY_WORKERS = True
    from portal.celery import app

    client.force_login(staff)
    saved = app.conf.broker_url
    app.conf.broker_url = settings.CELERY_BROKER_URL
    started = time.monotonic()
    try:
        response = client.get(reverse("health"), {"format": "json"})
    finally:
        app.conf.broker_url = saved

    assert response.status_code == 500
    assert response.json()["composants"]["Courtier des tâches (Redis)"] == "ok"
    assert response.json()["composants"]["Workers Celery"] == "indisponible"
    assert time.monotonic() - started < 10
