"""Writes of meetings: creation and changes, attendance, library blocks. One function per business rule.

Views, the admin and tasks call these. Each validates before writing and raises ValidationError with French
messages. Rich text goes through `portal.sanitize.sanitize_html` in the services, and only there.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from commissions.composition.models import Commission, Mandate
from commissions.composition.presidency import PresidencyUnknown, presidency_for
from members.models import Person
from portal.sanitize import sanitize_html

from . import lifecycle
from .models import (
    Attendance,
    ContentBlock,
    Meeting,
)
from .signals import meeting_created

MEETING_FIELDS = (
    "kind",
    "title",
    "date",
    "start_time",
    "end_time",
    "place",
    "video_link",
    "presided_by",
    "next_meeting_note",
)


def default_president(commission: Commission, day: datetime.date) -> Person | None:
    """Who presides a session on that day by the presidency rule (None when it cannot be told)."""
    try:
        return presidency_for(commission, on=day).president
    except PresidencyUnknown:
        return None


@transaction.atomic
def meeting_create(
    *,
    commission: Commission,
    date: datetime.date,
    start_time: datetime.time,
    standard_items: bool = False,
    **fields,
) -> Meeting:
    """A planned meeting; a session is presided by default by the president the presidency rule gives.

    With `standard_items`, as the secretariat's form asks, a session starts with the standard agenda items that
    the decisions app adds on `meeting_created` (sent in this transaction); the demo and the tests build their
    agendas themselves.
    """
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting(commission=commission, date=date, start_time=start_time, **fields)
    if meeting.presided_by_id is None and meeting.kind == Meeting.Kind.SESSION:
        meeting.presided_by = default_president(commission, date)
    meeting.full_clean()
    meeting.save()
    meeting_created.send(sender=Meeting, meeting=meeting, standard_items=standard_items)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, status: str | None = None, **fields) -> Meeting:
    """Change a meeting's details, and its status where the secretariat sets it by hand (held, closed).

    The facts its RDD states stay as they are while the RDD holds them (`lifecycle.require_fields_open`).
    """
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = Meeting.objects.select_for_update().select_related("commission").get(pk=meeting.pk)
    lifecycle.require_fields_open(meeting, fields)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    if status is not None and status != meeting.status:
        meeting = lifecycle.meeting_set_status(meeting=meeting, status=status)
    return meeting


@transaction.atomic
def content_block_save(
    *, commission: Commission | None, title: str, content: str, block: ContentBlock | None = None
) -> ContentBlock:
    block = block or ContentBlock(commission=commission)
    block.title = title.strip()
    block.content = sanitize_html(content)
    block.full_clean()
    block.save()
    return block


@transaction.atomic
def attendance_record(*, meeting: Meeting, person: Person, status: str) -> Attendance:
    """Record (or change) a member's attendance; only members of the commission on that day are accepted."""
    if status not in Attendance.Status.values:
        raise ValidationError({"status": "Statut de présence inconnu."})
    lifecycle.require_open(Meeting.objects.only("record_lock").get(pk=meeting.pk), lifecycle.Fact.ATTENDANCE)
    is_member = (
        Mandate.objects.current_on(meeting.date)
        .filter(seat__section__commission_id=meeting.commission_id, person=person)
        .exists()
    )
    if not is_member:
        raise ValidationError(
            {"person": f"{person.display_name} n'est pas membre de la commission le {meeting.date:%d/%m/%Y}."}
        )
    attendance, _ = Attendance.objects.update_or_create(meeting=meeting, person=person, defaults={"status": status})
    return attendance
