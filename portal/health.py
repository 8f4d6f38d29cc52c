"""/sante/: is this web node able to serve? (django-health-check)

Checked: the database, the cache, the file storage and, when a broker is configured, the broker
(a Redis PING) and the Celery workers (a ping answered by at least one worker, and a worker on every
queue of CELERY_TASK_QUEUES). Each probe has a few seconds at most, so the page answers within about
5 s even with no worker or an unreachable broker: 200 when all is well, 500 otherwise.

The public (a load balancer, a monitoring probe) reads a bare status, "ok" or "erreur", and the HTTP code.
Staff accounts also read which component fails and how ("Base de données : indisponible"), never the
check's own text, which names hosts, ports and databases: that text goes to the log. Plain text, or JSON
with `?format=json` (or Accept: application/json): {"statut": "ok"}, and "composants" for staff.
"""

import asyncio
import datetime
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from health_check.views import HealthCheckView, MediaType
from redis.asyncio import Redis

from portal.celery import app

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = datetime.timedelta(seconds=2)
# What staff read of each check, by its class.
COMPONENTS = {
    "Database": "Base de données",
    "Cache": "Cache",
    "Storage": "Stockage des fichiers",
    "Redis": "Courtier des tâches (Redis)",
    "Ping": "Workers Celery",
}
# How a check failed, by the package's exception types (their message_type).
FAILURES = {"Unavailable": "indisponible", "Unexpected Result": "réponse inattendue", "Warning": "avertissement"}


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
    if settings.HEALTH_CHECK_CELERY_WORKERS and not broker.startswith("memory://"):
        selected.append(("health_check.contrib.celery.Ping", {"app": app, "timeout": PROBE_TIMEOUT}))
    return selected


class PortalHealthView(HealthCheckView):
    """The package's checks and headers (never cached, Vary: Accept); the portal's answer (see the module)."""

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        for result in results:
            if result.error:
                logger.warning("Santé : %r en échec : %s", result.check, result.error)
        healthy = not any(result.error for result in results)
        answer = {"statut": "ok" if healthy else "erreur"}
        user = await request.auser()
        if user.is_active and user.is_staff:
            answer["composants"] = {_component(result.check): _state(result.error) for result in results}
        status = 200 if healthy else 500
        if _wants_json(request):
            response = JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})
        else:
            lines = [answer["statut"], *(f"{name} : {state}" for name, state in answer.get("composants", {}).items())]
            response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=status)
        patch_vary_headers(response, ["Cookie"])  # staff read more than the public
        return response

    def get_checks(self):
        self.checks = checks()
        return super().get_checks()


def _component(check) -> str:
    name = type(check).__name__
    return COMPONENTS.get(name, name)


def _state(error) -> str:
    if error is None:
        return "ok"
    return FAILURES.get(getattr(error, "message_type", ""), "erreur")


def _wants_json(request) -> bool:
    if "format" in request.GET:
        return request.GET["format"] == "json"
    try:
        media = next(MediaType.parse_header(request.headers.get("accept", "*/*")), None)
    except ValueError:
        return False
    return media is not None and media.mime_type in ("application/json", "application/*")
