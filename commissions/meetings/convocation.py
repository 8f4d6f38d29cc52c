"""The convocation of a meeting: sent once to each member (each recipient's row claimed before sending, so a
task delivered twice sends nothing twice), with the agenda and the .ics.
"""

import datetime
import logging

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from members.models import Person
from portal import jobs
from portal.mail import AutomaticEmail

from .calendar import meeting_event, meetings_calendar
from .lifecycle import transition_target
from .models import (
    AgendaItem,
    ConvocationDelivery,
    Meeting,
)
from .selectors import AgendaNode, agenda_flat, meeting_members
from .signals import attachments_for

logger = logging.getLogger(__name__)


class AlreadyConvened(Exception):
    """The round the secretariat confirmed has been sent meanwhile (a second click, another agent)."""


@transaction.atomic
def meeting_convene(*, meeting: Meeting, seen_round: int | None = None, note: str = "") -> Meeting:
    """Mark the meeting convened and send the convocation to every current member once the transaction commits.

    Convening again (after a change of time or place) sends a new convocation that replaces the first one.
    `seen_round` is the round the confirmation page showed: when another request has sent a round since
    (five clicks at once, two agents), nothing is sent again and AlreadyConvened is raised. The meeting's row
    is locked, so concurrent requests run one after the other and see each other's round. `note`: the
    secretariat's message at the head of the e-mail.
    """
    meeting = Meeting.objects.select_for_update().select_related("commission").get(pk=meeting.pk)
    if seen_round is not None and meeting.convocation_round != seen_round:
        raise AlreadyConvened
    status = transition_target(meeting, "convene")
    if meeting.is_past():
        raise ValidationError("La réunion est passée : on ne peut pas convoquer à une date déjà échue.")
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        raise ValidationError("L'ordre du jour est vide : ajoutez au moins un point avant d'envoyer la convocation.")
    meeting.status = status
    meeting.status_note = ""
    meeting.convened_at = timezone.now()
    meeting.convocation_round += 1
    meeting.convocation_sequence = meeting.calendar_sequence
    meeting.convocation_note = note.strip()
    meeting.save(
        update_fields=[
            "status",
            "status_note",
            "convened_at",
            "convocation_round",
            "convocation_sequence",
            "convocation_note",
            "updated_at",
        ]
    )

    convocation_send(meeting)
    return meeting


def convocation_send(meeting: Meeting) -> None:
    """Send the round once the transaction commits. With the broker down the round is not lost:
    `meeting.convocation_dispatch.sent` is then False (the page says so) and `convocation_redeliver`, run by
    Celery beat, sends it once the broker is back."""
    from .tasks import send_convocation  # here: the task module imports this one (convocation_deliver)

    meeting.convocation_dispatch = jobs.dispatch(send_convocation, meeting.pk)


def convocation_recipients(meeting: Meeting) -> list[Person]:
    """Current members of the commission on the meeting's date who have an e-mail address."""
    return [row.person for row in meeting_members(meeting) if row.person.email]


# What a round tells the members, by the meeting's status when it is sent: (subject, template, iCalendar method).
NOTICES = {
    Meeting.Status.CONVENED: ("Convocation", "commissions/meeting_convocation_email.txt", "REQUEST"),
    Meeting.Status.CANCELLED: ("Annulation", "commissions/meeting_called_off_email.txt", "CANCEL"),
    Meeting.Status.POSTPONED: ("Report", "commissions/meeting_called_off_email.txt", "CANCEL"),
}


def convocation_message(
    meeting: Meeting, person: Person, agenda: list[AgendaNode], attachments: list | tuple = ()
) -> AutomaticEmail:
    """The round's e-mail to one member: the convocation, or the notice that the meeting is cancelled or postponed,
    as an invitation that adds, replaces or cancels the calendar entry (REQUEST or CANCEL, see portal.mail)."""
    label, template, method = NOTICES[meeting.status]
    context = {
        "meeting": meeting,
        "commission": meeting.commission,
        "person": person,
        "agenda": agenda,
        "url": settings.PORTAL_BASE_URL + meeting.get_absolute_url(),
        "attachments": [name for name, _, _ in attachments],
    }
    if meeting.status == Meeting.Status.CONVENED and meeting.convocation_round > 1:
        label = "Convocation modifiée"
    subject = f"{label} — {meeting.commission.name} — {meeting.date:%d/%m/%Y}"
    body = render_to_string(template, context)
    event = meeting_event(meeting, agenda=agenda)
    organizer = icalendar.vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    organizer.params["cn"] = icalendar.vText("Secrétariat des commissions")
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = icalendar.vText(person.display_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    # The calendar asks the member to answer (accept, decline), and shows the invitation as not yet answered.
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["rsvp"] = icalendar.vText("TRUE")
    event.add("attendee", attendee)
    ics = meetings_calendar([meeting], name=meeting.commission.name, method=method, events=[event])
    message = AutomaticEmail(
        subject, body, to=[person.email], calendar=ics, calendar_method=method, calendar_name="convocation.ics"
    )
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def _address(from_email: str) -> str:
    return from_email.rsplit("<", 1)[-1].rstrip(">").strip()


# A round not delivered within this time (a broker down for days) is left to the secretariat to send again.
REDELIVER_WITHIN = datetime.timedelta(days=2)


def convocation_redeliver(*, now: datetime.datetime | None = None) -> int:
    """Celery beat: deliver what remains unsent of the rounds of the last two days (a message lost with the broker
    down, a worker killed mid-way). Safe beside a running delivery: each recipient's row is claimed."""
    since = (now or timezone.now()) - REDELIVER_WITHIN
    meetings = Meeting.objects.filter(
        status__in=list(NOTICES), convocation_round__gt=0, updated_at__gte=since
    ).select_related("commission")
    return sum(convocation_deliver(meeting=meeting) for meeting in meetings)


def convocation_deliver(*, meeting: Meeting) -> int:
    """Send the current round (a convocation, or the notice of a cancellation or postponement) to every recipient
    not yet sent to; returns how many were sent.

    Each recipient's row is claimed with a conditional update before sending,
    so that the same task delivered twice, or run twice at once, sends nothing twice.
    """
    meeting = Meeting.objects.select_related("commission").get(pk=meeting.pk)
    if meeting.status not in NOTICES or meeting.convocation_round == 0:
        return 0
    agenda = agenda_flat(meeting)
    # The convocation carries the documents the apps above attach (the current convocation support).
    attachments = attachments_for(meeting) if meeting.status == Meeting.Status.CONVENED else []
    sent = 0
    for person in convocation_recipients(meeting):
        try:
            delivery, _ = ConvocationDelivery.objects.get_or_create(
                meeting=meeting, round=meeting.convocation_round, person=person, defaults={"email": person.email}
            )
        except IntegrityError:
            delivery = ConvocationDelivery.objects.get(meeting=meeting, round=meeting.convocation_round, person=person)
        claimed = ConvocationDelivery.objects.filter(pk=delivery.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if claimed != 1:
            continue
        try:
            convocation_message(meeting, person, agenda, attachments).send()
        except Exception:
            # Release the claim so that a later run sends it; the others still go out.
            ConvocationDelivery.objects.filter(pk=delivery.pk).update(sent_at=None)
            logger.exception("Convocation to %s for meeting %s failed", person.email, meeting.pk)
            continue
        sent += 1
    return sent
