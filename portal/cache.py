"""The Redis cache's settings, and a circuit breaker that keeps a failing Redis from slowing every page.

django-redis, with IGNORE_EXCEPTIONS, turns a failed cache command into a miss (a read) or a no-op (a write), so a
Redis that is down never breaks a page. But each failed command still waits for its socket timeout, and a page
makes a dozen cache commands: with a Redis that accepts connections and never answers, every page would take
several seconds. After one failure, the breaker makes every connection of the process fail at once for
CACHE_RETRY_SECONDS, then lets one command try again.
"""

import time

from redis import exceptions
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection


class _Breaker:
    """Process-wide, per Redis address: once it has failed, no connection of this process to that address tries
    again before CACHE_RETRY_SECONDS have passed."""

    retry_seconds = 5.0
    open_until: dict[tuple, float] = {}

    @classmethod
    def check(cls, address: tuple) -> None:
        if time.monotonic() < cls.open_until.get(address, 0.0):
            raise exceptions.ConnectionError("Cache Redis indisponible : nouvel essai dans quelques secondes.")

    @classmethod
    def trip(cls, address: tuple) -> None:
        cls.open_until[address] = time.monotonic() + cls.retry_seconds

    @classmethod
    def reset(cls) -> None:
        cls.open_until.clear()


class _FailFast:
    """Connection methods wrapped by the breaker (mixed into redis-py's public connection classes)."""

    def _address(self) -> tuple:
        return (getattr(self, "path", None), getattr(self, "host", None), getattr(self, "port", None))

    def connect(self):
        _Breaker.check(self._address())
        try:
            return super().connect()
        except (exceptions.ConnectionError, exceptions.TimeoutError):
            _Breaker.trip(self._address())
            raise

    def read_response(self, *args, **kwargs):
        try:
            return super().read_response(*args, **kwargs)
        except (exceptions.ConnectionError, exceptions.TimeoutError):
            _Breaker.trip(self._address())
            raise


class FailFastConnection(_FailFast, Connection):
    pass


class FailFastSSLConnection(_FailFast, SSLConnection):
    pass


class FailFastUnixConnection(_FailFast, UnixDomainSocketConnection):
    pass


_CONNECTIONS = {"redis": FailFastConnection, "rediss": FailFastSSLConnection, "unix": FailFastUnixConnection}


def reset_breakers() -> None:
    """Close every breaker of this process (tests that break a cache on purpose)."""
    _Breaker.reset()


def redis_cache(location: str, *, key_prefix: str, socket_timeout: float = 0.5, retry_seconds: float = 5.0) -> dict:
    """The `CACHES["default"]` of a Redis cache whose failures are logged and ignored, and fail fast."""
    _Breaker.retry_seconds = retry_seconds
    scheme = location.split("://", 1)[0]
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "TIMEOUT": 300,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": socket_timeout,
            "SOCKET_TIMEOUT": socket_timeout,
            "IGNORE_EXCEPTIONS": True,
            "CONNECTION_POOL_KWARGS": {"connection_class": _CONNECTIONS[scheme]},
        },
    }
