"""The RDD: its content, its approval workflow and its trail, one function per rule.

Views, the admin, commands and tasks all call these functions. Each
transition locks the RDD row (select_for_update) inside a transaction,
checks the current state, writes a trail entry chained to the previous one
by its hash, and queues its e-mails once the transaction commits.

On PostgreSQL the database refuses content writes on an RDD that is no
longer a draft (migration 0002); the error is turned here into the same
French message as the application's own check.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape

from commissions.composition.access import can_manage
from commissions.composition.models import Commission, SectionKind, SectionPresidency
from commissions.composition.presidency import PresidencyUnknown, presidency_for
from commissions.meetings.models import AgendaItem, Meeting, Speaker
from portal.formats import date_short

from .models import (
    Approval,
    CarriedBy,
    Commitment,
    CommitmentUpdate,
    Decision,
    ItemRecord,
    Question,
    Rdd,
    RddFrozen,
    TrailEntry,
    ValidationVote,
    WorkflowError,
)
from .signals import rdd_transmitted

# Marker of the PostgreSQL trigger's error messages (migration 0002).
DB_FROZEN_MARKER = "rdd_frozen"
GENESIS_HASH = "0" * 64


def _section_label(kind: str) -> str:
    return SectionKind(kind).label.lower()


# Presidents


def current_presidencies(commission: Commission, day: datetime.date | None = None) -> dict[str, SectionPresidency]:
    """The section presidencies of the commission in office on the day (today in its time zone by default)."""
    day = day or commission.today()
    presidencies = (
        SectionPresidency.objects.current_on(day)
        .filter(section__commission=commission)
        .select_related("person__user", "section")
        .order_by("start")
    )
    return {presidency.section.kind: presidency for presidency in presidencies}


def president_sections(commission: Commission, user, day: datetime.date | None = None) -> list[str]:
    """The sections of the commission whose current president is this user (usually one, or none)."""
    if not user.is_authenticated:
        return []
    return [
        kind
        for kind, presidency in current_presidencies(commission, day).items()
        if presidency.person.user_id == user.pk
    ]


# Content hash and trail


def _canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def rdd_content(rdd: Rdd, *, loaded: bool = False) -> dict:
    """The RDD's content as plain data: what the presidents approve and what its hash covers.

    `loaded`: the RDD comes with its content (selectors.rdd_with_content), read again by no query; each part is
    then sorted here as the queries below sort it, so that both give the same data in the same order.
    """
    if loaded:
        records = sorted(rdd.item_records.all(), key=lambda record: (record.position, record.pk))
        commitments = sorted(rdd.commitments.all(), key=lambda commitment: (commitment.position, commitment.pk))
        updates = sorted(rdd.commitment_updates.all(), key=lambda update: (update.date, update.pk))
        questions = sorted(rdd.questions.all(), key=lambda question: (question.position, question.pk))
        approvals = sorted(rdd.approvals.all(), key=lambda approval: approval.section)
    else:
        records = ItemRecord.objects.filter(rdd=rdd).order_by("position", "id").prefetch_related("decisions")
        commitments = Commitment.objects.filter(rdd=rdd).order_by("position", "id")
        updates = CommitmentUpdate.objects.filter(rdd=rdd).select_related("commitment").order_by("date", "id")
        questions = Question.objects.filter(rdd=rdd).order_by("position", "id")
        approvals = Approval.objects.filter(rdd=rdd).order_by("section")
    return {
        "rdd": rdd.pk,
        "meeting": rdd.meeting_id,
        "version": rdd.version,
        "previous": rdd.previous_id,
        "preamble": rdd.preamble,
        "items": [
            {
                "number": record.number,
                "title": record.title,
                "speaker": record.speaker,
                "summary": record.summary,
                # Decision's own order (item_record, position, id): within a record, position then id.
                "decisions": [
                    decision.text
                    for decision in sorted(
                        record.decisions.all(), key=lambda decision: (decision.position, decision.pk)
                    )
                ],
            }
            for record in records
        ],
        "commitments": [[str(c.key), c.text, c.carried_by] for c in commitments],
        "follow_up": [
            [str(update.commitment.key), update.date.isoformat(), update.status, update.note, update.closes]
            for update in updates
        ],
        "questions": [[q.text, q.answer, q.out_of_scope, q.post_commission] for q in questions],
        "approvals": [[a.section, a.person_id, a.approved_on.isoformat()] for a in approvals],
    }


def content_hash(rdd: Rdd) -> str:
    return hashlib.sha256(_canonical(rdd_content(rdd))).hexdigest()


def _entry_fields(entry: TrailEntry) -> dict:
    return {
        "rdd": entry.rdd_id,
        "sequence": entry.sequence,
        "action": entry.action,
        "user": entry.user_id,
        "user_label": entry.user_label,
        "at": entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "ip": entry.ip or "",
        "note": entry.note,
        "content_hash": entry.content_hash,
    }


def entry_hash(entry: TrailEntry, previous_hash: str) -> str:
    return hashlib.sha256(previous_hash.encode() + _canonical(_entry_fields(entry))).hexdigest()


def _user_label(user) -> str:
    if user is None:
        return "Système"
    person = getattr(user, "person", None) if user.pk else None
    return person.display_name if person else user.get_username()


def trail_write(*, rdd: Rdd, action: str, user=None, ip: str | None = None, note: str = "") -> TrailEntry:
    """Append an entry to the RDD's trail; the caller holds the RDD's row lock, so the chain stays linear."""
    last = TrailEntry.objects.filter(rdd=rdd).order_by("-sequence").first()
    entry = TrailEntry(
        rdd=rdd,
        sequence=(last.sequence + 1) if last else 1,
        action=action,
        user=user if user is not None and user.pk else None,
        user_label=_user_label(user),
        at=timezone.now(),
        ip=ip or None,
        note=note,
        content_hash=content_hash(rdd),
        previous_hash=last.entry_hash if last else GENESIS_HASH,
    )
    entry.entry_hash = entry_hash(entry, entry.previous_hash)
    entry.save()
    return entry


@dataclass(frozen=True)
class TrailCheck:
    """The result of a trail check: intact, or the first entry found broken and why."""

    intact: bool
    entries: int
    broken: TrailEntry | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.intact


def trail_verify(rdd: Rdd, *, entries: list[TrailEntry] | None = None, loaded: bool = False) -> TrailCheck:
    """Recompute the hash chain of the RDD's trail; for a frozen RDD, also its content against the last entry.

    `entries`: the RDD's trail just read in sequence order (the RDD page lists it), not read again.
    `loaded`: the RDD was just read in this request with its content (selectors.rdd_with_content): its status
    and its content are taken from it instead of being read again.
    """
    if entries is None:
        entries = list(TrailEntry.objects.filter(rdd=rdd).order_by("sequence"))
    previous = GENESIS_HASH
    for expected_sequence, entry in enumerate(entries, start=1):
        if entry.sequence != expected_sequence:
            return TrailCheck(False, len(entries), entry, "une entrée manque avant celle-ci")
        if entry.previous_hash != previous:
            return TrailCheck(False, len(entries), entry, "le lien avec l'entrée précédente est rompu")
        if entry.entry_hash != entry_hash(entry, previous):
            return TrailCheck(False, len(entries), entry, "l'entrée a été modifiée après son enregistrement")
        previous = entry.entry_hash
    if not entries:
        return TrailCheck(True, 0)
    rdd_status = rdd.status if loaded else Rdd.objects.filter(pk=rdd.pk).values_list("status", flat=True).first()
    if rdd_status != Rdd.Status.DRAFT:
        current = hashlib.sha256(_canonical(rdd_content(rdd, loaded=loaded))).hexdigest()
        if entries[-1].content_hash != current:
            return TrailCheck(False, len(entries), entries[-1], "le contenu du relevé a changé depuis cette entrée")
    return TrailCheck(True, len(entries))


def trails_verify() -> list[tuple[Rdd, TrailCheck]]:
    """Every RDD's trail checked (an RDD at a time): the broken ones, with what is wrong.

    The RDD page checks its trail whenever it is rendered, and keeps the rendering until the RDD changes through
    the portal (portal.generations): a change made directly in the database shows there only when the cached
    page expires. This check, daily (decisions.tasks.verify_trails) and on demand (`manage.py verify_trails`),
    reads everything from the database.
    """
    broken = []
    for rdd in Rdd.objects.select_related("meeting__commission").order_by("pk").iterator(chunk_size=200):
        check = trail_verify(rdd)
        if not check:
            broken.append((rdd, check))
    return broken


# Locks and guards


def _is_frozen_db_error(error: Exception) -> bool:
    return DB_FROZEN_MARKER in str(error)


@contextmanager
def _locked(rdd: Rdd) -> Iterator[Rdd]:
    """The RDD's row, locked for the transaction; the database's refusal of a frozen write becomes French."""
    try:
        with transaction.atomic():
            yield Rdd.objects.select_for_update().select_related("meeting__commission").get(pk=rdd.pk)
    except (IntegrityError, DatabaseError) as error:
        if _is_frozen_db_error(error):
            raise RddFrozen() from error
        raise


@contextmanager
def _editing(rdd: Rdd) -> Iterator[Rdd]:
    with _locked(rdd) as locked:
        if locked.status != Rdd.Status.DRAFT:
            raise RddFrozen()
        yield locked


def _refuse(rdd: Rdd, what: str) -> WorkflowError:
    return WorkflowError(f"Impossible de {what} ce relevé : il est au statut « {rdd.get_status_display()} ».")


def _require_manager(rdd: Rdd, user) -> None:
    # user=None is the system (commands, tasks); a person acts only as secretariat or admin.
    if user is not None and not can_manage(user, rdd.meeting.commission):
        raise PermissionDenied("Cette action est réservée au secrétariat de la commission.")


def _require_latest(rdd: Rdd) -> None:
    if Rdd.objects.filter(previous=rdd).exists():
        raise WorkflowError("Une version plus récente de ce relevé existe : c'est elle qui suit le circuit.")


def _notify_on_commit(entry: TrailEntry) -> None:
    from .tasks import notify_rdd_event

    transaction.on_commit(lambda: notify_rdd_event.delay(entry.pk))


# Creation and content (drafts only)


def agenda_items_in_order(meeting: Meeting) -> list[tuple[AgendaItem, str]]:
    """The meeting's agenda items in reading order with their numbers (01, 1.1 …)."""
    from commissions.meetings.selectors import agenda_flat

    return [(node.item, node.number) for node in agenda_flat(meeting)]


def _sync_items(rdd: Rdd) -> None:
    """One item record per agenda item, in the agenda's order, with its current number, title and speaker.

    Records of items deleted from the agenda stay (at the end) when they hold
    text, and go when they are empty.
    """
    records = {record.agenda_item_id: record for record in ItemRecord.objects.filter(rdd=rdd)}
    position = 0
    # Two passes of positions would be needed only with a unique position; positions here just order.
    for item, number in agenda_items_in_order(rdd.meeting):
        position += 1
        speaker = item.get_speaker_display() if item.speaker else ""
        record = records.pop(item.pk, None)
        if record is None:
            ItemRecord.objects.create(
                rdd=rdd, agenda_item=item, position=position, number=number, title=item.title, speaker=speaker
            )
        elif (record.position, record.number, record.title, record.speaker) != (position, number, item.title, speaker):
            record.position, record.number, record.title, record.speaker = position, number, item.title, speaker
            record.save(update_fields=["position", "number", "title", "speaker"])
    for orphan in records.values():
        if not orphan.summary and not orphan.decisions.exists():
            orphan.delete()
        else:
            position += 1
            orphan.position = position
            orphan.save(update_fields=["position"])


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
            _sync_items(rdd)
            trail_write(rdd=rdd, action=TrailEntry.Action.CREATE, user=user, ip=ip)
    except IntegrityError as error:
        raise WorkflowError("Cette séance a déjà un relevé de décisions.") from error
    return rdd


def rdd_sync_items(*, rdd: Rdd) -> Rdd:
    """Bring the item records in line with the agenda (numbers and titles follow the agenda while a draft)."""
    with _editing(rdd) as locked:
        _sync_items(locked)
    return locked


def rdd_update_preamble(*, rdd: Rdd, preamble: str) -> Rdd:
    with _editing(rdd) as locked:
        locked.preamble = preamble.strip()
        locked.save(update_fields=["preamble"])
    return locked


def item_record_save(*, record: ItemRecord, summary: str, decisions: list[str]) -> ItemRecord:
    """The summary of exchanges on an item and its decisions taken (replacing the previous ones)."""
    with _editing(record.rdd):
        record = ItemRecord.objects.get(pk=record.pk)
        record.summary = summary.strip()
        record.save(update_fields=["summary"])
        texts = [text.strip() for text in decisions if text.strip()]
        existing = list(record.decisions.order_by("position", "id"))
        if [decision.text for decision in existing] != texts:
            for decision in existing:
                decision.delete()
            for position, text in enumerate(texts, start=1):
                Decision.objects.create(item_record=record, position=position, text=text)
    return record


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def commitment_save(*, rdd: Rdd, text: str, carried_by: str, commitment: Commitment | None = None) -> Commitment:
    """A commitment taken in this session (new, or corrected while the RDD is a draft)."""
    if not text.strip():
        raise WorkflowError({"text": "Indiquez l'engagement."})
    if carried_by not in CarriedBy.values:
        raise WorkflowError({"carried_by": "Indiquez qui porte l'engagement."})
    with _editing(rdd) as locked:
        if commitment is None:
            commitment = Commitment(rdd=locked, position=_next_position(Commitment.objects.filter(rdd=locked)))
        elif commitment.rdd_id != locked.pk:
            raise WorkflowError("Cet engagement n'appartient pas à ce relevé.")
        commitment.text = text.strip()
        commitment.carried_by = carried_by
        commitment.full_clean()
        commitment.save()
    return commitment


def commitment_delete(*, commitment: Commitment) -> None:
    with _editing(commitment.rdd):
        if CommitmentUpdate.objects.filter(commitment=commitment).exclude(rdd=commitment.rdd).exists():
            raise WorkflowError(
                "Cet engagement a déjà été suivi lors d'une séance ultérieure : il ne peut être supprimé."
            )
        for update in CommitmentUpdate.objects.filter(commitment=commitment):
            update.delete()
        commitment.delete()


def commitment_follow(
    *,
    rdd: Rdd,
    commitment: Commitment,
    date: datetime.date,
    status: str,
    note: str = "",
    closes: bool = False,
) -> CommitmentUpdate:
    """Record, in this session's RDD, the state of a commitment of this session or of an earlier one."""
    from .selectors import open_commitments

    if not status.strip():
        raise WorkflowError({"status": "Indiquez l'état de l'engagement."})
    with _editing(rdd) as locked:
        own = commitment.rdd_id == locked.pk
        if (
            not own
            and not open_commitments(locked.meeting.commission, before=locked.meeting).filter(pk=commitment.pk).exists()
        ):
            raise WorkflowError(
                "Cet engagement n'est pas un engagement ouvert d'une séance précédente de la commission."
            )
        update = CommitmentUpdate(
            commitment=commitment, rdd=locked, date=date, status=status.strip(), note=note.strip(), closes=closes
        )
        update.full_clean()
        update.save()
    return update


def commitment_update_delete(*, update: CommitmentUpdate) -> None:
    with _editing(update.rdd):
        update.delete()


def question_save(
    *,
    rdd: Rdd,
    text: str,
    answer: str = "",
    out_of_scope: bool = False,
    post_commission: bool = False,
    question: Question | None = None,
) -> Question:
    """A question of the professional section and its answer."""
    if not text.strip():
        raise WorkflowError({"text": "Indiquez la question."})
    with _editing(rdd) as locked:
        if question is None:
            question = Question(rdd=locked, position=_next_position(Question.objects.filter(rdd=locked)))
        elif question.rdd_id != locked.pk:
            raise WorkflowError("Cette question n'appartient pas à ce relevé.")
        question.text = text.strip()
        question.answer = answer.strip()
        question.out_of_scope = out_of_scope
        question.post_commission = post_commission
        question.full_clean()
        question.save()
    return question


def question_delete(*, question: Question) -> None:
    with _editing(question.rdd):
        question.delete()


# Workflow


def rdd_submit(*, rdd: Rdd, user, ip: str | None = None) -> Rdd:
    """Draft → submitted to both section presidents: the content is frozen from now on."""
    with _locked(rdd) as locked:
        _require_manager(locked, user)
        if locked.status != Rdd.Status.DRAFT:
            if locked.status == Rdd.Status.SUBMITTED:
                raise WorkflowError("Ce relevé a déjà été soumis aux présidents de section.")
            raise _refuse(locked, "soumettre")
        presidencies = current_presidencies(locked.meeting.commission)
        missing = [_section_label(kind) for kind in SectionKind if kind not in presidencies]
        if missing:
            raise WorkflowError(
                f"La {' et la '.join(missing)} n'{'ont' if len(missing) > 1 else 'a'} pas de président(e) en "
                "exercice : le relevé ne pourrait pas être approuvé. Enregistrez d'abord la présidence de section."
            )
        _sync_items(locked)
        locked.status = Rdd.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at"])
        entry = trail_write(rdd=locked, action=TrailEntry.Action.SUBMIT, user=user, ip=ip)
        _notify_on_commit(entry)
    return locked


def rdd_approve(*, rdd: Rdd, user, ip: str | None = None) -> list[Approval]:
    """A current section president approves a submitted RDD for their section; both approvals make it approved.

    Approving twice (double click, two tabs, two requests at once) gives one
    approval: the row lock serialises the requests and the second is refused.
    """
    with _locked(rdd) as locked:
        commission = locked.meeting.commission
        sections = president_sections(commission, user)
        if not sections:
            raise PermissionDenied(
                "Seuls les présidents de section en exercice de cette commission approuvent le relevé."
            )
        approved = set(Approval.objects.filter(rdd=locked).values_list("section", flat=True))
        if locked.status != Rdd.Status.SUBMITTED:
            done = [kind for kind in sections if kind in approved]
            if done or locked.status in (Rdd.Status.APPROVED, Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED):
                kind = done[0] if done else sections[0]
                raise WorkflowError(f"Ce relevé a déjà été approuvé par la {_section_label(kind)}.")
            raise _refuse(locked, "approuver")
        pending = [kind for kind in sections if kind not in approved]
        if not pending:
            raise WorkflowError(f"Ce relevé a déjà été approuvé par la {_section_label(sections[0])}.")
        presidencies = current_presidencies(commission)
        today = commission.today()
        created = []
        for kind in pending:
            try:
                with transaction.atomic():
                    created.append(
                        Approval.objects.create(
                            rdd=locked, section=kind, person=presidencies[kind].person, user=user, approved_on=today
                        )
                    )
            except IntegrityError as error:
                if _is_frozen_db_error(error):
                    raise
                raise WorkflowError(f"Ce relevé a déjà été approuvé par la {_section_label(kind)}.") from error
        trail_write(
            rdd=locked,
            action=TrailEntry.Action.APPROVE,
            user=user,
            ip=ip,
            note=", ".join(SectionKind(kind).label for kind in pending),
        )
        if Approval.objects.filter(rdd=locked).count() == len(SectionKind):
            locked.status = Rdd.Status.APPROVED
            locked.approved_at = timezone.now()
            locked.save(update_fields=["status", "approved_at"])
            entry = trail_write(rdd=locked, action=TrailEntry.Action.APPROVED, user=user, ip=ip)
            _notify_on_commit(entry)
    return created


def rdd_send_back(*, rdd: Rdd, user, remark: str, ip: str | None = None) -> Rdd:
    """A current section president sends a submitted RDD back to the secretariat: draft again, approvals cleared."""
    remark = (remark or "").strip()
    with _locked(rdd) as locked:
        if not president_sections(locked.meeting.commission, user):
            raise PermissionDenied(
                "Seuls les présidents de section en exercice de cette commission renvoient le relevé."
            )
        if locked.status != Rdd.Status.SUBMITTED:
            raise _refuse(locked, "renvoyer au secrétariat")
        if not remark:
            raise WorkflowError({"remark": "Indiquez la remarque à transmettre au secrétariat."})
        # Approvals go while the RDD is still submitted (the database allows it only then).
        Approval.objects.filter(rdd=locked).delete()
        locked.status = Rdd.Status.DRAFT
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_at"])
        entry = trail_write(rdd=locked, action=TrailEntry.Action.SEND_BACK, user=user, ip=ip, note=remark)
        _notify_on_commit(entry)
    return locked


def rdd_transmit(*, rdd: Rdd, user, ip: str | None = None) -> Rdd:
    """Approved → transmitted to the members of the commission (e-mail)."""
    with _locked(rdd) as locked:
        _require_manager(locked, user)
        if locked.status != Rdd.Status.APPROVED:
            if locked.status in (Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED):
                raise WorkflowError("Ce relevé a déjà été transmis aux membres.")
            raise WorkflowError(
                f"Ce relevé doit être approuvé par les deux présidents de section avant d'être transmis "
                f"(statut actuel : « {locked.get_status_display()} »)."
            )
        _require_latest(locked)
        locked.status = Rdd.Status.TRANSMITTED
        locked.transmitted_at = timezone.now()
        locked.save(update_fields=["status", "transmitted_at"])
        entry = trail_write(rdd=locked, action=TrailEntry.Action.TRANSMIT, user=user, ip=ip)
        _notify_on_commit(entry)
        rdd_transmitted.send(sender=Rdd, rdd=locked)
    return locked


def rdd_record_document(*, rdd: Rdd, sha256: str, page_count: int) -> TrailEntry:
    """Record in the trail the SHA-256 of the RDD's PDF, rendered once at transmission and stored unchanged."""
    with _locked(rdd) as locked:
        if locked.status not in (Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED):
            raise WorkflowError("Le document d'un relevé n'est enregistré qu'à sa transmission.")
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
    with _locked(rdd) as locked:
        _require_manager(locked, user)
        if locked.status != Rdd.Status.TRANSMITTED:
            if locked.status == Rdd.Status.VALIDATED:
                raise WorkflowError(f"Ce relevé a déjà été validé en séance le {date_short(locked.validated_on)}.")
            raise WorkflowError(
                f"Ce relevé doit avoir été transmis aux membres avant d'être validé "
                f"(statut actuel : « {locked.get_status_display()} »)."
            )
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
                raise WorkflowError(f"Indiquez le vote de la {_section_label(kind)} : pour, contre, abstention.")
            counts[kind] = value
        for kind, (votes_for, against, abstentions) in counts.items():
            ValidationVote.objects.create(
                rdd=locked, section=kind, votes_for=votes_for, votes_against=against, abstentions=abstentions
            )
        locked.status = Rdd.Status.VALIDATED
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
    with _locked(rdd) as locked:
        _require_manager(locked, user)
        if locked.status in (Rdd.Status.DRAFT, Rdd.Status.SUBMITTED):
            raise WorkflowError(
                "Seul un relevé approuvé se corrige par une nouvelle version ; "
                f"celui-ci est au statut « {locked.get_status_display()} »."
            )
        _require_latest(locked)
        try:
            with transaction.atomic():
                new = Rdd.objects.create(
                    meeting=locked.meeting, version=locked.version + 1, previous=locked, preamble=locked.preamble
                )
        except IntegrityError as error:
            raise WorkflowError("Une version plus récente de ce relevé existe déjà.") from error
        new.meeting = locked.meeting
        _copy_content(locked, new)
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


def _copy_content(source: Rdd, target: Rdd) -> None:
    for record in ItemRecord.objects.filter(rdd=source).prefetch_related("decisions"):
        copy = ItemRecord.objects.create(
            rdd=target,
            agenda_item_id=record.agenda_item_id,
            position=record.position,
            number=record.number,
            title=record.title,
            speaker=record.speaker,
            summary=record.summary,
        )
        for decision in record.decisions.all():
            Decision.objects.create(item_record=copy, position=decision.position, text=decision.text)
    copies = {}
    for commitment in Commitment.objects.filter(rdd=source):
        copies[commitment.pk] = Commitment.objects.create(
            rdd=target,
            key=commitment.key,
            position=commitment.position,
            text=commitment.text,
            carried_by=commitment.carried_by,
        )
    for update in CommitmentUpdate.objects.filter(rdd=source):
        CommitmentUpdate.objects.create(
            commitment=copies.get(update.commitment_id) or update.commitment,
            rdd=target,
            date=update.date,
            status=update.status,
            note=update.note,
            closes=update.closes,
        )
    for question in Question.objects.filter(rdd=source):
        Question.objects.create(
            rdd=target,
            position=question.position,
            text=question.text,
            answer=question.answer,
            out_of_scope=question.out_of_scope,
            post_commission=question.post_commission,
        )


# Standard agenda of a new session (issue 3 part 2, owned here: the agenda does not know the RDD)


def _rdd_dates_table(rdd: Rdd) -> str:
    approvals = list(rdd.approvals.order_by("approved_on"))
    approved = " et ".join(date_short(approval.approved_on) for approval in approvals) or "—"
    transmitted = date_short(timezone.localtime(rdd.transmitted_at).date()) if rdd.transmitted_at else "—"
    return (
        "<p>Vote pour le relevé de décisions suivant :</p>"
        "<table><thead><tr><th>Date de la commission</th><th>Date de validation par les deux présidents de section</th>"
        "<th>Date de transmission aux membres de la commission</th></tr></thead>"
        f"<tbody><tr><td>{escape(date_short(rdd.meeting.date))}</td><td>{escape(approved)}</td>"
        f"<td>{escape(transmitted)}</td></tr></tbody></table>"
    )


def session_add_standard_items(*, meeting: Meeting) -> list[AgendaItem]:
    """The standard items of a new session: approval of the previous RDD, presidency designation (first
    session of a year), follow-up of commitments, questions of the profession, questions diverses.

    Does nothing for an information meeting or an agenda that already has items (a second call adds nothing).
    """
    from commissions.meetings.agenda import agenda_item_add

    if meeting.kind != Meeting.Kind.SESSION or AgendaItem.objects.filter(meeting=meeting).exists():
        return []
    commission = meeting.commission
    earlier = Meeting.objects.filter(commission=commission, kind=Meeting.Kind.SESSION).exclude(pk=meeting.pk)
    previous = earlier.filter(date__lt=meeting.date).order_by("-date", "-start_time").first()
    created = []
    with transaction.atomic():
        if previous is not None:
            previous_rdd = Rdd.objects.filter(meeting=previous).order_by("-version").first()
            content = (
                _rdd_dates_table(previous_rdd)
                if previous_rdd is not None
                else "<p>Le relevé de décisions de cette séance n'a pas encore été établi.</p>"
            )
            created.append(
                agenda_item_add(
                    meeting=meeting,
                    title=f"Validation du relevé de décisions de la séance du {date_short(previous.date)}",
                    speaker=Speaker.SECRETARIAT,
                    content=content,
                )
            )
        if not earlier.filter(date__year=meeting.date.year, date__lt=meeting.date).exists():
            created.append(
                agenda_item_add(
                    meeting=meeting,
                    title=f"Désignation de la présidence {meeting.date.year}",
                    speaker=Speaker.SECRETARIAT,
                    content=_presidency_content(commission, meeting.date.year),
                )
            )
        created.append(agenda_item_add(meeting=meeting, title="Suivi des engagements", speaker=Speaker.BOTH))
        created.append(
            agenda_item_add(meeting=meeting, title="Questions de la profession", speaker=Speaker.PROFESSIONAL)
        )
        created.append(agenda_item_add(meeting=meeting, title="Questions diverses", speaker=Speaker.BOTH))
    return created


def _presidency_content(commission: Commission, year: int) -> str:
    article = f"L'{commission.presidency_article} " if commission.presidency_article else "La convention nationale "
    text = (
        "<p>La section professionnelle et la section sociale élisent chacune un président parmi leurs membres. "
        f"{escape(article)}précise que le président de la section professionnelle et celui de la section sociale "
        "assurent à tour de rôle, par période d'un an, la Présidence et la Vice-Présidence de la commission.</p>"
    )
    try:
        presidency = presidency_for(commission, year)
    except PresidencyUnknown:
        return text
    text += (
        f"<p>Au titre de l'année {year}, la présidence de la commission est assurée par le président de la "
        f"{escape(_section_label(presidency.president_section))}.</p>"
    )
    return text
