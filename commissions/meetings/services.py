"""Writes of meetings: creation and changes, attendance, library blocks. One function per business rule.

Views, the admin and tasks call these. Each validates before writing and raises ValidationError with French
messages. Rich text goes through `portal.sanitize.sanitize_html` in the services, and only there.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commissions.composition.models import Commission, Mandate, Seat, SectionKind
from commissions.composition.presidency import PresidencyUnknown, presidency_for
from members.models import Person
from portal.sanitize import sanitize_html

from . import lifecycle, selectors
from .models import (
    Attendance,
    ContentBlock,
    Meeting,
    QuorumRule,
)
from .signals import meeting_created

# What the members' calendars show of a meeting: a change raises the invitation's SEQUENCE.
CALENDAR_FIELDS = ("date", "start_time", "end_time", "place", "video_link")


def calendar_moved(meeting: Meeting, changed: list[str]) -> bool:
    """Whether changing these fields moves what calendars show of the meeting: then the service (and the admin)
    raise `calendar_sequence`, a new revision of its entry that the feed shows at once, and a convened meeting's page
    asks the secretariat to send the convocation again (Meeting.convocation_outdated)."""
    return any(name in CALENDAR_FIELDS for name in changed)


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
    changed = [name for name in fields if getattr(meeting, name) != fields[name]]
    for name, value in fields.items():
        setattr(meeting, name, value)
    if changed:
        meeting.details_changed_at = timezone.now()
    if calendar_moved(meeting, changed):
        meeting.calendar_sequence += 1
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
    """Record (or change) one member's attendance, under the rules of the whole sheet (`attendance_save`)."""
    attendance_save(meeting=meeting, statuses={person.pk: status})
    return Attendance.objects.get(meeting=meeting, person=person)


@transaction.atomic
def attendance_save(*, meeting: Meeting, statuses: dict[int, str]) -> int:
    """Record the attendance of members (person id → status, "" to clear) as one sheet: all or nothing.

    Per seat: the titular is present, excused, absent or represented by the seat's substitute; the substitute
    is present, excused or absent. "Représenté(e)" needs the substitute present; both may be present, the seat
    counting once towards the quorum (selectors.quorum_by_section). Contradictions are refused in French, each
    naming its seat, and nothing is written. Returns how many rows changed.
    """
    lifecycle.require_open(Meeting.objects.only("record_lock").get(pk=meeting.pk), lifecycle.Fact.ATTENDANCE)
    rows = {row.person.pk: row for row in selectors.meeting_members(meeting)}
    for person_id, status in statuses.items():
        if status and status not in Attendance.Status.values:
            raise ValidationError({"status": "Statut de présence inconnu."})
        if person_id not in rows:
            person = Person.objects.get(pk=person_id)
            raise ValidationError(
                {"person": f"{person.display_name} n'est pas membre de la commission le {meeting.date:%d/%m/%Y}."}
            )
    sheet = {person_id: row.status for person_id, row in rows.items()} | statuses
    errors = attendance_contradictions(list(rows.values()), sheet)
    if errors:
        raise ValidationError(errors)
    changed = 0
    for person_id, status in statuses.items():
        if status == rows[person_id].status:
            continue
        changed += 1
        if status:
            Attendance.objects.update_or_create(meeting=meeting, person_id=person_id, defaults={"status": status})
        else:
            Attendance.objects.filter(meeting=meeting, person_id=person_id).delete()
    return changed


def _seat_label(row: selectors.MemberRow) -> str:
    section = "section sociale" if row.section_kind == SectionKind.SOCIAL else "section professionnelle"
    return f"Siège {row.organisation} ({section})"


def attendance_contradictions(rows: list[selectors.MemberRow], sheet: dict[int, str]) -> list[str]:
    """What cannot be true of a sheet (person id → status) for these members, in French, naming the seat."""
    represented = Attendance.Status.REPRESENTED
    errors = []
    for row in rows:
        status = sheet.get(row.person.pk, "")
        if status != represented:
            continue
        name = row.person.display_name
        if row.role == Mandate.Role.SUBSTITUTE:
            errors.append(
                f"{_seat_label(row)} : {name} est suppléant(e) ; « représenté(e) par son suppléant » ne "
                "s'applique qu'au titulaire."
            )
            continue
        substitutes = [
            other for other in rows if other.seat_id == row.seat_id and other.role == Mandate.Role.SUBSTITUTE
        ]
        if not substitutes:
            errors.append(f"{_seat_label(row)} : {name} ne peut être représenté(e), le siège n'a pas de suppléant.")
        elif not any(sheet.get(other.person.pk) == Attendance.Status.PRESENT for other in substitutes):
            names = ", ".join(other.person.display_name for other in substitutes)
            errors.append(
                f"{_seat_label(row)} : {name} est représenté(e) par son suppléant, mais {names} n'est pas "
                "noté(e) présent(e)."
            )
    return errors


@transaction.atomic
def quorum_rules_set(*, commission: Commission, minimums: dict[str, int | None]) -> None:
    """The quorum of each section: the seats that must be represented (None: no rule)."""
    for kind, minimum in minimums.items():
        if minimum is None:
            QuorumRule.objects.filter(commission=commission, section_kind=kind).delete()
            continue
        seats = Seat.objects.filter(section__commission=commission, section__kind=kind).count()
        if minimum < 1 or (seats and minimum > seats):
            raise ValidationError(
                {f"minimum_{kind}": f"Entre 1 et {seats} : la section compte {seats} siège{'s' if seats > 1 else ''}."}
            )
        rule = QuorumRule.objects.filter(commission=commission, section_kind=kind).first() or QuorumRule(
            commission=commission, section_kind=kind
        )
        rule.minimum_present = minimum
        rule.full_clean()
        rule.save()
