"""/sante/: is this web node able to serve? (django-health-check)

Checked: the database, the cache, the file storage and, when a broker is configured, the broker
(a Redis PING) and the Celery workers (a ping answered by at least one worker, and a worker on every
queue of CELERY_TASK_QUEUES). Each probe has a few seconds at most, so the page answers within about
5 s even with no worker or an unreachable broker: 200 when all is well, 500 with the failing checks.
Add `?format=json` (or Accept: application/json) for monitoring.
"""

import datetime

from django.conf import settings
from health_check.views import HealthCheckView
from redis.asyncio import Redis

from portal.celery import app

PROBE_TIMEOUT = datetime.timedelta(seconds=2)


def _broker_client():
    return Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=PROBE_TIMEOUT.total_seconds(),
        socket_timeout=PROBE_TIMEOUT.total_seconds(),
    )


def checks() -> list:
    """The checks for the current settings (read at each request)."""
    selected: list = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
    ]
    broker = settings.CELERY_BROKER_URL
    if broker.startswith(("redis://", "rediss://")):
        selected.append(("health_check.contrib.redis.Redis", {"client_factory": _broker_client}))
    if settings.HEALTH_CHECK_CELERY_WORKERS and broker != "memory://":
        selected.append(("health_check.contrib.celery.Ping", {"app": app, "timeout": PROBE_TIMEOUT}))
    return selected


class PortalHealthView(HealthCheckView):
    async def dispatch(self, request, *args, **kwargs):
        response = await super().dispatch(request, *args, **kwargs)
        # The package's HTML page has an inline style; it shows no user data (django-csp's exemption flag).
        response._csp_exempt = True
        return response

    def get_checks(self):
        self.checks = checks()
        return super().get_checks()
