"""The home page's reads: what is due, by role, for every commission of the user at once.

The secretariat gets, for each commission it serves, a checklist of the next meeting and of the last held one,
the RDDs to write, submit, have approved and transmit, and the open commitments; a section president what awaits
their approval (decisions.selectors.awaiting_approval); a member the next meeting, the last transmitted RDD and
the supports. Each list is one query for all the commissions together (window functions pick each commission's
next meeting and last RDD), so the page asks the same number of queries for one commission or fifty.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from commissions.composition.access import Role, roles_by_commission
from commissions.composition.models import Commission, SectionKind, SectionPresidency
from commissions.meetings.models import AgendaAttachment, AgendaItem, Attendance, Meeting
from commissions.meetings.selectors import SectionQuorum, quorum_by_meetings
from decisions.models import Approval, Commitment, CommitmentUpdate, Rdd
from decisions.selectors import Pending, awaiting_approval
from portal.formats import date_short
from supports.models import SupportRender

MeetingStatus = Meeting.Status
UPCOMING = (MeetingStatus.PLANNED, MeetingStatus.CONVENED, MeetingStatus.POSTPONED)
IN_PROGRESS = (Rdd.Status.DRAFT, Rdd.Status.SUBMITTED, Rdd.Status.APPROVED)
READABLE_BY_MEMBERS = (Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED)

# A commitment carries no due date: it is late when still open half a year after the session that took it (the
# commissions meet about twice a year, so it has missed its follow-up at the next session).
OVERDUE_AFTER = datetime.timedelta(days=183)
OVERDUE_SHOWN = 5


class State:
    DONE = "done"
    TODO = "todo"
    WARNING = "warning"
    INFO = "info"


@dataclass
class Check:
    """One line of a meeting's checklist: what, its state, and what the page says about it."""

    label: str
    state: str
    text: str

    @property
    def done(self) -> bool:
        return self.state == State.DONE


@dataclass
class MeetingCard:
    meeting: Meeting
    checks: list[Check]


@dataclass
class AwaitingRdd:
    """A submitted RDD: the sections whose approval is missing (with their current president) and since when."""

    rdd: Rdd
    missing: list[tuple[str, str]]
    days: int


@dataclass
class CommissionTodo:
    """What the secretariat has to do for one commission."""

    commission: Commission
    upcoming: MeetingCard | None = None
    held: MeetingCard | None = None
    to_write: list[Meeting] = field(default_factory=list)
    to_submit: list[Rdd] = field(default_factory=list)
    awaiting: list[AwaitingRdd] = field(default_factory=list)
    to_transmit: list[Rdd] = field(default_factory=list)
    open_commitments: int = 0
    overdue_commitments: int = 0
    overdue: list[Commitment] = field(default_factory=list)


@dataclass
class MemberView:
    """What a member (or president) of one commission finds: the next meeting, the last transmitted RDD."""

    commission: Commission
    upcoming: Meeting | None = None
    last_transmitted: Rdd | None = None

    @property
    def support_current(self) -> bool:
        """The next meeting's last ready support still says what the meeting is (the supports page offers members
        the current version only: no link to a page without one)."""
        meeting = self.upcoming
        if meeting is None or meeting.support_ready_at is None:
            return False
        changed = changed_at(meeting)
        return changed is None or changed <= meeting.support_ready_at


@dataclass
class Home:
    secretariat: list[CommissionTodo] = field(default_factory=list)
    president: list[Pending] = field(default_factory=list)
    is_president: bool = False
    member: list[MemberView] = field(default_factory=list)
    is_admin: bool = False

    @property
    def has_commission(self) -> bool:
        return bool(self.secretariat or self.member or self.is_president)


def home_for(user) -> Home:
    """The home page of a user: one part per role they hold, each for all their commissions."""
    today = timezone.localdate()
    by_role: dict[Role, list[Commission]] = {role: [] for role in Role}
    for commission, roles in roles_by_commission(user):
        for role in roles:
            by_role[role].append(commission)
    home = Home(is_admin=user.is_superuser, is_president=bool(by_role[Role.PRESIDENT]))
    served = by_role[Role.SECRETARIAT]
    sitting = sorted(
        {
            commission.pk: commission
            for commission in by_role[Role.MEMBER] + by_role[Role.PRESIDENT] + by_role[Role.READER]
        }.values(),
        key=lambda commission: commission.name,
    )
    upcoming = _upcoming_meetings([commission.pk for commission in served + sitting], today)
    if served:
        home.secretariat = _secretariat(served, upcoming, today)
    if home.is_president:
        home.president = awaiting_approval(user)
    if sitting:
        transmitted = _last_transmitted([commission.pk for commission in sitting])
        home.member = [
            MemberView(
                commission=commission,
                upcoming=upcoming.get(commission.pk),
                last_transmitted=transmitted.get(commission.pk),
            )
            for commission in sitting
        ]
    return home


# Reads shared by the parts


def _latest(queryset, column: str):
    return Subquery(queryset.order_by(f"-{column}").values(column)[:1])


def _count(queryset, by: str):
    """How many rows of `queryset` (filtered on an OuterRef), as a subquery grouped on the column `by`."""
    return Subquery(queryset.order_by().values(by).annotate(n=Count("pk")).values("n")[:1])


def _upcoming_meetings(commission_ids: list[int], today: datetime.date) -> dict[int, Meeting]:
    """Each commission's next meeting (planned, convened or postponed, from today on), with what its checklist
    reads: the agenda's size and last change, the last rendering of its support and the last ready one."""
    if not commission_ids:
        return {}
    meeting = OuterRef("pk")
    renders = SupportRender.objects.filter(
        meeting=meeting, kind=SupportRender.Kind.SUPPORT, version=SupportRender.Version.CONVOCATION
    )
    meetings = (
        Meeting.objects.filter(commission_id__in=commission_ids, status__in=UPCOMING, date__gte=today)
        .select_related("commission")
        .annotate(
            agenda_size=_count(AgendaItem.objects.filter(meeting=meeting), "meeting"),
            agenda_subjects=_count(AgendaItem.objects.filter(meeting=meeting, standard=False), "meeting"),
            agenda_changed_at=_latest(AgendaItem.objects.filter(meeting=meeting), "updated_at"),
            attachment_added_at=_latest(AgendaAttachment.objects.filter(item__meeting=meeting), "uploaded_at"),
            support_status=Subquery(renders.order_by("-created_at", "-pk").values("status")[:1]),
            support_ready_at=_latest(renders.filter(status=SupportRender.Status.READY), "created_at"),
        )
    )
    ranked = meetings.annotate(
        _rank=Window(RowNumber(), partition_by=[F("commission_id")], order_by=[F("date").asc(), F("start_time").asc()])
    ).filter(_rank=1)
    return {meeting.commission_id: meeting for meeting in ranked}


def _last_transmitted(commission_ids: list[int]) -> dict[int, Rdd]:
    """Each commission's last transmitted (or validated) RDD, the latest version of the latest session."""
    ranked = (
        Rdd.objects.filter(meeting__commission_id__in=commission_ids, status__in=READABLE_BY_MEMBERS)
        .select_related("meeting__commission")
        .annotate(
            _rank=Window(
                RowNumber(),
                partition_by=[F("meeting__commission_id")],
                order_by=[F("meeting__date").desc(), F("version").desc()],
            )
        )
        .filter(_rank=1)
    )
    return {rdd.meeting.commission_id: rdd for rdd in ranked}


# The secretariat's part


def _secretariat(served: list[Commission], upcoming: dict[int, Meeting], today: datetime.date) -> list[CommissionTodo]:
    ids = [commission.pk for commission in served]
    todos = {commission.pk: CommissionTodo(commission=commission) for commission in served}
    for commission_id, meeting in upcoming.items():
        if commission_id in todos:
            todos[commission_id].upcoming = MeetingCard(meeting=meeting, checks=upcoming_checks(meeting))
    _add_held(todos, ids)
    _add_rdds(todos, ids, today)
    _add_commitments(todos, ids, today)
    return list(todos.values())


def _add_held(todos: dict[int, CommissionTodo], ids: list[int]) -> None:
    """The held meetings: the last one of each commission gets a checklist, the sessions without RDD are to write."""
    held = list(
        Meeting.objects.filter(commission_id__in=ids, status=MeetingStatus.HELD)
        .select_related("commission")
        .annotate(
            attendance_count=_count(Attendance.objects.filter(meeting=OuterRef("pk")), "meeting"),
            has_rdd=Exists(Rdd.objects.filter(meeting=OuterRef("pk"))),
        )
        .order_by("date", "start_time", "pk")
    )
    last: dict[int, Meeting] = {}
    for meeting in held:
        last[meeting.commission_id] = meeting
        if meeting.is_session and not meeting.has_rdd:
            todos[meeting.commission_id].to_write.append(meeting)
    quorums = quorum_by_meetings(
        meeting for meeting in last.values() if meeting.is_session and meeting.attendance_count
    )
    for commission_id, meeting in last.items():
        todos[commission_id].held = MeetingCard(meeting=meeting, checks=held_checks(meeting, quorums.get(meeting.pk)))


def _add_rdds(todos: dict[int, CommissionTodo], ids: list[int], today: datetime.date) -> None:
    """The RDDs under way (latest versions): drafts to submit, submitted ones awaiting presidents, approved ones."""
    approved = {kind: Exists(Approval.objects.filter(rdd=OuterRef("pk"), section=kind)) for kind in SectionKind}
    rdds = list(
        Rdd.objects.filter(meeting__commission_id__in=ids, status__in=IN_PROGRESS, next_version__isnull=True)
        .select_related("meeting__commission")
        .annotate(**{f"approved_{kind}": exists for kind, exists in approved.items()})
        .order_by("meeting__date", "version")
    )
    presidents = _current_presidents(ids, today)
    for rdd in rdds:
        todo = todos[rdd.meeting.commission_id]
        if rdd.status == Rdd.Status.DRAFT:
            todo.to_submit.append(rdd)
        elif rdd.status == Rdd.Status.APPROVED:
            todo.to_transmit.append(rdd)
        else:
            missing = [
                (kind.label, presidents.get((rdd.meeting.commission_id, kind), "présidence non enregistrée"))
                for kind in SectionKind
                if not getattr(rdd, f"approved_{kind}")
            ]
            days = (today - timezone.localdate(rdd.submitted_at)).days
            todo.awaiting.append(AwaitingRdd(rdd=rdd, missing=missing, days=days))


def _current_presidents(commission_ids: list[int], today: datetime.date) -> dict[tuple[int, str], str]:
    """The name of each section's current president, by (commission, section)."""
    return {
        (presidency.section.commission_id, presidency.section.kind): presidency.person.display_name
        for presidency in SectionPresidency.objects.current_on(today)
        .filter(section__commission_id__in=commission_ids)
        .select_related("section", "person")
    }


def _add_commitments(todos: dict[int, CommissionTodo], ids: list[int], today: datetime.date) -> None:
    """The commitments still open (latest RDD versions, not closed by a follow-up); late ones listed first."""
    closed = CommitmentUpdate.objects.filter(commitment__key=OuterRef("key"), closes=True, rdd__next_version=None)
    commitments = (
        Commitment.objects.filter(rdd__meeting__commission_id__in=ids, rdd__next_version__isnull=True)
        .exclude(Exists(closed))
        .select_related("rdd__meeting")
        .only("text", "carried_by", "rdd__meeting__date", "rdd__meeting__commission_id", "rdd__version")
        .order_by("rdd__meeting__date", "position", "pk")
    )
    cutoff = today - OVERDUE_AFTER
    for commitment in commitments:
        todo = todos[commitment.rdd.meeting.commission_id]
        todo.open_commitments += 1
        if commitment.rdd.meeting.date < cutoff:
            todo.overdue_commitments += 1
            if len(todo.overdue) < OVERDUE_SHOWN:
                todo.overdue.append(commitment)


# The checklists


def changed_at(meeting: Meeting) -> datetime.datetime | None:
    """When the meeting's support data last changed as far as the rows tell: its details (date, times, place,
    presiding person…: `details_changed_at`, which a convocation round or a status does not stamp), its agenda
    items, their attachments."""
    moments = [
        moment
        for moment in (meeting.details_changed_at, meeting.agenda_changed_at, meeting.attachment_added_at)
        if moment
    ]
    return max(moments) if moments else None


def _when(moment: datetime.datetime) -> str:
    return date_short(timezone.localtime(moment).date())


def _points(count: int, adjective: str = "") -> str:
    plural = "s" if count > 1 else ""
    return f"{count} point{plural} {adjective}{plural}" if adjective else f"{count} point{plural}"


def upcoming_checks(meeting: Meeting) -> list[Check]:
    """Agenda, convocation and support of a meeting to come."""
    size = meeting.agenda_size or 0
    if not size:
        agenda = Check("Ordre du jour", State.TODO, "vide : à composer")
    elif not meeting.agenda_subjects:
        # Only the standard items the portal put on the new session (decisions.standard_items).
        agenda = Check("Ordre du jour", State.TODO, f"{_points(size, 'habituel')} seulement : sujets à ajouter")
    else:
        agenda = Check("Ordre du jour", State.DONE, _points(size))
    return [agenda, _convocation_check(meeting), _support_check(meeting)]


def _convocation_check(meeting: Meeting) -> Check:
    label = "Convocation"
    if meeting.status == MeetingStatus.POSTPONED:
        return Check(label, State.TODO, "réunion reportée : à convoquer de nouveau à sa nouvelle date")
    if not meeting.convocation_round or meeting.convened_at is None:
        return Check(label, State.TODO, "pas encore envoyée")
    sent = f"envoyée le {_when(meeting.convened_at)}"
    changed = changed_at(meeting)
    moved = meeting.calendar_sequence > meeting.convocation_sequence
    if changed is not None and (moved or changed > meeting.convened_at):
        return Check(label, State.WARNING, f"{sent}, réunion modifiée depuis le {_when(changed)} : à renvoyer")
    return Check(label, State.DONE, sent)


def _support_check(meeting: Meeting) -> Check:
    label = "Support"
    if meeting.support_status is None:
        return Check(label, State.TODO, "pas encore généré")
    if meeting.support_status in (SupportRender.Status.PENDING, SupportRender.Status.RUNNING):
        return Check(label, State.INFO, "génération en cours")
    if meeting.support_ready_at is None:
        return Check(label, State.WARNING, "la génération a échoué : à relancer")
    changed = changed_at(meeting)
    if changed is not None and changed > meeting.support_ready_at:
        return Check(label, State.WARNING, f"à mettre à jour : réunion modifiée le {_when(changed)}")
    return Check(label, State.DONE, f"à jour, généré le {_when(meeting.support_ready_at)}")


def held_checks(meeting: Meeting, quorum: list[SectionQuorum] | None) -> list[Check]:
    """Attendance and quorum of a held meeting."""
    count = meeting.attendance_count or 0
    if not count:
        return [Check("Présences", State.TODO, "à enregistrer")]
    checks = [Check("Présences", State.DONE, f"{count} enregistrée{'s' if count > 1 else ''}")]
    for section in quorum or []:
        text = f"{section.voting} siège{'s' if section.voting > 1 else ''} sur {section.seats}"
        if section.required is None:
            checks.append(Check(f"Quorum, {section.label.lower()}", State.INFO, f"{text} (aucune règle fixée)"))
        elif section.reached:
            checks.append(Check(f"Quorum, {section.label.lower()}", State.DONE, f"{text} : atteint"))
        else:
            checks.append(
                Check(f"Quorum, {section.label.lower()}", State.WARNING, f"{text} : non atteint ({section.required})")
            )
    return checks
