"""Celery tasks of the RDD: they take ids, are queued on commit and may run twice without sending twice.

The daily reminder needs this entry in the beat schedule (portal/settings.py):

    CELERY_BEAT_SCHEDULE = {
        "decisions-remind-pending-approvals": {
            "task": "decisions.tasks.remind_pending_approvals",
            "schedule": crontab(hour=8, minute=0),
        },
    }
"""

import logging

from celery import shared_task

from . import emails
from .models import TrailEntry
from .trail import trails_verify

logger = logging.getLogger(__name__)


@shared_task
def notify_rdd_event(entry_id: int) -> int:
    """The e-mails of one transition of an RDD (the trail entry that recorded it)."""
    entry = TrailEntry.objects.filter(pk=entry_id).first()
    if entry is None:
        return 0
    return emails.notify_event(entry=entry)


@shared_task
def remind_pending_approvals() -> int:
    """Daily: remind the presidents whose approval has been awaited more than 7 days."""
    return emails.remind_pending()


@shared_task
def verify_trails() -> int:
    """Daily: check every RDD's trail from the database; each broken one is logged as an error."""
    broken = trails_verify()
    for rdd, check in broken:
        logger.error(
            "trail broken: RDD %s (%s, %s) at entry %s: %s",
            rdd.pk,
            rdd.meeting.commission.name,
            rdd.meeting.date.isoformat(),
            check.broken.sequence if check.broken else "-",
            check.reason,
        )
    return len(broken)
