"""Reads of the meeting pages that need no model instance: the quorum from plain rows.

The quorum only counts seats, so it reads the few columns the count needs rather than the members' rows of
`services_meetings.meeting_members` (a person, their seat, their section and their organisation, each a model
instance), whose order and rule (a person counted once, at their first mandate) it keeps.
"""

from django.db.models import OuterRef, Subquery

from .models import Attendance, Mandate, QuorumRule, SectionKind
from .models_meetings import Meeting
from .services_meetings import VOTING_TITULAR, SectionQuorum


def meeting_commission_id(meeting_id: int) -> int | None:
    """The commission of a meeting, by the meeting's id (None once the meeting is gone)."""
    return Meeting.objects.filter(pk=meeting_id).values_list("commission_id", flat=True).first()


def quorum_by_section(meeting: Meeting) -> list[SectionQuorum]:
    """Per section: seats filled that day, seats with a voting member present, and the rule's minimum.

    A seat votes when its titular is present or represented by the substitute, or when its substitute is
    present. One query of plain rows: the members are those of `services_meetings.meeting_members`, the
    mandates current on the meeting's date in the same order, a person counted once (at their first mandate in
    that order). Each row brings the person's attendance at the meeting and the quorum rule of the seat's
    section; the rules are read apart only for a section without any mandate that day.
    """
    status = Attendance.objects.filter(meeting=meeting, person_id=OuterRef("person_id")).values("status")[:1]
    rule = QuorumRule.objects.filter(
        commission_id=meeting.commission_id, section_kind=OuterRef("seat__section__kind")
    ).values("minimum_present")[:1]
    mandates = (
        Mandate.objects.current_on(meeting.date)
        .filter(seat__section__commission_id=meeting.commission_id)
        .order_by("-seat__section__kind", "seat__position", "seat_id", "-role")
        .values_list("person_id", "seat__section__kind", "seat_id", "role")
        .annotate(status=Subquery(status), required=Subquery(rule))
    )
    kinds = (SectionKind.SOCIAL, SectionKind.PROFESSIONAL)
    seats: dict[str, set[int]] = {kind: set() for kind in kinds}
    voting: dict[str, set[int]] = {kind: set() for kind in kinds}
    rules: dict[str, int | None] = {}
    seen = set()
    for person_id, kind, seat_id, role, attendance, required in mandates:
        rules[kind] = required
        if person_id in seen:
            continue
        seen.add(person_id)
        if kind not in seats:
            continue
        seats[kind].add(seat_id)
        if role == Mandate.Role.TITULAR and attendance in VOTING_TITULAR:
            voting[kind].add(seat_id)
        if role == Mandate.Role.SUBSTITUTE and attendance == Attendance.Status.PRESENT:
            voting[kind].add(seat_id)
    if any(kind not in rules for kind in kinds):
        rules = dict(
            QuorumRule.objects.filter(commission_id=meeting.commission_id).values_list(
                "section_kind", "minimum_present"
            )
        )
    return [
        SectionQuorum(section_kind=kind, seats=len(seats[kind]), voting=len(voting[kind]), required=rules.get(kind))
        for kind in kinds
    ]
