"""Reads of meetings: the agenda as a numbered tree, the members called and their attendance, the quorum.

The quorum only counts seats, so `quorum_by_section` reads the few columns the count needs rather than the
members' rows of `meeting_members` (a person, their seat, their section and their organisation, each a model
instance), whose order and rule (a person counted once, at their first mandate) it keeps.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format

from commissions.composition.models import Commission, Mandate, SectionKind
from members.models import Person

from .models import (
    AgendaItem,
    Attendance,
    ContentBlock,
    Meeting,
    QuorumRule,
    format_number,
)


@dataclass
class AgendaNode:
    item: AgendaItem
    number: str
    depth: int
    children: list["AgendaNode"] = field(default_factory=list)
    is_first: bool = False
    is_last: bool = False


def agenda_tree(meeting: Meeting) -> list[AgendaNode]:
    """The agenda as a numbered tree, from one query (attachments and the statistics tables attached, by the stats
    app's reverse relation `stat_tables`, prefetched)."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting).prefetch_related("attachments", "stat_tables").order_by("position")
    )
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)

    def build(parent_id: int | None, prefix: list[int]) -> list[AgendaNode]:
        siblings = by_parent.get(parent_id, [])
        nodes = []
        for rank, item in enumerate(siblings, start=1):
            ranks = [*prefix, rank]
            item._number = format_number(ranks)
            node = AgendaNode(item=item, number=item._number, depth=len(ranks))
            node.is_first = rank == 1
            node.is_last = rank == len(siblings)
            node.children = build(item.pk, ranks)
            nodes.append(node)
        return nodes

    return build(None, [])


def agenda_flat(meeting: Meeting) -> list[AgendaNode]:
    """The agenda tree in reading order (01, 1.1, 1.1.1, 1.2, 02 …)."""
    result: list[AgendaNode] = []

    def walk(nodes: list[AgendaNode]) -> None:
        for node in nodes:
            result.append(node)
            walk(node.children)

    walk(agenda_tree(meeting))
    return result


def content_blocks_for(commission: Commission):
    """The library blocks usable in a commission: its own and the common ones."""
    return ContentBlock.objects.filter(Q(commission=commission) | Q(commission__isnull=True)).order_by("title")


@dataclass
class MemberRow:
    person: Person
    section_kind: str
    role: str
    organisation: str
    seat_id: int
    attendance: Attendance | None = None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""


def meeting_members(meeting: Meeting) -> list[MemberRow]:
    """The members of the commission on the meeting's date, social section first, titulars before substitutes."""
    mandates = (
        Mandate.objects.current_on(meeting.date)
        .filter(seat__section__commission_id=meeting.commission_id)
        .select_related("person", "seat__section", "seat__organisation")
        .order_by("-seat__section__kind", "seat__position", "seat_id", "-role")
    )
    attendances = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    rows, seen = [], set()
    for mandate in mandates:
        if mandate.person_id in seen:
            continue
        seen.add(mandate.person_id)
        rows.append(
            MemberRow(
                person=mandate.person,
                section_kind=mandate.seat.section.kind,
                role=mandate.role,
                organisation=mandate.seat.organisation.acronym,
                seat_id=mandate.seat_id,
                attendance=attendances.get(mandate.person_id),
            )
        )
    return rows


@dataclass
class SectionQuorum:
    section_kind: str
    seats: int
    voting: int
    required: int | None

    @property
    def label(self) -> str:
        return SectionKind(self.section_kind).label

    @property
    def reached(self) -> bool | None:
        return None if self.required is None else self.voting >= self.required


VOTING_TITULAR = {Attendance.Status.PRESENT, Attendance.Status.REPRESENTED}


def meeting_commission_id(meeting_id: int) -> int | None:
    """The commission of a meeting, by the meeting's id (None once the meeting is gone)."""
    return Meeting.objects.filter(pk=meeting_id).values_list("commission_id", flat=True).first()


def quorum_by_section(meeting: Meeting) -> list[SectionQuorum]:
    """Per section: seats filled that day, seats with a voting member present, and the rule's minimum.

    A seat votes when its titular is present or represented by the substitute, or when its substitute is
    present. One query of plain rows: the members are those of `meeting_members`, the
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
    rows = list(mandates)
    rules: dict[str, int | None] = {kind: required for _, kind, _, _, _, required in rows}
    if any(kind not in rules for kind in QUORUM_KINDS):
        rules = dict(
            QuorumRule.objects.filter(commission_id=meeting.commission_id).values_list(
                "section_kind", "minimum_present"
            )
        )
    return _tally([row[:5] for row in rows], rules)


QUORUM_KINDS = (SectionKind.SOCIAL, SectionKind.PROFESSIONAL)


def _tally(rows, rules: dict) -> list[SectionQuorum]:
    """The quorum of each section from the members' rows (person, section, seat, role, attendance) in
    `meeting_members`' order, a person counted once (at their first mandate), and the sections' minimums."""
    seats: dict[str, set[int]] = {kind: set() for kind in QUORUM_KINDS}
    voting: dict[str, set[int]] = {kind: set() for kind in QUORUM_KINDS}
    seen = set()
    for person_id, kind, seat_id, role, attendance in rows:
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
    return [
        SectionQuorum(section_kind=kind, seats=len(seats[kind]), voting=len(voting[kind]), required=rules.get(kind))
        for kind in QUORUM_KINDS
    ]


def quorum_by_meetings(meetings: Iterable[Meeting]) -> dict[int, list[SectionQuorum]]:
    """`quorum_by_section` of several meetings (by meeting id) in three queries whatever their number.

    The mandates of the meetings' commissions that overlap any of their dates, every attendance at those
    meetings and the commissions' quorum rules; each meeting's members are picked from the mandates in Python.
    """
    meetings = list(meetings)
    if not meetings:
        return {}
    commission_ids = {meeting.commission_id for meeting in meetings}
    mandates = list(
        Mandate.objects.overlapping(
            min(meeting.date for meeting in meetings), max(meeting.date for meeting in meetings)
        )
        .filter(seat__section__commission_id__in=commission_ids)
        .order_by("-seat__section__kind", "seat__position", "seat_id", "-role")
        .values_list(
            "seat__section__commission_id", "start", "end", "person_id", "seat__section__kind", "seat_id", "role"
        )
    )
    attendances = {
        (meeting_id, person_id): status
        for meeting_id, person_id, status in Attendance.objects.filter(meeting__in=meetings).values_list(
            "meeting_id", "person_id", "status"
        )
    }
    rules: dict[int, dict] = {}
    for commission_id, kind, minimum in QuorumRule.objects.filter(commission_id__in=commission_ids).values_list(
        "commission_id", "section_kind", "minimum_present"
    ):
        rules.setdefault(commission_id, {})[kind] = minimum
    quorums = {}
    for meeting in meetings:
        rows = [
            (person_id, kind, seat_id, role, attendances.get((meeting.pk, person_id)))
            for commission_id, start, end, person_id, kind, seat_id, role in mandates
            if commission_id == meeting.commission_id and start <= meeting.date and (end is None or end >= meeting.date)
        ]
        quorums[meeting.pk] = _tally(rows, rules.get(meeting.commission_id, {}))
    return quorums


def next_meeting_label(meeting: Meeting) -> str:
    """The next session as the support and the meeting page announce it: the secretariat's note when written, else
    the commission's next meeting in the portal (not cancelled nor postponed), else ""."""
    if meeting.next_meeting_note.strip():
        return meeting.next_meeting_note.strip()
    following = (
        Meeting.objects.filter(commission_id=meeting.commission_id, date__gt=meeting.date)
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.POSTPONED])
        .order_by("date", "start_time")
        .first()
    )
    if following is None:
        return ""
    label = f"{date_format(following.date, 'l j F Y')} à {following.start_time:%H}h{following.start_time:%M}"
    return f"{label}, {following.place}" if following.place else label


def agendas_numbered(meetings: list[Meeting]) -> dict[int, list[tuple[AgendaItem, str]]]:
    """The agendas of several meetings in reading order with their numbers (01, 1.1 …), from one query."""
    by_meeting: dict[int, dict[int | None, list[AgendaItem]]] = {meeting.pk: {} for meeting in meetings}
    for item in AgendaItem.objects.filter(meeting__in=meetings).order_by("position"):
        by_meeting[item.meeting_id].setdefault(item.parent_id, []).append(item)

    def walk(children: dict, parent_id: int | None, prefix: list[int], out: list) -> None:
        for rank, item in enumerate(children.get(parent_id, []), start=1):
            out.append((item, format_number([*prefix, rank])))
            walk(children, item.pk, [*prefix, rank], out)

    result = {}
    for meeting_id, children in by_meeting.items():
        result[meeting_id] = []
        walk(children, None, [], result[meeting_id])
    return result
