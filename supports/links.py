"""The transmitted RDD's document for the members: e-mailed once it is sealed and recorded, attached or behind a
link that works without an account for a limited time (settings.RDD_LINK_DAYS).

The link carries the rendering's id and the SHA-256 the trail records, signed with the portal's SECRET_KEY and
dated (django.core.signing): it cannot be forged nor pointed at another document, it expires, and the document
is checked against its trail before it is served, as every download is.
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from decisions.emails import notify_document
from decisions.models import Notification, TrailEntry

from .models import SupportRender

logger = logging.getLogger(__name__)

SALT = "supports.rdd-document-link"
# DOCUMENT entries whose e-mails are sent again while some are missing (the broker or the mail server was down).
REDELIVERY_WINDOW = datetime.timedelta(days=3)


def document_link(render: SupportRender) -> str:
    token = signing.dumps({"render": render.pk, "sha256": render.sha256}, salt=SALT, compress=True)
    return settings.PORTAL_BASE_URL + reverse("supports:rdd_document_link", args=[token])


def link_until(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localdate(now or timezone.now()) + datetime.timedelta(days=settings.RDD_LINK_DAYS)


class LinkExpired(Exception):
    """A genuine link whose validity has run out."""


def linked_render(token: str) -> SupportRender | None:
    """The rendering a link points at, if the link is genuine, unexpired and the document still the one it named.
    Raises LinkExpired for a genuine link past its validity; None for anything else."""
    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=settings.RDD_LINK_DAYS))
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature:
        return None
    return (
        SupportRender.objects.select_related("meeting__commission")
        .filter(pk=data.get("render"), sha256=data.get("sha256"), status=SupportRender.Status.READY)
        .first()
    )


def mail_rdd_document(*, render_id: int) -> int:
    """E-mail the sealed document of a transmitted RDD to its members (once per address), if it is intact."""
    from .services import rdd_document_check

    render = SupportRender.objects.select_related("meeting__commission").get(pk=render_id)
    check = rdd_document_check(render)
    if check is None or not check.intact:
        logger.error("Relevé %s : document non envoyé aux membres (absent ou altéré).", render_id)
        return 0
    transmitted_at = check.rdd.transmitted_at
    if transmitted_at and transmitted_at < timezone.now() - datetime.timedelta(days=settings.RDD_LINK_DAYS):
        # A document rendered long after its transmission (the demo's history, a rendering repaired months later)
        # is not mailed by itself: the secretariat sends it if the members never received it.
        logger.info("Relevé %s transmis le %s : document non envoyé aux membres.", check.rdd.pk, transmitted_at)
        return 0
    entry = TrailEntry.objects.filter(rdd=check.rdd, action=TrailEntry.Action.DOCUMENT).order_by("-sequence").first()
    meeting = render.meeting
    with render.file.open("rb") as stored:
        document = stored.read()
    return notify_document(
        entry=entry,
        document=document,
        filename=f"rdd-{meeting.commission.slug}-{meeting.date:%Y-%m-%d}-v{check.rdd.version}.pdf",
        link=document_link(render),
        link_until=link_until(),
    )


def mail_on_commit(render: SupportRender) -> None:
    """Once the recording of the document commits, its e-mail is sent by a task (sent again by the beat task
    `redeliver_rdd_documents` if the broker was down)."""
    from .tasks import mail_rdd_document as task

    transaction.on_commit(lambda: task.delay(render.pk), robust=True)


def undelivered_documents(now: datetime.datetime | None = None) -> list[int]:
    """The renderings of RDD documents recorded in the last days whose members' e-mails were not all sent."""
    from .services import recorded_sha256

    since = (now or timezone.now()) - REDELIVERY_WINDOW
    entries = TrailEntry.objects.filter(action=TrailEntry.Action.DOCUMENT, at__gte=since).select_related("rdd")
    pending = []
    for entry in entries:
        events = Notification.objects.filter(event=f"{entry.action}-{entry.pk}")
        if events.exists() and not events.filter(sent_at__isnull=True).exists():
            continue
        render = (
            SupportRender.objects.filter(
                meeting_id=entry.rdd.meeting_id, sha256=recorded_sha256(entry), status=SupportRender.Status.READY
            )
            .order_by("-pk")
            .first()
        )
        if render is not None:
            pending.append(render.pk)
    return pending
