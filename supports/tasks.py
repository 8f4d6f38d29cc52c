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


@shared_task(acks_late=True)
def mail_rdd_document(render_id: int) -> int:
    """E-mail a transmitted RDD's sealed document to its members (each address once: safe to run twice)."""
    from .links import mail_rdd_document as mail

    return mail(render_id=render_id)


@shared_task(name="supports.tasks.redeliver_rdd_documents")
def redeliver_rdd_documents() -> int:
    """Send the members' e-mails of documents recorded in the last days and not all sent (Celery beat, 5 min)."""
    from .links import mail_rdd_document as mail
    from .links import undelivered_documents

    return sum(mail(render_id=render_id) for render_id in undelivered_documents())


@shared_task(acks_late=True)
def refresh_supports(meeting_id: int, token: str) -> list[int]:
    """Render again a meeting's supports made out of date by its changes (supports.refresh, debounced)."""
    from .refresh import refresh

    return refresh(meeting_id, token)
