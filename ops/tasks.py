"""Operations' tasks: the daily retention purge (Celery beat), and probe tasks that check in a deployment that
PDF and import jobs reach the workers of their queues.

    python manage.py shell -c "from ops.tasks import render_probe; render_probe.delay('probe:1')"
    redis-cli LRANGE probe:1 0 -1     # {"task": "ops.tasks.render_probe", "worker": "pdf@web2", "queue": "pdf"}

They match the routes of CELERY_TASK_ROUTES by their names (`*.render_*`, `*.import_*`) like the real
tasks, and only write one line to a Redis list (the broker's), which expires after 10 minutes.
"""

import json

import redis
from celery import shared_task
from django.conf import settings

PROBE_TTL_SECONDS = 600


def _record(task, key: str) -> None:
    line = {
        "task": task.name,
        "worker": task.request.hostname,
        "queue": (task.request.delivery_info or {}).get("routing_key"),
    }
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        client.rpush(key, json.dumps(line))
        client.expire(key, PROBE_TTL_SECONDS)
    finally:
        client.close()


@shared_task(bind=True)
def render_probe(self, key: str) -> None:
    _record(self, key)


@shared_task(bind=True)
def import_probe(self, key: str) -> None:
    _record(self, key)


@shared_task
def purge_expired() -> dict[str, int]:
    """Celery beat, daily: what `manage.py purge_expired` deletes (ops.retention), so that the retention periods
    hold without a cron job of the host's."""
    from .retention import purge_expired as purge  # here: the task module is imported by Celery before Django is set

    return {purged.name: purged.count for purged in purge()}
