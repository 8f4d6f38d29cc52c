"""Current documents only: a support whose meeting changed is rendered again by itself, once the changes settle.

Each change of a meeting, its agenda or its items' attachments (signals connected in apps.py) schedules, once the
transaction commits, a task SUPPORTS_REFRESH_SECONDS later carrying a fresh token kept in the cache; a later change
replaces the token, so only the last task of a burst renders (debounced). The task renders again every ready
support of the meeting that is no longer current (services.freshness), never a transmitted RDD's document. With
the broker or the cache down nothing is lost: the supports page shows "à mettre à jour" and its button.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from commissions.meetings.models import AgendaItem, Meeting

from .models import SupportRender

logger = logging.getLogger(__name__)


def _key(meeting_id: int) -> str:
    return f"supports:refresh:{meeting_id}"


def schedule_refresh(meeting_id: int) -> None:
    """Debounced re-rendering of the meeting's supports that the change makes out of date."""
    delay = settings.SUPPORTS_REFRESH_SECONDS
    if not delay or not SupportRender.objects.filter(meeting_id=meeting_id, status=SupportRender.Status.READY).exists():
        return
    token = uuid.uuid4().hex
    try:
        cache.set(_key(meeting_id), token, timeout=delay * 10)
    except Exception:  # noqa: BLE001 - the cache down: the task renders whatever its token
        logger.warning("Cache indisponible : rendu différé des supports de la réunion %s sans anti-rebond.", meeting_id)

    def send() -> None:
        from .tasks import refresh_supports

        try:
            refresh_supports.apply_async((meeting_id, token), countdown=delay)
        except Exception:  # noqa: BLE001 - the broker down: the page offers the update in one click
            logger.warning("File des tâches indisponible : supports de la réunion %s à mettre à jour.", meeting_id)

    transaction.on_commit(send, robust=True)


def refresh(meeting_id: int, token: str) -> list[int]:
    """Render again the meeting's out-of-date supports, unless a later change scheduled its own task.

    `support_request` itself keeps a rendering whose data are unchanged and never renders a transmitted RDD's
    document again: it is asked once for each document and version the meeting has a ready rendering of."""
    from .services import support_request

    try:
        latest = cache.get(_key(meeting_id))
    except Exception:  # noqa: BLE001
        latest = None
    if latest is not None and latest != token:
        return []
    meeting = Meeting.objects.select_related("commission").get(pk=meeting_id)
    ready = SupportRender.objects.filter(meeting=meeting, status=SupportRender.Status.READY)
    started = []
    for kind, version in sorted(set(ready.values_list("kind", "version"))):
        try:
            new, created = support_request(meeting=meeting, kind=kind, version=version, user=None)
        except ValidationError as error:  # no longer renderable (an RDD gone): the page says why on request
            logger.info("Support %s/%s de la réunion %s non rendu : %s", kind, version, meeting_id, error)
            continue
        if created:
            started.append(new.pk)
    return started


def on_meeting_change(sender, instance, **kwargs) -> None:
    """A meeting, one of its agenda items or an item's attachment saved or deleted."""
    if sender.__name__ == "Meeting":
        meeting_id = instance.pk
    elif hasattr(instance, "meeting_id"):
        meeting_id = instance.meeting_id
    else:  # an attachment: through its item
        meeting_id = AgendaItem.objects.filter(pk=instance.item_id).values_list("meeting_id", flat=True).first()
    if meeting_id:
        schedule_refresh(meeting_id)
