"""The RDD's trail: its content as canonical data and its hash, entries chained by their hashes, their check.

Each transition of the workflow (services) writes an entry with the hash of the RDD's content and the hash
of the previous entry, so that an entry changed, removed or rewritten behind the portal breaks the chain,
and a frozen RDD's content changed behind the workflow no longer matches its last entry.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone

from .models import Approval, Commitment, CommitmentUpdate, ItemRecord, Question, Rdd, TrailEntry

# The previous hash of a trail's first entry.
GENESIS_HASH = "0" * 64


# The content and its hash


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


# Entries, chained by their hashes


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


# Checks


# Why the trail of an RDD without any entry is broken.
EMPTY_TRAIL = "journal vide : un relevé a toujours au moins son entrée de création"


@dataclass(frozen=True)
class TrailCheck:
    """The result of a trail check: intact, or the first entry found broken and why."""

    intact: bool
    entries: int
    broken: TrailEntry | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.intact

    @property
    def where(self) -> str:
        """Where the chain breaks, in French: at an entry, or at the trail as a whole (an empty trail)."""
        return f"à l'entrée n° {self.broken.sequence}" if self.broken else "au journal"


def trail_verify(rdd: Rdd, *, entries: list[TrailEntry] | None = None, loaded: bool = False) -> TrailCheck:
    """Recompute the hash chain of the RDD's trail; for a frozen RDD, also its content against the last entry.

    `entries`: the RDD's trail just read in sequence order (the RDD page lists it), not read again.
    `loaded`: the RDD was just read in this request with its content (selectors.rdd_with_content): its status
    and its content are taken from it instead of being read again.
    """
    if entries is None:
        entries = list(TrailEntry.objects.filter(rdd=rdd).order_by("sequence"))
    if not entries:
        # An RDD always has its creation entry: no entry at all means the trail was emptied.
        return TrailCheck(False, 0, None, EMPTY_TRAIL)
    previous = GENESIS_HASH
    for expected_sequence, entry in enumerate(entries, start=1):
        if entry.sequence != expected_sequence:
            return TrailCheck(False, len(entries), entry, "une entrée manque avant celle-ci")
        if entry.previous_hash != previous:
            return TrailCheck(False, len(entries), entry, "le lien avec l'entrée précédente est rompu")
        if entry.entry_hash != entry_hash(entry, previous):
            return TrailCheck(False, len(entries), entry, "l'entrée a été modifiée après son enregistrement")
        previous = entry.entry_hash
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
