"""Reads of RDDs: open commitments, what a president must approve, what a member may read."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from commissions.composition.models import Commission, SectionKind, SectionPresidency
from commissions.meetings.models import Meeting

from .facts import approval_facts
from .models import Approval, Commitment, CommitmentUpdate, Decision, ItemRecord, Question, Rdd, ValidationVote

# An RDD that a newer version replaces no longer counts (its rows were copied into the new version).
LATEST = {"next_version__isnull": True}


def latest_rdd(meeting: Meeting) -> Rdd | None:
    """The current version of a meeting's RDD."""
    return Rdd.objects.filter(meeting=meeting).order_by("-version").first()


def open_commitments(commission: Commission, *, before: Meeting) -> QuerySet[Commitment]:
    """Commitments taken in the commission's earlier sessions and not closed in any earlier session's RDD."""
    closed = CommitmentUpdate.objects.filter(
        commitment__key=OuterRef("key"),
        closes=True,
        rdd__next_version__isnull=True,
        rdd__meeting__commission=commission,
        rdd__meeting__date__lt=before.date,
    )
    return (
        Commitment.objects.filter(
            rdd__meeting__commission=commission,
            rdd__meeting__date__lt=before.date,
            rdd__next_version__isnull=True,
        )
        .exclude(rdd__meeting=before)
        .exclude(Exists(closed))
        .select_related("rdd__meeting")
        .order_by("rdd__meeting__date", "position", "id")
    )


def commitment_history(commitment: Commitment) -> list[CommitmentUpdate]:
    """The dated states of a commitment across sessions (versions replaced by a newer one left out)."""
    return list(
        CommitmentUpdate.objects.filter(commitment__key=commitment.key, rdd__next_version__isnull=True)
        .select_related("rdd__meeting")
        .order_by("date", "id")
    )


@dataclass
class FollowUp:
    """An open commitment of an earlier session, with its history and what this RDD records about it."""

    commitment: Commitment
    history: list[CommitmentUpdate] = field(default_factory=list)
    here: list[CommitmentUpdate] = field(default_factory=list)

    @property
    def last_status(self) -> str:
        return self.history[-1].status if self.history else "Pas encore de suivi"


def follow_ups(rdd: Rdd) -> list[FollowUp]:
    """The commitments of earlier sessions still open at this session, for the "suivi des engagements".

    Three queries whatever the number of commitments: the open ones, then the states of all of them
    (as `commitment_history` gives them for one) and what this RDD records, grouped by commitment key;
    two when the RDD comes with its content (rdd_with_content), which has what this RDD records.
    """
    commitments = list(open_commitments(rdd.meeting.commission, before=rdd.meeting))
    keys = {commitment.key for commitment in commitments}
    histories: dict = {}
    for update in (
        CommitmentUpdate.objects.filter(commitment__key__in=keys, rdd__next_version__isnull=True)
        .select_related("rdd__meeting", "commitment")
        .order_by("date", "id")
    ):
        histories.setdefault(update.commitment.key, []).append(update)
    recorded_here: dict = {}
    if "commitment_updates" in getattr(rdd, "_prefetched_objects_cache", {}):  # rdd_with_content: already read
        here = [update for update in rdd.commitment_updates.all() if update.commitment.key in keys]
    else:
        here = CommitmentUpdate.objects.filter(rdd=rdd, commitment__key__in=keys).select_related("commitment")
    for update in here:
        recorded_here.setdefault(update.commitment.key, []).append(update)
    rows = []
    for commitment in commitments:
        history = histories.get(commitment.key, [])
        earlier = [update for update in history if update.rdd.meeting.date < rdd.meeting.date]
        rows.append(FollowUp(commitment=commitment, history=earlier, here=recorded_here.get(commitment.key, [])))
    return rows


def rdd_with_content(queryset: QuerySet[Rdd]) -> QuerySet[Rdd]:
    """The RDDs with their whole content and approvals, one query per kind of row (the votes: validation_votes).

    Each kind in its model's order without the leading `rdd` (or `item_record`) of that order, which would join
    the RDD and its meeting only to sort rows that all belong to one parent. What each commitment records in
    this RDD is in `commitment_updates` (`here_by_commitment`), not read a second time.
    """
    return queryset.select_related("meeting__commission", "previous").prefetch_related(
        Prefetch(
            "item_records",
            queryset=ItemRecord.objects.order_by("position").prefetch_related(
                Prefetch("decisions", queryset=Decision.objects.order_by("position", "id"))
            ),
        ),
        Prefetch("commitments", queryset=Commitment.objects.order_by("position", "id")),
        Prefetch("commitment_updates", queryset=CommitmentUpdate.objects.select_related("commitment")),
        Prefetch("questions", queryset=Question.objects.order_by("position", "id")),
        Prefetch(
            "approvals",
            queryset=Approval.objects.select_related("person", "successor_of").order_by("approved_on", "id"),
        ),
    )


def validation_votes(rdd: Rdd) -> list[ValidationVote]:
    """The votes that validated the RDD in session, by section (social first).

    They are recorded with the validation itself (services.rdd_validate), so only a validated RDD has any: the
    others ask nothing.
    """
    if rdd.status != Rdd.Status.VALIDATED:
        return []
    return list(ValidationVote.objects.filter(rdd=rdd).order_by("-section"))


def here_by_commitment(rdd: Rdd) -> dict[int, list[CommitmentUpdate]]:
    """What the RDD records about each commitment (by commitment id), from its prefetched `commitment_updates`."""
    here: dict[int, list[CommitmentUpdate]] = {}
    for update in rdd.commitment_updates.all():
        here.setdefault(update.commitment_id, []).append(update)
    return here


@dataclass
class Pending:
    """A submitted RDD that a president must still approve for their section."""

    rdd: Rdd
    section: str

    @property
    def section_label(self) -> str:
        return SectionKind(self.section).label


def awaiting_approval(user) -> list[Pending]:
    """Submitted RDDs of the commissions where the user is a current section president, not yet approved by them.

    Two queries whatever the number of presidencies: "current" is judged in Python on each commission's
    own today (its time zone), and the submitted RDDs of all those commissions come in one query that
    says which sections already approved each.
    """
    if not user.is_authenticated:
        return []
    presidencies = [
        presidency
        for presidency in SectionPresidency.objects.filter(person__user=user)
        .select_related("section__commission")
        .order_by("section__commission__name", "pk")
        if _is_current(presidency, presidency.section.commission.today())
    ]
    if not presidencies:
        return []
    approved = {kind: Exists(Approval.objects.filter(rdd=OuterRef("pk"), section=kind)) for kind in SectionKind.values}
    rdds = (
        Rdd.objects.filter(
            status=Rdd.Status.SUBMITTED,
            meeting__commission__in={presidency.section.commission_id for presidency in presidencies},
        )
        .annotate(**{f"approved_{kind}": exists for kind, exists in approved.items()})
        .select_related("meeting__commission")
        .order_by("submitted_at", "pk")
    )
    by_commission: dict[int, list[Rdd]] = {}
    for rdd in rdds:
        by_commission.setdefault(rdd.meeting.commission_id, []).append(rdd)
    rows = []
    for presidency in presidencies:
        kind = presidency.section.kind
        rows.extend(
            Pending(rdd=rdd, section=kind)
            for rdd in by_commission.get(presidency.section.commission_id, [])
            if not getattr(rdd, f"approved_{kind}")
        )
    return rows


def _is_current(presidency: SectionPresidency, day) -> bool:
    """SectionPresidency.objects.current_on(day), for a row already loaded."""
    return presidency.start <= day and (presidency.end is None or presidency.end >= day)


def transmitted_for(user) -> QuerySet[Rdd]:
    """The transmitted (or validated) RDDs of the commissions the user sits in or serves."""
    return (
        Rdd.objects.filter(
            meeting__commission__in=Commission.objects.visible_to(user),
            status__in=[Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED],
        )
        .select_related("meeting__commission", "next_version")
        .order_by("meeting__commission__name", "-meeting__date", "-version")
    )


def approval_lines(rdd: Rdd) -> list[str]:
    """The approval block as the documents write it: "Approuvé le 14/04/2025 par la Présidente, Mme KERN Colette".

    Président(e) or Vice-Président(e) of the commission: the presidency of the year of the session, whenever
    the approval came (a 2025 session approved in January 2026 keeps its 2025 president). An approval states its
    approver as they were (`Approval.facts`); one given before approvals kept them reads the directory.
    """
    lines = []
    for approval in rdd.approvals.all():
        facts = approval.facts or approval_facts(
            rdd=rdd, section=approval.section, person=approval.person, successor_of=approval.successor_of
        )
        line = f"Approuvé le {approval.approved_on:%d/%m/%Y} par {facts['title']}, {facts['name']}"
        if facts.get("successor_of"):
            line += f", en qualité de successeur de {facts['successor_of']['name']}"
        lines.append((not facts["presiding"], line))
    return [line for _, line in sorted(lines)]
