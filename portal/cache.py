"""Django's Redis cache, without building a Redis client object for every command.

`django.core.cache.backends.redis.RedisCacheClient.get_client()` makes a new `redis.Redis` per call, and
redis-py 8 fills some 170 response callbacks into a case-insensitive dict at each construction: measured on
the commission page, five of them per request cost 1.2 ms of CPU, a fifth of the whole request. A
`redis.Redis` is safe to share between threads (each command takes a connection from the pool), so one per
connection pool is kept. CACHES uses `portal.cache.RedisCache` when CACHE_URL names a Redis server.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
