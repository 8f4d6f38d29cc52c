"""Fixtures of the fault tests that kill a real worker: a Redis database of their own, files on disk, the worker."""

import os
import uuid

import pytest
import redis

from tests.faults.worker import Worker, use_broker

# A Redis database no other test uses, so that no other test's worker takes our tasks.
FAULTS_REDIS_DATABASE = 9


@pytest.fixture
def broker_url():
    """The faults' Redis database, emptied before and after; this process sends its tasks there."""
    base = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0]
    url = f"{base}/{FAULTS_REDIS_DATABASE}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    undo = use_broker(url)
    yield url
    undo()
    client.flushdb()


@pytest.fixture
def media(tmp_path, settings):
    """Stored files on disk (the worker is another process: no in-memory storage)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


@pytest.fixture
def worker_env() -> dict[str, str]:
    """What the worker's environment adds to the test's (a test module overrides this fixture)."""
    return {}


@pytest.fixture
def worker(broker_url, media, tmp_path, monkeypatch, worker_env):
    for name, value in worker_env.items():
        monkeypatch.setenv(name, value)
    process = Worker(broker_url=broker_url, media_root=media, log=tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log")
    process.start()
    yield process
    process.stop()
