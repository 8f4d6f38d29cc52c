"""E-mails about RDDs: who receives what, each sent at most once.

Every e-mail is one Notification row (event, address) claimed with a
conditional update before sending, so that a task delivered twice, or run
twice at once, sends nothing twice.
"""

import datetime
import logging
import re

from django.conf import settings
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commissions.composition.models import Commission, Mandate, SectionKind
from portal.mail import AutomaticEmail

from .models import Approval, Notification, Rdd, TrailEntry
from .presidents import current_presidencies

logger = logging.getLogger(__name__)

REMINDER_AFTER = datetime.timedelta(days=7)


def _person_email(person) -> str:
    return person.email or (person.user.email if person.user_id else "")


def president_recipients(commission: Commission, sections=None) -> list[tuple[str, str]]:
    presidencies = current_presidencies(commission)
    recipients = []
    for kind in sections or list(SectionKind):
        presidency = presidencies.get(kind)
        if presidency and _person_email(presidency.person):
            recipients.append((_person_email(presidency.person), presidency.person.display_name))
    return recipients


def secretariat_recipients(commission: Commission) -> list[tuple[str, str]]:
    return [
        (user.email, user.get_full_name() or user.get_username())
        for user in commission.agents.exclude(email="").order_by("username")
    ]


def member_recipients(commission: Commission) -> list[tuple[str, str, bool]]:
    """The current members with an address: (address, name, has an account), each address once."""
    mandates = (
        Mandate.objects.current_on(commission.today())
        .filter(seat__section__commission=commission)
        .select_related("person__user")
        .order_by("person__last_name", "person__first_name")
    )
    seen, recipients = set(), []
    for mandate in mandates:
        email = _person_email(mandate.person)
        if email and email.lower() not in seen:
            seen.add(email.lower())
            person = mandate.person
            recipients.append((email, person.display_name, bool(person.user_id and person.user.is_active)))
    return recipients


def _send_once(*, rdd: Rdd, event: str, email: str, subject: str, body: str, attachments=()) -> bool:
    try:
        notification, _ = Notification.objects.get_or_create(event=event, email=email, defaults={"rdd": rdd})
    except IntegrityError:
        notification = Notification.objects.get(event=event, email=email)
    claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    if claimed != 1:
        return False
    try:
        AutomaticEmail(subject, body, to=[email], attachments=list(attachments)).send()
    except Exception:
        # Release the claim so that a later run sends it; the other recipients still get theirs.
        Notification.objects.filter(pk=notification.pk).update(sent_at=None)
        logger.exception("E-mail %s to %s about RDD %s failed", event, email, rdd.pk)
        return False
    return True


def _url(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


# How services.rdd_record_document writes the document's SHA-256 in the DOCUMENT entry's note.
_DOCUMENT_SHA256 = re.compile(r"SHA-256 : ([0-9a-f]{64})")


def trail_anchors(rdd: Rdd) -> dict[str, str]:
    """What a transmission e-mail gives its members to keep outside the database: the SHA-256 of the RDD's
    document if its trail records it already, and the chain head (the last entry's hash, sealed by the key)."""
    entries = TrailEntry.objects.filter(rdd=rdd).order_by("-sequence")
    head = entries.values_list("entry_hash", flat=True).first() or ""
    note = entries.filter(action=TrailEntry.Action.DOCUMENT).values_list("note", flat=True).first() or ""
    found = _DOCUMENT_SHA256.search(note)
    return {"trail_head": head, "document_sha256": found.group(1) if found else ""}


EVENTS = {
    TrailEntry.Action.SUBMIT: ("Relevé de décisions à approuver", "decisions/email_submitted.txt"),
    TrailEntry.Action.SEND_BACK: ("Relevé de décisions renvoyé au secrétariat", "decisions/email_sent_back.txt"),
    TrailEntry.Action.APPROVED: (
        "Relevé de décisions approuvé par les deux présidents",
        "decisions/email_approved.txt",
    ),
}
# The members' e-mail of a transmission leaves once its document is rendered, sealed and recorded in the trail
# (`notify_document`, sent by the supports app): what they receive is the document the trail covers.
TRANSMITTED_SUBJECT = "Relevé de décisions transmis aux membres"


def notify_event(*, entry: TrailEntry) -> int:
    """Send the e-mails of one trail entry (submission, send-back, approval complete, transmission)."""
    if entry.action not in EVENTS:
        return 0
    rdd = Rdd.objects.select_related("meeting__commission").get(pk=entry.rdd_id)
    commission = rdd.meeting.commission
    if entry.action == TrailEntry.Action.SUBMIT:
        recipients = president_recipients(commission)
    else:
        recipients = secretariat_recipients(commission)
    title, template = EVENTS[entry.action]
    context = {
        "rdd": rdd,
        "meeting": rdd.meeting,
        "commission": commission,
        "entry": entry,
        "approvals": Approval.objects.filter(rdd=rdd).select_related("person").order_by("approved_on", "id"),
        "detail_url": _url("decisions:detail", rdd.pk),
        "edit_url": _url("decisions:edit", rdd.pk),
        "inbox_url": _url("decisions:inbox"),
    }
    subject = f"{title} — {commission.name} — séance du {rdd.meeting.date:%d/%m/%Y}"
    sent = 0
    for email, name in recipients:
        body = render_to_string(template, {**context, "name": name})
        sent += _send_once(rdd=rdd, event=f"{entry.action}-{entry.pk}", email=email, subject=subject, body=body)
    return sent


def notify_document(*, entry: TrailEntry, document: bytes, filename: str, link: str, link_until: datetime.date) -> int:
    """Send the transmitted RDD's document to every current member (entry: the trail's DOCUMENT entry, the document
    just sealed and recorded): attached when within settings.RDD_EMAIL_ATTACHMENT_MAX_BYTES, otherwise the
    time-limited `link` that works without an account; members with an account also get the RDD's page. Each
    e-mail says who approved and when, and the fingerprints to keep. Sent once per address (Notification)."""
    rdd = Rdd.objects.select_related("meeting__commission").get(pk=entry.rdd_id)
    commission = rdd.meeting.commission
    attached = len(document) <= settings.RDD_EMAIL_ATTACHMENT_MAX_BYTES
    context = {
        "rdd": rdd,
        "meeting": rdd.meeting,
        "commission": commission,
        "approvals": Approval.objects.filter(rdd=rdd).select_related("person").order_by("approved_on", "section"),
        "detail_url": _url("decisions:detail", rdd.pk),
        "attached": attached,
        "filename": filename,
        "size_mb": f"{len(document) / 1_000_000:.1f}".replace(".", ","),
        "link": link,
        "link_until": link_until,
        **trail_anchors(rdd),
    }
    subject = f"{TRANSMITTED_SUBJECT} — {commission.name} — séance du {rdd.meeting.date:%d/%m/%Y}"
    attachments = [(filename, document, "application/pdf")] if attached else []
    sent = 0
    for email, name, has_account in member_recipients(commission):
        body = render_to_string("decisions/email_transmitted.txt", {**context, "name": name, "account": has_account})
        event = f"{entry.action}-{entry.pk}"
        sent += _send_once(rdd=rdd, event=event, email=email, subject=subject, body=body, attachments=attachments)
    return sent


def remind_pending(*, now: datetime.datetime | None = None) -> int:
    """Remind, once a day, each president whose approval of a submitted RDD has been awaited more than 7 days."""
    now = now or timezone.now()
    sent = 0
    rdds = Rdd.objects.filter(
        status=Rdd.Status.SUBMITTED, submitted_at__lte=now - REMINDER_AFTER, next_version__isnull=True
    ).select_related("meeting__commission")
    for rdd in rdds:
        commission = rdd.meeting.commission
        approved = set(Approval.objects.filter(rdd=rdd).values_list("section", flat=True))
        waiting = [kind for kind in SectionKind if kind not in approved]
        day = now.astimezone(commission.zoneinfo).date()
        days = (now - rdd.submitted_at).days
        subject = (
            f"Rappel : relevé de décisions à approuver — {commission.name} — séance du {rdd.meeting.date:%d/%m/%Y}"
        )
        for kind in waiting:
            for email, name in president_recipients(commission, [kind]):
                body = render_to_string(
                    "decisions/email_reminder.txt",
                    {
                        "rdd": rdd,
                        "meeting": rdd.meeting,
                        "commission": commission,
                        "name": name,
                        "days": days,
                        "section": SectionKind(kind).label.lower(),
                        "inbox_url": _url("decisions:inbox"),
                    },
                )
                event = f"rappel-{rdd.pk}-{kind}-{day.isoformat()}"
                sent += _send_once(rdd=rdd, event=event, email=email, subject=subject, body=body)
    return sent
