"""The RDD's workflow: creation, then the transitions of its life, one function per step.

Views, the admin, commands and tasks all call these functions. Each transition locks the RDD row
(content.rdd_locked) inside a transaction, checks the current status against `TRANSITIONS`, writes a trail
entry chained to the previous one by its hash (trail.trail_write), and queues its e-mails once the
transaction commits. The content of a draft is edited in decisions.content.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from commissions.composition.access import can_manage
from commissions.composition.models import SectionKind
from commissions.meetings.lifecycle import meeting_advance, meeting_lock_record
from commissions.meetings.models import Meeting
from portal.formats import date_short

from .content import content_copy, is_frozen_db_error, item_records_sync, rdd_locked
from .facts import approval_facts, rdd_facts_read
from .models import Approval, Rdd, TrailEntry, ValidationVote, WorkflowError
from .presidents import current_presidencies, president_sections, section_label
from .signals import rdd_transmitted
from .tasks import notify_rdd_event
from .trail import APPROVED_FORMATS, CONTENT_FORMAT, approval_hash, trail_write

Status = Rdd.Status


@dataclass(frozen=True)
class Transition:
    """A step of the RDD's life: the statuses it starts from, the status it leads to and its French refusals.

    `target` None: the RDD keeps its status (the document is recorded; a new version is created beside it).
    `refused` is the message when the RDD is in no status of `sources`; `done`, when it is in one of `done_in`
    (the step was already taken). The messages may name `{status}` (the RDD's status), `{validated_on}`, and
    what the step's function gives (`{section}` for an approval).
    """

    sources: frozenset[Status]
    target: Status | None
    refused: str
    done_in: frozenset[Status] = frozenset()
    done: str = ""


# The workflow, once: each function below checks its row through `_transition`.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(
        sources=frozenset({Status.DRAFT}),
        target=Status.SUBMITTED,
        refused="Impossible de soumettre ce relevé : il est au statut « {status} ».",
        done_in=frozenset({Status.SUBMITTED}),
        done="Ce relevé a déjà été soumis aux présidents de section.",
    ),
    "approve": Transition(
        sources=frozenset({Status.SUBMITTED}),
        # Once both sections have approved; until then the RDD stays submitted.
        target=Status.APPROVED,
        refused="Impossible de approuver ce relevé : il est au statut « {status} ».",
        done_in=frozenset({Status.APPROVED, Status.TRANSMITTED, Status.VALIDATED}),
        done="Ce relevé a déjà été approuvé par la {section}.",
    ),
    "send_back": Transition(
        sources=frozenset({Status.SUBMITTED}),
        target=Status.DRAFT,
        refused="Impossible de renvoyer au secrétariat ce relevé : il est au statut « {status} ».",
    ),
    "transmit": Transition(
        sources=frozenset({Status.APPROVED}),
        target=Status.TRANSMITTED,
        refused=(
            "Ce relevé doit être approuvé par les deux présidents de section avant d'être transmis "
            "(statut actuel : « {status} »)."
        ),
        done_in=frozenset({Status.TRANSMITTED, Status.VALIDATED}),
        done="Ce relevé a déjà été transmis aux membres.",
    ),
    "record_document": Transition(
        sources=frozenset({Status.TRANSMITTED, Status.VALIDATED}),
        target=None,
        refused="Le document d'un relevé n'est enregistré qu'à sa transmission.",
    ),
    "validate": Transition(
        sources=frozenset({Status.TRANSMITTED}),
        target=Status.VALIDATED,
        refused=("Ce relevé doit avoir été transmis aux membres avant d'être validé (statut actuel : « {status} »)."),
        done_in=frozenset({Status.VALIDATED}),
        done="Ce relevé a déjà été validé en séance le {validated_on}.",
    ),
    "new_version": Transition(
        # The new version starts as a draft; the corrected one keeps its status.
        sources=frozenset({Status.APPROVED, Status.TRANSMITTED, Status.VALIDATED}),
        target=None,
        refused=("Seul un relevé approuvé se corrige par une nouvelle version ; celui-ci est au statut « {status} »."),
    ),
}


def _transition(rdd: Rdd, action: str, *, done: bool = False, **values: str) -> Transition:
    """The row of `action` if the RDD's status allows it; otherwise its French refusal, as a WorkflowError.

    `done`: the function knows the step already taken although the status does not say so (an approval).
    """
    transition = TRANSITIONS[action]
    if rdd.status in transition.sources:
        return transition
    values = {"status": rdd.get_status_display(), "validated_on": date_short(rdd.validated_on), **values}
    if done or rdd.status in transition.done_in:
        raise WorkflowError(transition.done.format(**values))
    raise WorkflowError(transition.refused.format(**values))


def _already_approved(kind: str) -> WorkflowError:
    return WorkflowError(TRANSITIONS["approve"].done.format(section=section_label(kind)))


def _require_manager(rdd: Rdd, user) -> None:
    # user=None is the system (commands, tasks); a person acts only as secretariat or admin.
    if user is not None and not can_manage(user, rdd.meeting.commission):
        raise PermissionDenied("Cette action est réservée au secrétariat de la commission.")


def _require_latest(rdd: Rdd) -> None:
    if Rdd.objects.filter(previous=rdd).exists():
        raise WorkflowError("Une version plus récente de ce relevé existe : c'est elle qui suit le circuit.")


def _require_held(rdd: Rdd) -> None:
    """An RDD records a session that has been held: submitted, approved and transmitted only after it.

    The meeting is advanced first (convened and started → held), so the answer never waits for Celery beat.
    """
    meeting_advance(meetings=[rdd.meeting])
    meeting = Meeting.objects.select_related("commission").get(pk=rdd.meeting_id)
    rdd.meeting = meeting
    if meeting.status not in (Meeting.Status.HELD, Meeting.Status.CLOSED):
        status = meeting.get_status_display().lower()
        raise WorkflowError(
            f"La séance du {date_short(meeting.date)} n'est pas tenue (statut « {status} ») : "
            "son relevé de décisions se rédige dès maintenant, mais ne se soumet, ne s'approuve et ne se transmet "
            "qu'une fois la séance tenue."
        )


def _notify_on_commit(entry: TrailEntry) -> None:
    transaction.on_commit(lambda: notify_rdd_event.delay(entry.pk))


# Creation


def rdd_create(*, meeting: Meeting, user=None, ip: str | None = None) -> Rdd:
    """The draft RDD (version 1) of a session, with one record per agenda item."""
    if meeting.kind != Meeting.Kind.SESSION:
        raise WorkflowError("Une réunion d'information n'a pas de relevé de décisions.")
    try:
        with transaction.atomic():
            # Serialise the creation on the meeting row: two clicks create one RDD.
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            if Rdd.objects.filter(meeting=meeting).exists():
                raise WorkflowError("Cette séance a déjà un relevé de décisions.")
            rdd = Rdd.objects.create(meeting=meeting, version=1)
            rdd.meeting = meeting
            item_records_sync(rdd)
            trail_write(rdd=rdd, action=TrailEntry.Action.CREATE, user=user, ip=ip)
    except IntegrityError as error:
        raise WorkflowError("Cette séance a déjà un relevé de décisions.") from error
    return rdd


# Transitions


def rdd_submit(*, rdd: Rdd, user, ip: str | None = None) -> Rdd:
    """Draft → submitted to both section presidents: the content is frozen from now on."""
    with rdd_locked(rdd) as locked:
        _require_manager(locked, user)
        step = _transition(locked, "submit")
        _require_held(locked)
        presidencies = current_presidencies(locked.meeting.commission)
        missing = [section_label(kind) for kind in SectionKind if kind not in presidencies]
        if missing:
            raise WorkflowError(
                f"La {' et la '.join(missing)} n'{'ont' if len(missing) > 1 else 'a'} pas de président(e) en "
                "exercice : le relevé ne pourrait pas être approuvé. Enregistrez d'abord la présidence de section."
            )
        item_records_sync(locked)
        locked.status = step.target
        locked.submitted_at = timezone.now()
        # What the RDD states about its session, kept from now on: written with the status, in the one update the
        # database allows (migration 0002 freezes the row once submitted).
        locked.facts = rdd_facts_read(locked)
        locked.save(update_fields=["status", "submitted_at", "facts"])
        # From now on the meeting's facts that the RDD states are locked (commissions.meetings.lifecycle).
        locked.meeting = meeting_lock_record(meeting=locked.meeting, lock=Meeting.RecordLock.SUBMITTED)
        entry = trail_write(rdd=locked, action=TrailEntry.Action.SUBMIT, user=user, ip=ip)
        _notify_on_commit(entry)
    return locked


def _require_approvals_bound(rdd: Rdd) -> None:
    """Every approval given approved the content as it is: none survived a change of the content (a status moved
    back to draft and forth behind the workflow, the content changed meanwhile)."""
    hashes: dict[int, str] = {}
    for approval in Approval.objects.filter(rdd=rdd).order_by("section"):
        if not approval.content_hash:  # given before approvals were bound to a content
            continue
        version = approval.format_version
        if version not in hashes:
            hashes[version] = approval_hash(rdd, version=version) if version in APPROVED_FORMATS else ""
        if approval.content_hash != hashes[version]:
            raise WorkflowError(
                f"L'approbation de la {section_label(approval.section)} porte sur un autre contenu que celui du "
                "relevé : le relevé doit être renvoyé au secrétariat, puis soumis à nouveau aux présidents."
            )


def rdd_approve(*, rdd: Rdd, user, ip: str | None = None, content_hash: str | None = None) -> list[Approval]:
    """A current section president approves a submitted RDD for their section; both approvals make it approved.

    The approvers are the session's section presidents; when one has left office since the session, the section's
    current president approves as their successor (`Approval.successor_of`, "en qualité de successeur de …").

    `content_hash`: the hash of the content the president was shown (trail.approval_hash), refused if the content
    is no longer that one; the approval stores it. Approving twice (double click, two tabs, two requests at once)
    gives one approval: the row lock serialises the requests and the second is refused.
    """
    with rdd_locked(rdd) as locked:
        commission = locked.meeting.commission
        sections = president_sections(commission, user)
        if not sections:
            raise PermissionDenied(
                "Seuls les présidents de section en exercice de cette commission approuvent le relevé."
            )
        approved = set(Approval.objects.filter(rdd=locked).values_list("section", flat=True))
        done = [kind for kind in sections if kind in approved]
        step = _transition(locked, "approve", done=bool(done), section=section_label(done[0] if done else sections[0]))
        _require_held(locked)
        pending = [kind for kind in sections if kind not in approved]
        if not pending:
            raise _already_approved(sections[0])
        presidencies = current_presidencies(commission)
        # The session's section presidents approve its RDD; one who has left office since is replaced by the
        # section's current president, their successor, and the approval says so.
        on_the_day = current_presidencies(commission, locked.stated_date)
        today = commission.today()
        # What the president approves: the frozen content and facts, bound to the approval by their hash.
        approved_hash = approval_hash(locked)
        if content_hash is not None and content_hash != approved_hash:
            raise WorkflowError(
                "Le contenu du relevé n'est plus celui qui vous a été présenté : relisez-le avant de l'approuver."
            )
        _require_approvals_bound(locked)
        created = []
        for kind in pending:
            person = presidencies[kind].person
            then = on_the_day.get(kind)
            predecessor = then.person if then is not None and then.person_id != person.pk else None
            try:
                with transaction.atomic():
                    created.append(
                        Approval.objects.create(
                            rdd=locked,
                            section=kind,
                            person=person,
                            user=user,
                            approved_on=today,
                            content_hash=approved_hash,
                            format_version=CONTENT_FORMAT,
                            successor_of=predecessor,
                            facts=approval_facts(rdd=locked, section=kind, person=person, successor_of=predecessor),
                        )
                    )
            except IntegrityError as error:
                if is_frozen_db_error(error):
                    raise
                raise _already_approved(kind) from error
        trail_write(
            rdd=locked,
            action=TrailEntry.Action.APPROVE,
            user=user,
            ip=ip,
            note=", ".join(SectionKind(kind).label for kind in pending),
        )
        if Approval.objects.filter(rdd=locked).count() == len(SectionKind):
            locked.status = step.target
            locked.approved_at = timezone.now()
            locked.save(update_fields=["status", "approved_at"])
            # Nothing the RDD states changes any more, and the session is closed.
            locked.meeting = meeting_lock_record(meeting=locked.meeting, lock=Meeting.RecordLock.APPROVED)
            entry = trail_write(rdd=locked, action=TrailEntry.Action.APPROVED, user=user, ip=ip)
            _notify_on_commit(entry)
    return created


def rdd_send_back(*, rdd: Rdd, user, remark: str, ip: str | None = None) -> Rdd:
    """A current section president sends a submitted RDD back to the secretariat: draft again, approvals cleared."""
    remark = (remark or "").strip()
    with rdd_locked(rdd) as locked:
        if not president_sections(locked.meeting.commission, user):
            raise PermissionDenied(
                "Seuls les présidents de section en exercice de cette commission renvoient le relevé."
            )
        step = _transition(locked, "send_back")
        if not remark:
            raise WorkflowError({"remark": "Indiquez la remarque à transmettre au secrétariat."})
        # Approvals go while the RDD is still submitted (the database allows it only then).
        Approval.objects.filter(rdd=locked).delete()
        locked.status = step.target
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_at"])
        # A draft states the directory's facts; its next submission takes them again.
        locked.facts = {}
        locked.save(update_fields=["facts"])
        locked.meeting = meeting_lock_record(meeting=locked.meeting, lock=Meeting.RecordLock.OPEN)
        entry = trail_write(rdd=locked, action=TrailEntry.Action.SEND_BACK, user=user, ip=ip, note=remark)
        _notify_on_commit(entry)
    return locked


def rdd_transmit(*, rdd: Rdd, user, ip: str | None = None) -> Rdd:
    """Approved → transmitted to the members of the commission (e-mail)."""
    with rdd_locked(rdd) as locked:
        _require_manager(locked, user)
        step = _transition(locked, "transmit")
        _require_latest(locked)
        _require_held(locked)
        _require_approvals_bound(locked)
        locked.status = step.target
        locked.transmitted_at = timezone.now()
        locked.save(update_fields=["status", "transmitted_at"])
        entry = trail_write(rdd=locked, action=TrailEntry.Action.TRANSMIT, user=user, ip=ip)
        _notify_on_commit(entry)
        rdd_transmitted.send(sender=Rdd, rdd=locked)
    return locked


def rdd_record_document(*, rdd: Rdd, sha256: str, page_count: int) -> TrailEntry:
    """Record in the trail the SHA-256 of the RDD's PDF, rendered once at transmission and stored unchanged."""
    with rdd_locked(rdd) as locked:
        _transition(locked, "record_document")
        if TrailEntry.objects.filter(rdd=locked, action=TrailEntry.Action.DOCUMENT).exists():
            raise WorkflowError("Le document PDF de ce relevé est déjà enregistré.")
        return trail_write(
            rdd=locked,
            action=TrailEntry.Action.DOCUMENT,
            note=f"Document PDF enregistré ({page_count} pages), SHA-256 : {sha256}",
        )


VoteCounts = tuple[int, int, int]


def rdd_validate(*, rdd: Rdd, meeting: Meeting, votes: dict[str, VoteCounts], user, ip: str | None = None) -> Rdd:
    """Transmitted → validated by the vote of a later session: (pour, contre, abstention) for each section."""
    with rdd_locked(rdd) as locked:
        _require_manager(locked, user)
        step = _transition(locked, "validate")
        _require_latest(locked)
        if (
            meeting.commission_id != locked.meeting.commission_id
            or meeting.kind != Meeting.Kind.SESSION
            or meeting.date <= locked.meeting.date
        ):
            raise WorkflowError({"meeting": "Le relevé est validé lors d'une séance ultérieure de la même commission."})
        counts = {}
        for kind in SectionKind:
            value = votes.get(kind) or votes.get(kind.value)
            if value is None or len(value) != 3 or any(not isinstance(n, int) or n < 0 for n in value):
                raise WorkflowError(f"Indiquez le vote de la {section_label(kind)} : pour, contre, abstention.")
            counts[kind] = value
        for kind, (votes_for, against, abstentions) in counts.items():
            ValidationVote.objects.create(
                rdd=locked, section=kind, votes_for=votes_for, votes_against=against, abstentions=abstentions
            )
        locked.status = step.target
        locked.validated_at = timezone.now()
        locked.validated_on = meeting.date
        locked.validated_in = meeting
        locked.save(update_fields=["status", "validated_at", "validated_on", "validated_in"])
        note = "; ".join(
            f"{SectionKind(kind).label} : {f} pour, {a} contre, {n} abstention(s)" for kind, (f, a, n) in counts.items()
        )
        note = f"Séance du {date_short(meeting.date)} — {note}"
        trail_write(rdd=locked, action=TrailEntry.Action.VALIDATE, user=user, ip=ip, note=note)
    return locked


def rdd_new_version(*, rdd: Rdd, user, ip: str | None = None) -> Rdd:
    """A correction of an approved RDD: a new draft version with a copy of the content, to go through the workflow."""
    with rdd_locked(rdd) as locked:
        _require_manager(locked, user)
        _transition(locked, "new_version")
        _require_latest(locked)
        try:
            with transaction.atomic():
                new = Rdd.objects.create(
                    meeting=locked.meeting, version=locked.version + 1, previous=locked, preamble=locked.preamble
                )
        except IntegrityError as error:
            raise WorkflowError("Une version plus récente de ce relevé existe déjà.") from error
        new.meeting = meeting_lock_record(meeting=locked.meeting, lock=Meeting.RecordLock.OPEN)
        content_copy(source=locked, target=new)
        trail_write(
            rdd=locked, action=TrailEntry.Action.NEW_VERSION, user=user, ip=ip, note=f"Version {new.version} créée"
        )
        trail_write(
            rdd=new,
            action=TrailEntry.Action.CREATE,
            user=user,
            ip=ip,
            note=f"Correction de la version {locked.version}",
        )
    return new
