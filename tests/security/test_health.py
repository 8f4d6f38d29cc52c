"""/sante/ reports the database, the cache, the storage and, with a broker, the broker and the workers."""

import os
import time

import pytest
from django.urls import reverse


def test_the_health_page_checks_the_database_the_cache_and_the_storage(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 200
    assert response.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Storage(alias='default')": "OK",
    }
    assert "no-cache" in response["Cache-Control"]


def test_the_health_page_needs_no_login_and_shows_no_data(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"

    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert b"commission" not in response.content.lower()


def test_a_failing_check_answers_500(client, db, settings):
    settings.CELERY_BROKER_URL = "memory://"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 500
    assert response.json()["Cache(alias='default')"] != "OK"


def test_an_unreachable_broker_is_reported_quickly(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.HEALTH_CHECK_CELERY_WORKERS = False
    started = time.monotonic()

    response = client.get(reverse("health"), {"format": "json"})

    assert response.status_code == 500
    assert (
        response.json()["Redis(db=0, host='127.0.0.1', port=1)"]
        == "Unavailable: Unable to connect to Redis: Connection Error"
    )
    assert time.monotonic() - started < 10


@pytest.mark.broker
def test_with_a_broker_but_no_worker_the_page_answers_500_within_seconds(client, settings):
    # A Redis database of its own, so that the workers of other test runs on the same Redis don't answer.
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + "/13"
    settings.HEALTH_CHECK_CELERY_WORKERS = True
    from portal.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = settings.CELERY_BROKER_URL
    started = time.monotonic()
    try:
        response = client.get(reverse("health"), {"format": "json"})
    finally:
        app.conf.broker_url = saved

    assert response.status_code == 500
    results = response.json()
    assert results["Redis(db=13, host='127.0.0.1', port=6379)"] == "OK"
    assert [value for key, value in results.items() if key.startswith("Ping")] == [
        "Unavailable: Celery workers unavailable"
    ]
    assert time.monotonic() - started < 10
