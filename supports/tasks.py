"""Celery task of the supports: takes a primary key, calls the service (idempotent, time-limited)."""

from celery import shared_task

from . import conf
from .services import JOBS, support_render

LIMIT = conf.get("SUPPORTS_RENDER_TIME_LIMIT")


@shared_task(time_limit=LIMIT, soft_time_limit=max(LIMIT - 15, 1), acks_late=True)
def render_support(render_id: int) -> None:
    support_render(render_id=render_id)


@shared_task(name="supports.tasks.redispatch_stale_renders")
def redispatch_stale_renders() -> int:
    """Send again the renderings left waiting (broker down) or whose worker died (Celery beat, every minute)."""
    return JOBS.redispatch(render_support)
