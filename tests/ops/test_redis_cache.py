"""portal.cache.RedisCache: Django's Redis cache with one client per connection pool, on a real Redis."""

import os
import threading

import pytest

from portal.cache import RedisCache

pytestmark = pytest.mark.broker  # a real Redis (CELERY_BROKER_URL names it)


@pytest.fixture
def redis_cache():
    broker = os.environ["CELERY_BROKER_URL"]
    cache = RedisCache(broker.rsplit("/", 1)[0] + "/14", {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_go_in_and_out_as_with_django_s_backend(redis_cache):
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
    client = redis_cache._cache.get_client(write=True)  # noqa: SLF001
    assert redis_cache._cache.get_client() is client  # noqa: SLF001
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"k{n}-{i}", i, 60)
                assert redis_cache.get(f"k{n}-{i}") == i
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert redis_cache.get_many([f"k{n}-49" for n in range(4)]) == {f"k{n}-49": 49 for n in range(4)}
