"""The RDD's trail: its content as canonical data and its hash, entries chained by their hashes, their check.

Each transition of the workflow (services) writes an entry with the hash of the RDD's content and the hash
of the previous entry, so that an entry changed, removed or rewritten behind the portal breaks the chain,
and a frozen RDD's content changed behind the workflow no longer matches its last entry.

Entries are chained by HMAC-SHA-256 under a key kept outside the database (settings.TRAIL_KEYS, the entry's
`key_id`), so that someone who can write the tables, but has not the key, cannot recompute the chain with the
portal's own functions. Entries written before the trail had a key keep their plain SHA-256 ("antérieures à la
clé"); `manage.py trail_rekey` anchors them under the key.
"""

import collections
import contextlib
import dataclasses
import datetime
import hashlib
import hmac
import json

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from commissions.composition.models import SectionKind

from .facts import hashed_facts
from .models import Approval, Commitment, CommitmentUpdate, Decision, ItemRecord, Question, Rdd, TrailAccess, TrailEntry

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
    return {**parts.memo(("body", rdd.pk), lambda: _body(rdd, parts)), "format": 2, "facts": hashed_facts(rdd)}


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


@dataclasses.dataclass(frozen=True)
class _Parts:
    records: list
    commitments: list
    updates: list
    questions: list
    approvals: list
    # Each record's decisions by the record's id, when they were read for many RDDs at once (`parts_of`); None: from
    # each record (`record.decisions.all()`).
    decisions: dict | None = None
    # What one check computes several times from the same rows (the body, a digest), kept for that check only.
    _memo: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def memo(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def decisions_of(self, record) -> list:
        return record.decisions.all() if self.decisions is None else self.decisions.get(record.pk, [])


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
                        parts.decisions_of(record), key=lambda decision: (decision.position, decision.pk)
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
        "note": entry.note,
        "content_hash": entry.content_hash,
    }
    # Entries written before the access table were hashed with the address itself; later ones with its digest.
    if entry.ip_digest is None:
        fields["ip"] = entry.ip or ""
    else:
        fields["ip_digest"] = entry.ip_digest
    # Entries of format 1 were hashed without their format: they still verify; later ones are bound to theirs.
    if entry.format_version != 1:
        fields["format"] = entry.format_version
    # A keyed entry is bound to its key's id too; entries written before the key were hashed without it.
    if entry.key_id:
        fields["key"] = entry.key_id
    return fields


class UnknownTrailKey(ImproperlyConfigured):
    """An entry sealed by a key that settings.TRAIL_KEYS no longer (or never) held."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        super().__init__(f"clé du journal inconnue « {key_id} » : absente de TRAIL_KEYS")


def _plain_hash(entry: TrailEntry, previous_hash: str) -> str:
    return hashlib.sha256(previous_hash.encode() + _canonical(_entry_fields(entry))).hexdigest()


def entry_hash(entry: TrailEntry, previous_hash: str) -> str:
    """The entry's hash: HMAC-SHA-256 under its key, or plain SHA-256 for an entry written before the key."""
    if not entry.key_id:
        return _plain_hash(entry, previous_hash)
    key = settings.TRAIL_KEYS.get(entry.key_id)
    if key is None:
        raise UnknownTrailKey(entry.key_id)
    return hmac.new(key, previous_hash.encode() + _canonical(_entry_fields(entry)), hashlib.sha256).hexdigest()


def ip_digest(ip: str | None, key_id: str) -> str:
    """The keyed digest of an address that the chain covers ("" without one): HMAC-SHA-256 under the entry's key,
    since a plain hash of an IPv4 address is reversed by trying the 2³² of them."""
    if not ip:
        return ""
    return hmac.new(settings.TRAIL_KEYS[key_id], b"ip:" + ip.encode(), hashlib.sha256).hexdigest()


def access_matches(entry: TrailEntry, ip: str) -> bool:
    """The address kept in the access table is the one the chain covers (False for an entry without a digest)."""
    if not entry.ip_digest or entry.key_id not in settings.TRAIL_KEYS:
        return False
    return hmac.compare_digest(entry.ip_digest, ip_digest(ip, entry.key_id))


@dataclasses.dataclass(frozen=True)
class Address:
    """An entry's address as the secretariat sees it: from the access table (checked against the chain's digest),
    from an entry written before it, or purged."""

    ip: str
    matches: bool = True

    def __str__(self) -> str:
        return self.ip


def trail_addresses(entries: list[TrailEntry]) -> dict[int, Address]:
    """The addresses of these entries by entry id, in one query; an address of the access table that its entry's
    digest does not cover (changed behind the portal) is flagged. Entries without an address are left out."""
    kept = dict(TrailAccess.objects.filter(entry__in=[e.pk for e in entries]).values_list("entry_id", "ip"))
    addresses = {}
    for entry in entries:
        if entry.pk in kept:
            addresses[entry.pk] = Address(kept[entry.pk], access_matches(entry, kept[entry.pk]))
        elif entry.ip:
            addresses[entry.pk] = Address(entry.ip)
        elif entry.ip_digest:
            addresses[entry.pk] = Address("effacée (durée de conservation écoulée)")
    return addresses


def writing_key_id() -> str:
    """The key of new entries (settings.TRAIL_KEY_ID); the settings refuse to start without one."""
    key_id = settings.TRAIL_KEY_ID
    if key_id not in settings.TRAIL_KEYS:
        raise ImproperlyConfigured("TRAIL_KEY_ID doit désigner une des clés de TRAIL_KEYS.")
    return key_id


def _user_label(user) -> str:
    if user is None:
        return "Système"
    person = getattr(user, "person", None) if user.pk else None
    return person.display_name if person else user.get_username()


def trail_write(*, rdd: Rdd, action: str, user=None, ip: str | None = None, note: str = "") -> TrailEntry:
    """Append an entry to the RDD's trail; the caller holds the RDD's row lock, so the chain stays linear."""
    last = TrailEntry.objects.filter(rdd=rdd).order_by("-sequence").first()
    key_id = writing_key_id()
    entry = TrailEntry(
        rdd=rdd,
        sequence=(last.sequence + 1) if last else 1,
        action=action,
        user=user if user is not None and user.pk else None,
        user_label=_user_label(user),
        at=timezone.now(),
        ip_digest=ip_digest(ip, key_id),
        note=note,
        content_hash=content_hash(rdd, version=CONTENT_FORMAT),
        format_version=CONTENT_FORMAT,
        previous_hash=last.entry_hash if last else GENESIS_HASH,
        key_id=key_id,
    )
    entry.entry_hash = entry_hash(entry, entry.previous_hash)
    entry.save()
    if ip:
        TrailAccess.objects.create(entry=entry, ip=ip)
    return entry


def trail_anchor(*, rdd: Rdd) -> "TrailCheck":
    """Anchor under the trail's key a chain written before it: verified first, then an entry sealed by the key
    appended (so that a rewrite of the earlier entries breaks the link with it). A broken chain is not anchored:
    its check is returned. The caller holds the RDD's row lock (content.rdd_locked)."""
    check = trail_verify(rdd)
    if not check or check.anchored:
        return check
    key_id = writing_key_id()
    plural = pluralize(check.pre_key)
    trail_write(
        rdd=rdd,
        action=TrailEntry.Action.ANCHOR,
        note=f"{check.pre_key} entrée{plural} antérieure{plural} à la clé du journal vérifiée{plural} et "
        f"ancrée{plural} par la clé « {key_id} »",
    )
    return trail_verify(rdd)


# Checks


# Why the trail of an RDD without any entry is broken.
EMPTY_TRAIL = "journal vide : un relevé a toujours au moins son entrée de création"


@dataclasses.dataclass(frozen=True)
class TrailCheck:
    """The result of a trail check: intact, or the first entry found broken and why."""

    intact: bool
    entries: int
    broken: TrailEntry | None = None
    reason: str = ""
    # Entries chained by plain SHA-256, written before the trail had a key (all of them at the start of the chain).
    pre_key: int = 0

    def __bool__(self) -> bool:
        return self.intact

    @property
    def anchored(self) -> bool:
        """The chain ends with an entry sealed by the key: whoever lacks the key cannot rewrite what precedes."""
        return self.entries > self.pre_key

    @property
    def key_wording(self) -> str:
        """The entries written before the trail's key, in French ("" when every entry is sealed by the key)."""
        if not self.pre_key:
            return ""
        if not self.anchored:
            return "toutes antérieures à la clé du journal, chaîne non encore ancrée par la clé"
        plural = pluralize(self.pre_key)
        return f"dont {self.pre_key} antérieure{plural} à la clé du journal, ancrée{plural} depuis par la clé"

    @property
    def where(self) -> str:
        """Where the chain breaks, in French: at an entry, or at the trail as a whole (an empty trail)."""
        return f"à l'entrée n° {self.broken.sequence}" if self.broken else "au journal"


def trail_verify(
    rdd: Rdd, *, entries: list[TrailEntry] | None = None, loaded: bool = False, parts: _Parts | None = None
) -> TrailCheck:
    """Recompute the hash chain of the RDD's trail; for a frozen RDD, also its content against the last entry (in
    that entry's own format).

    `entries`: the RDD's trail just read in sequence order (the RDD page lists it), not read again.
    `loaded`: the RDD was just read in this request with its content (selectors.rdd_with_content): its status
    and its content are taken from it instead of being read again.
    `parts`: the RDD was just read with its content read apart (`parts_of`, for many RDDs at once): the same.
    """
    if entries is None:
        entries = list(TrailEntry.objects.filter(rdd=rdd).order_by("sequence"))
    if not entries:
        # An RDD always has its creation entry: no entry at all means the trail was emptied.
        return TrailCheck(False, 0, None, EMPTY_TRAIL)
    previous = GENESIS_HASH
    pre_key = 0
    for expected_sequence, entry in enumerate(entries, start=1):
        reason = _entry_break(entry, expected_sequence, previous, keyed_before=pre_key < expected_sequence - 1)
        if reason:
            return TrailCheck(False, len(entries), entry, reason)
        pre_key += not entry.key_id
        previous = entry.entry_hash
    if not loaded and parts is None:
        # Read again: the status and the facts as the database holds them, not as the caller last saw them.
        rdd = Rdd.objects.select_related("meeting__commission").get(pk=rdd.pk)
    if rdd.status == Rdd.Status.DRAFT:
        check = TrailCheck(True, len(entries))
    else:
        check = _frozen_check(rdd, entries, parts if parts is not None else _parts(rdd, loaded))
    return dataclasses.replace(check, pre_key=pre_key)


def _entry_break(entry: TrailEntry, expected_sequence: int, previous: str, *, keyed_before: bool) -> str:
    """Why the entry breaks the chain ("" when it holds). `keyed_before`: an earlier entry is sealed by the key."""
    if entry.sequence != expected_sequence:
        return "une entrée manque avant celle-ci"
    if entry.previous_hash != previous:
        return "le lien avec l'entrée précédente est rompu"
    if not entry.key_id and keyed_before:
        # Only the entries written before the key are plain SHA-256: one after a keyed entry was rewritten.
        return "l'entrée n'est pas scellée par la clé du journal alors qu'une entrée précédente l'est"
    try:
        expected = entry_hash(entry, previous)
    except UnknownTrailKey as error:
        return str(error)
    if entry.entry_hash == expected:
        return ""
    return _why_rewritten(entry, previous)


def _why_rewritten(entry: TrailEntry, previous: str) -> str:
    """An entry whose hash is not its own: recomputed without the key, with another key, or changed."""
    if entry.key_id and entry.entry_hash == _plain_hash(entry, previous):
        return "l'empreinte de l'entrée a été recalculée sans la clé du journal (SHA-256 simple)"
    message = previous.encode() + _canonical(_entry_fields(entry))
    for key_id, key in settings.TRAIL_KEYS.items():
        if key_id != entry.key_id and entry.entry_hash == hmac.new(key, message, hashlib.sha256).hexdigest():
            return f"l'empreinte de l'entrée a été calculée avec une autre clé que la sienne (« {key_id} »)"
    return "l'entrée a été modifiée après son enregistrement"


def _frozen_check(rdd: Rdd, entries: list[TrailEntry], parts: _Parts) -> TrailCheck:
    """A frozen RDD's content against its last entry, recomputed in that entry's format."""
    last = entries[-1]
    build = CONTENT_FORMATS.get(last.format_version)
    if build is None:
        return TrailCheck(False, len(entries), last, f"format de contenu inconnu ({last.format_version})")
    content = parts.memo(("content", last.format_version), lambda: _digest(build(rdd, parts)))
    if last.content_hash != content:
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
            hashes[version] = parts.memo(
                ("approved", version),
                lambda: _digest(APPROVED_FORMATS[version](rdd, parts)),  # noqa: B023
            )
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
        # The same approvals give the same digest: computed once for the entries that follow the last approval.
        expected = parts.memo(
            ("with", tuple(approval.pk for approval in then)),
            lambda: _digest(_with_approvals(approved, then)),  # noqa: B023
        )
        if entry.content_hash != expected:
            return TrailCheck(
                False, len(entries), entry, "le contenu approuvé n'est pas celui que cette entrée a enregistré"
            )
    return None


# How many RDDs `trails_verify` reads at a time: 9 queries a batch, whatever the RDDs hold.
VERIFY_BATCH = 500


# An item record and a decision as `_body` reads them (`pk` is the id): read for a batch without a model instance per
# row, ten thousand rows in a batch of the national data.
_RecordRow = collections.namedtuple("_RecordRow", ["pk", "rdd_id", "position", "number", "title", "speaker", "summary"])
_DecisionRow = collections.namedtuple("_DecisionRow", ["pk", "item_record_id", "position", "text"])


def parts_of(rdds: list[Rdd]) -> dict[int, _Parts]:
    """The content rows and approvals of many RDDs, by RDD id: one query per kind of row for all of them, grouped
    and sorted here as `_parts` sorts one RDD's (what `trail_verify(..., parts=)` checks)."""
    ids = [rdd.pk for rdd in rdds]

    def grouped(rows, key) -> dict[int, list]:
        groups: dict[int, list] = {pk: [] for pk in ids}
        for row in rows:
            groups[row.rdd_id].append(row)
        return {pk: sorted(rows, key=key) for pk, rows in groups.items()}

    # The records and decisions, most of a batch's rows, as plain rows of the fields the content reads.
    records = grouped(
        map(_RecordRow._make, ItemRecord.objects.filter(rdd_id__in=ids).order_by().values_list(*_RecordRow._fields)),
        lambda row: (row.position, row.pk),
    )
    decisions: dict[int, list] = {}
    # By the records' ids (the index of the decisions' foreign key): a join on the records' RDD made PostgreSQL scan
    # every decision of the country at each batch.
    record_ids = [record.pk for rows in records.values() for record in rows]
    rows = Decision.objects.filter(item_record_id__in=record_ids).order_by().values_list(*_DecisionRow._fields)
    for decision in map(_DecisionRow._make, rows):
        decisions.setdefault(decision.item_record_id, []).append(decision)
    commitments = grouped(Commitment.objects.filter(rdd_id__in=ids).order_by(), lambda row: (row.position, row.pk))
    updates = grouped(
        CommitmentUpdate.objects.filter(rdd_id__in=ids).select_related("commitment").order_by(),
        lambda row: (row.date, row.pk),
    )
    questions = grouped(Question.objects.filter(rdd_id__in=ids).order_by(), lambda row: (row.position, row.pk))
    approvals = grouped(Approval.objects.filter(rdd_id__in=ids).order_by(), lambda row: row.section)
    return {
        pk: _Parts(
            records=records[pk],
            commitments=commitments[pk],
            updates=updates[pk],
            questions=questions[pk],
            approvals=approvals[pk],
            decisions=decisions,
        )
        for pk in ids
    }


@contextlib.contextmanager
def _one_snapshot():
    """A batch's RDDs, content and trails read from one snapshot of the database (PostgreSQL's repeatable read), so
    that a transition committed between two of its queries cannot pass for a broken chain. Inside a transaction
    already begun (a test), its isolation is kept."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def trails_check(*, since: datetime.datetime | None = None, batch_size: int = VERIFY_BATCH):
    """Each RDD's trail checked, RDD by RDD in the order of their ids, as (rdd, check) pairs: the RDDs are read
    `batch_size` at a time, each batch with its content, approvals and trail entries (a fixed number of queries per
    batch, never per RDD), then each trail checked as `trail_verify` checks it.

    `since`: only the RDDs whose trail has an entry written since then (an incremental run: what the portal changed;
    a change made behind it is found by the next full run).
    """
    rdds = Rdd.objects.order_by("pk")
    if since is not None:
        rdds = rdds.filter(pk__in=TrailEntry.objects.filter(at__gte=since).values("rdd_id"))
    last = 0
    while True:
        with _one_snapshot():
            batch = list(rdds.filter(pk__gt=last).select_related("meeting__commission")[:batch_size])
            parts = parts_of(batch)
            trails: dict[int, list[TrailEntry]] = {rdd.pk: [] for rdd in batch}
            for entry in TrailEntry.objects.filter(rdd_id__in=list(trails)).order_by("rdd_id", "sequence"):
                trails[entry.rdd_id].append(entry)
        if not batch:
            return
        for rdd in batch:
            yield rdd, trail_verify(rdd, entries=trails[rdd.pk], parts=parts[rdd.pk])
        last = batch[-1].pk


def trails_verify(*, since: datetime.datetime | None = None) -> list[tuple[Rdd, TrailCheck]]:
    """Every RDD's trail checked (in batches: `trails_check`): the broken ones, with what is wrong.

    The RDD page checks its trail whenever it is rendered, and keeps the rendering until the RDD changes through
    the portal (portal.generations): a change made directly in the database shows there only when the cached
    page expires. This check, daily (decisions.tasks.verify_trails) and on demand (`manage.py verify_trails`),
    reads everything from the database.
    """
    return [(rdd, check) for rdd, check in trails_check(since=since) if not check]
