"""The Redis cache (django-redis, as portal.cache.redis_cache configures it) on a real Redis: values in and out,
one client for every thread; and a server that is down or never answers raises nothing, and after its first
failure is not asked again before the breaker's retry delay."""

import os
import socket
import threading

import pytest
from django_redis.cache import RedisCache

from portal import cache as portal_cache

pytestmark = pytest.mark.broker  # a real Redis (CELERY_BROKER_URL names it)


def _cache(location: str, retry_seconds: float = 5.0) -> RedisCache:
    settings = portal_cache.redis_cache(location, key_prefix="test-cache", retry_seconds=retry_seconds)
    return RedisCache(location, {key: value for key, value in settings.items() if key != "BACKEND"})


@pytest.fixture
def redis_cache():
    broker = os.environ["CELERY_BROKER_URL"]
    cache = _cache(broker.rsplit("/", 1)[0] + "/14")
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def silent_server():
    """A server that accepts connections and never answers a command; yields (URL, accepted connections)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", accepted
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()


def test_values_go_in_and_out(redis_cache):
    redis_cache.set("commission", {"slug": "cpr-paca", "seats": 12}, 60)
    assert redis_cache.get("commission") == {"slug": "cpr-paca", "seats": 12}
    assert redis_cache.add("commission", "other", 60) is False
    assert redis_cache.add("new", 1, 60) is True
    assert redis_cache.get_many(["commission", "new", "absent"]) == {
        "commission": {"slug": "cpr-paca", "seats": 12},
        "new": 1,
    }
    redis_cache.delete("new")
    assert redis_cache.get("new", "gone") == "gone"


def test_one_client_serves_every_command_and_every_thread(redis_cache):
    redis_cache.set("warm", 1, 60)
    client = redis_cache.client.get_client()
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"k{n}-{i}", i, 60)
                assert redis_cache.get(f"k{n}-{i}") == i
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert redis_cache.client.get_client() is client
    assert redis_cache.get_many([f"k{n}-49" for n in range(4)]) == {f"k{n}-49": 49 for n in range(4)}


def test_a_closed_port_is_a_miss_and_a_skipped_write():
    cache = _cache("redis://127.0.0.1:9/0")
    assert cache.get("anything", "default") == "default"
    cache.set("anything", 1, 60)
    assert cache.get_many(["a", "b"]) == {}


def test_a_server_that_never_answers_is_asked_once_then_skipped_until_the_retry_delay(silent_server):
    location, accepted = silent_server
    cache = _cache(location)
    assert cache.get("anything", "default") == "default"
    for _ in range(20):
        cache.set("anything", 1, 60)
        assert cache.get("anything") is None
    assert len(accepted) == 1  # one timed-out connection; the 40 commands after it failed at once


def test_the_breaker_lets_a_command_try_again_after_the_delay(silent_server):
    location, accepted = silent_server
    cache = _cache(location, retry_seconds=0.0)
    cache.get("first")
    cache.get("second")
    assert len(accepted) == 2


def test_a_failing_server_does_not_open_the_breaker_of_another(redis_cache):
    broken = _cache("redis://127.0.0.1:9/0")
    broken.get("anything")
    redis_cache.set("still", "served", 60)
    assert redis_cache.get("still") == "served"
