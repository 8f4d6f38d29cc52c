"""The content of a draft RDD, one function per edit: its item records in line with the agenda, its preamble,
the decisions taken on each item, its commitments and their follow-up, its questions.

Every write, here and in the workflow (services), takes the RDD's row lock (`rdd_locked`); an edit also
checks that the RDD is still a draft (`draft_locked`). On PostgreSQL the database refuses content writes on
an RDD that is no longer a draft (migration 0002); its refusal is turned here into the same French message
as the application's own check.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max

from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.selectors import agenda_flat

from .models import (
    CarriedBy,
    Commitment,
    CommitmentUpdate,
    Decision,
    ItemRecord,
    Question,
    Rdd,
    RddFrozen,
    WorkflowError,
)
from .selectors import open_commitments

# Marker of the PostgreSQL trigger's error messages (migration 0002).
DB_FROZEN_MARKER = "rdd_frozen"


# Locks


def is_frozen_db_error(error: Exception) -> bool:
    """The database refused a write to the content of an RDD that is no longer a draft (migration 0002)."""
    return DB_FROZEN_MARKER in str(error)


@contextmanager
def rdd_locked(rdd: Rdd) -> Iterator[Rdd]:
    """The RDD's row, locked for the transaction; the database's refusal of a frozen write becomes French."""
    try:
        with transaction.atomic():
            yield Rdd.objects.select_for_update().select_related("meeting__commission").get(pk=rdd.pk)
    except (IntegrityError, DatabaseError) as error:
        if is_frozen_db_error(error):
            raise RddFrozen() from error
        raise


@contextmanager
def draft_locked(rdd: Rdd) -> Iterator[Rdd]:
    """The RDD's row, locked for the transaction, if it is still a draft: its content may change."""
    with rdd_locked(rdd) as locked:
        if locked.status != Rdd.Status.DRAFT:
            raise RddFrozen()
        yield locked


# Versions of the editor's blocks


# The fields of a block that a conflict's message quotes (its choices and check boxes are left out).
TEXT_FIELDS = ("preamble", "summary", "decisions", "text", "answer")


class EditConflict(WorkflowError):
    """Another agent changed the block since the editor loaded it: the save is refused, their text shown."""

    def __init__(self, *, current: dict, version: str):
        # The other agent's text, by the block's field names, and the version to send to keep one's own text.
        self.current = current
        self.version = version
        shown = " / ".join(current[name] for name in TEXT_FIELDS if current.get(name, "").strip())
        super().__init__(
            f"Modifié par un autre agent pendant votre saisie : « {shown or '(texte vide)'} ». "
            "Votre texte n'a pas été enregistré : gardez le vôtre (enregistrez à nouveau) ou reprenez le sien."
        )


def block_values(block: Rdd | ItemRecord | Commitment | Question) -> dict:
    """What the editor shows of a block, by its form's field names: the preamble, an item, a commitment, a question."""
    if isinstance(block, Rdd):
        return {"preamble": block.preamble}
    if isinstance(block, ItemRecord):
        return {"summary": block.summary, "decisions": "\n".join(decision.text for decision in block.decisions.all())}
    if isinstance(block, Commitment):
        return {"text": block.text, "carried_by": block.carried_by}
    return {
        "text": block.text,
        "answer": block.answer,
        "out_of_scope": block.out_of_scope,
        "post_commission": block.post_commission,
    }


def block_version(block: Rdd | ItemRecord | Commitment | Question) -> str:
    """The version of a block as the editor loaded it: a digest of its saved content (no counter to keep up).

    A save states the version it was typed over; a block whose content changed since then is not overwritten
    (`_check_version`). Equal contents have equal versions: a save retried after a lost answer is no conflict.
    """
    payload = json.dumps(block_values(block), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _check_version(current: Rdd | ItemRecord | Commitment | Question, expected: str | None, new_values: dict) -> None:
    """Refuse a save typed over another version of the block, unless it writes what the block already holds.

    Called under the RDD's row lock, with the block read again under it. No version (services, imports): no check.
    """
    if expected is None:
        return
    version = block_version(current)
    saved = block_values(current)
    if version != expected and {key: saved[key] for key in new_values} != new_values:
        raise EditConflict(current=saved, version=version)


# Item records, in line with the agenda


def agenda_items_in_order(meeting: Meeting) -> list[tuple[AgendaItem, str]]:
    """The meeting's agenda items in reading order with their numbers (01, 1.1 …)."""
    return [(node.item, node.number) for node in agenda_flat(meeting)]


def item_records_sync(rdd: Rdd) -> None:
    """One item record per agenda item, in the agenda's order, with its current number, title and speaker.

    The caller holds the RDD's row lock (the workflow's creation and submission, `rdd_sync_items`).

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


def rdd_sync_items(*, rdd: Rdd) -> Rdd:
    """Bring the item records in line with the agenda (numbers and titles follow the agenda while a draft)."""
    with draft_locked(rdd) as locked:
        item_records_sync(locked)
    return locked


# Edits (drafts only)


def rdd_update_preamble(*, rdd: Rdd, preamble: str, expected_version: str | None = None) -> Rdd:
    with draft_locked(rdd) as locked:
        _check_version(locked, expected_version, {"preamble": preamble.strip()})
        locked.preamble = preamble.strip()
        locked.save(update_fields=["preamble"])
    return locked


def item_record_save(
    *, record: ItemRecord, summary: str, decisions: list[str], expected_version: str | None = None
) -> ItemRecord:
    """The summary of exchanges on an item and its decisions taken (replacing the previous ones)."""
    with draft_locked(record.rdd):
        record = ItemRecord.objects.get(pk=record.pk)
        texts = [text.strip() for text in decisions if text.strip()]
        _check_version(record, expected_version, {"summary": summary.strip(), "decisions": "\n".join(texts)})
        record.summary = summary.strip()
        record.save(update_fields=["summary"])
        existing = list(record.decisions.order_by("position", "id"))
        if [decision.text for decision in existing] != texts:
            for decision in existing:
                decision.delete()
            for position, text in enumerate(texts, start=1):
                Decision.objects.create(item_record=record, position=position, text=text)
    return record


def _row_save(model, *, rdd: Rdd, row, values: dict, expected_version: str | None, not_ours: str):
    """A commitment or a question of the locked draft `rdd`, new (at the end) or read again under the lock and
    checked against the version its editor was shown, then written with `values`."""
    if row is None:
        row = model(rdd=rdd, position=_next_position(model.objects.filter(rdd=rdd)))
    elif row.rdd_id != rdd.pk:
        raise WorkflowError(not_ours)
    else:
        row = model.objects.get(pk=row.pk)
        _check_version(row, expected_version, values)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


def _next_position(queryset) -> int:
    return (queryset.aggregate(last=Max("position"))["last"] or 0) + 1


def commitment_save(
    *,
    rdd: Rdd,
    text: str,
    carried_by: str,
    commitment: Commitment | None = None,
    expected_version: str | None = None,
) -> Commitment:
    """A commitment taken in this session (new, or corrected while the RDD is a draft)."""
    if not text.strip():
        raise WorkflowError({"text": "Indiquez l'engagement."})
    if carried_by not in CarriedBy.values:
        raise WorkflowError({"carried_by": "Indiquez qui porte l'engagement."})
    with draft_locked(rdd) as locked:
        commitment = _row_save(
            Commitment,
            rdd=locked,
            row=commitment,
            values={"text": text.strip(), "carried_by": carried_by},
            expected_version=expected_version,
            not_ours="Cet engagement n'appartient pas à ce relevé.",
        )
    return commitment


def commitment_delete(*, commitment: Commitment) -> None:
    with draft_locked(commitment.rdd):
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
    if not status.strip():
        raise WorkflowError({"status": "Indiquez l'état de l'engagement."})
    with draft_locked(rdd) as locked:
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
    with draft_locked(update.rdd):
        update.delete()


def question_save(
    *,
    rdd: Rdd,
    text: str,
    answer: str = "",
    out_of_scope: bool = False,
    post_commission: bool = False,
    question: Question | None = None,
    expected_version: str | None = None,
) -> Question:
    """A question of the professional section and its answer."""
    if not text.strip():
        raise WorkflowError({"text": "Indiquez la question."})
    with draft_locked(rdd) as locked:
        question = _row_save(
            Question,
            rdd=locked,
            row=question,
            values={
                "text": text.strip(),
                "answer": answer.strip(),
                "out_of_scope": out_of_scope,
                "post_commission": post_commission,
            },
            expected_version=expected_version,
            not_ours="Cette question n'appartient pas à ce relevé.",
        )
    return question


def question_delete(*, question: Question) -> None:
    with draft_locked(question.rdd):
        question.delete()


# A new version's copy


def content_copy(*, source: Rdd, target: Rdd) -> None:
    """The content of an RDD copied into its new version (services.rdd_new_version), approvals and trail aside."""
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
