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

from commissions.composition.models import SectionKind

from .facts import hashed_facts
from .models import Approval, Commitment, CommitmentUpdate, ItemRecord, Question, Rdd, TrailEntry

# The previous hash of a trail's first entry.
GENESIS_HASH = "0" * 64


# The content and its hash


def _canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _content_v1(rdd: Rdd, parts: "_Parts") -> dict:
    """Format 1: the RDD's own rows, the approvals by section, person and day (entries written before format 2)."""
    return {
        **_body(rdd, parts),
        "approvals": [[a.section, a.person_id, a.approved_on.isoformat()] for a in parts.approvals],
    }


def _content_v2(rdd: Rdd, parts: "_Parts") -> dict:
    """Format 2: format 1's rows, the facts the RDD states (decisions.facts), and each approval with the hash of
    the content it approved, its approver as stated, and the predecessor it stands for."""
    return _with_approvals(_approved_v2(rdd, parts), parts.approvals)


def _approved_v2(rdd: Rdd, parts: "_Parts") -> dict:
    """Format 2 without the approvals: what a president approves, and what `approval_hash` covers."""
    return {**_body(rdd, parts), "format": 2, "facts": hashed_facts(rdd)}


def _with_approvals(approved: dict, approvals) -> dict:
    return {
        **approved,
        "approvals": [
            [a.section, a.person_id, a.approved_on.isoformat(), a.content_hash, a.successor_of_id, a.facts]
            for a in approvals
        ],
    }


# The canonical content of each format: a change of its shape adds a format, and each trail entry and approval is
# verified with the function of the format it was written in.
CONTENT_FORMATS = {1: _content_v1, 2: _content_v2}
APPROVED_FORMATS = {2: _approved_v2}
CONTENT_FORMAT = 2


@dataclass(frozen=True)
class _Parts:
    records: list
    commitments: list
    updates: list
    questions: list
    approvals: list


def _parts(rdd: Rdd, loaded: bool) -> _Parts:
    """The RDD's rows, sorted.

    `loaded`: the RDD comes with its content (selectors.rdd_with_content), read again by no query; each part is
    then sorted here as the queries below sort it, so that both give the same data in the same order.
    """
    if loaded:
        return _Parts(
            records=sorted(rdd.item_records.all(), key=lambda record: (record.position, record.pk)),
            commitments=sorted(rdd.commitments.all(), key=lambda commitment: (commitment.position, commitment.pk)),
            updates=sorted(rdd.commitment_updates.all(), key=lambda update: (update.date, update.pk)),
            questions=sorted(rdd.questions.all(), key=lambda question: (question.position, question.pk)),
            approvals=sorted(rdd.approvals.all(), key=lambda approval: approval.section),
        )
    return _Parts(
        records=list(ItemRecord.objects.filter(rdd=rdd).order_by("position", "id").prefetch_related("decisions")),
        commitments=list(Commitment.objects.filter(rdd=rdd).order_by("position", "id")),
        updates=list(CommitmentUpdate.objects.filter(rdd=rdd).select_related("commitment").order_by("date", "id")),
        questions=list(Question.objects.filter(rdd=rdd).order_by("position", "id")),
        approvals=list(Approval.objects.filter(rdd=rdd).order_by("section")),
    )


def _body(rdd: Rdd, parts: _Parts) -> dict:
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
            for record in parts.records
        ],
        "commitments": [[str(c.key), c.text, c.carried_by] for c in parts.commitments],
        "follow_up": [
            [str(update.commitment.key), update.date.isoformat(), update.status, update.note, update.closes]
            for update in parts.updates
        ],
        "questions": [[q.text, q.answer, q.out_of_scope, q.post_commission] for q in parts.questions],
    }


def rdd_content(rdd: Rdd, *, loaded: bool = False, version: int = CONTENT_FORMAT) -> dict:
    """The RDD's content as plain data, in a format (the current one by default): what its hash covers."""
    return CONTENT_FORMATS[version](rdd, _parts(rdd, loaded))


def _digest(data: dict) -> str:
    return hashlib.sha256(_canonical(data)).hexdigest()


def content_hash(rdd: Rdd, *, loaded: bool = False, version: int = CONTENT_FORMAT) -> str:
    return _digest(rdd_content(rdd, loaded=loaded, version=version))


def approval_hash(rdd: Rdd, *, loaded: bool = False, version: int = CONTENT_FORMAT) -> str:
    """The hash of what a president approves: the content and the facts, without the approvals themselves (the
    second president approves the same content as the first)."""
    return _digest(APPROVED_FORMATS[version](rdd, _parts(rdd, loaded)))


# Entries, chained by their hashes


def _entry_fields(entry: TrailEntry) -> dict:
    fields = {
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
    # Entries of format 1 were hashed without their format: they still verify; later ones are bound to theirs.
    if entry.format_version != 1:
        fields["format"] = entry.format_version
    return fields


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
        content_hash=content_hash(rdd, version=CONTENT_FORMAT),
        format_version=CONTENT_FORMAT,
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
    """Recompute the hash chain of the RDD's trail; for a frozen RDD, also its content against the last entry (in
    that entry's own format).

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
    if not loaded:
        # Read again: the status and the facts as the database holds them, not as the caller last saw them.
        rdd = Rdd.objects.select_related("meeting__commission").get(pk=rdd.pk)
    if rdd.status != Rdd.Status.DRAFT:
        return _frozen_check(rdd, entries, loaded)
    return TrailCheck(True, len(entries))


def _frozen_check(rdd: Rdd, entries: list[TrailEntry], loaded: bool) -> TrailCheck:
    """A frozen RDD's content against its last entry, recomputed in that entry's format."""
    parts = _parts(rdd, loaded)
    last = entries[-1]
    build = CONTENT_FORMATS.get(last.format_version)
    if build is None:
        return TrailCheck(False, len(entries), last, f"format de contenu inconnu ({last.format_version})")
    if last.content_hash != _digest(build(rdd, parts)):
        return TrailCheck(False, len(entries), last, "le contenu du relevé a changé depuis cette entrée")
    broken = _approvals_check(rdd, entries, parts)
    return broken if broken is not None else TrailCheck(True, len(entries))


def _approved_sections(entry: TrailEntry) -> set[str]:
    """The sections an approval entry names in its note ("Section sociale, Section professionnelle")."""
    labels = {label.strip() for label in entry.note.split(",")}
    return {kind.value for kind in SectionKind if kind.label in labels}


def _approvals_check(rdd: Rdd, entries: list[TrailEntry], parts: _Parts) -> TrailCheck | None:
    """Each approval against the content it approved: its hash must be the hash of the RDD's content (frozen since
    its submission), and each entry since the last submission (the approvals, the transmission) must hash that
    content with the approvals given by then. None when all hold; the first break otherwise."""
    submissions = [index for index, entry in enumerate(entries) if entry.action == TrailEntry.Action.SUBMIT]
    since = entries[submissions[-1] :] if submissions else []
    approving = {}
    for entry in since:
        if entry.action == TrailEntry.Action.APPROVE:
            approving.update(dict.fromkeys(_approved_sections(entry), entry))
    hashes: dict[int, str] = {}
    for approval in parts.approvals:
        if not approval.content_hash:  # given before approvals were bound to a content
            continue
        version = approval.format_version
        if version not in hashes and version in APPROVED_FORMATS:
            hashes[version] = _digest(APPROVED_FORMATS[version](rdd, parts))
        if approval.content_hash != hashes.get(version):
            where = approving.get(approval.section, entries[-1])
            return TrailCheck(
                False,
                len(entries),
                where,
                f"l'approbation de la {SectionKind(approval.section).label.lower()} porte sur un autre contenu "
                "que celui du relevé",
            )
    approved = _approved_v2(rdd, parts)
    given: set[str] = set()
    for entry in since:
        if entry.action == TrailEntry.Action.APPROVE:
            given |= _approved_sections(entry)
        if entry.format_version != 2:
            continue
        then = [approval for approval in parts.approvals if approval.section in given]
        if entry.content_hash != _digest(_with_approvals(approved, then)):
            return TrailCheck(
                False, len(entries), entry, "le contenu approuvé n'est pas celui que cette entrée a enregistré"
            )
    return None


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
