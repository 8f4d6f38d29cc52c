"""Storage of an extract's lines: on PostgreSQL a partition of its own, loaded by a binary COPY fed by threads while
the file is read; bulk_create elsewhere.

The lines of one extract are written in one transaction (the caller's): a failed or interrupted import leaves
none. On PostgreSQL the lines' table is partitioned by extract (migration 0007): the import creates its extract's
table in that transaction, COPYs into it with no index to maintain (`FREEZE`: the table is the transaction's own),
builds its BRIN index once the lines are in and attaches it as the extract's partition (its check on extract_id
spares the attachment a scan); rolled back, the table goes with the transaction. One thread reads the file's
blocks, two clean them and lay them out in COPY's binary format (`binary.copy_rows`), and the server loads the
previous block meanwhile: the client's work runs on the second core, beside the server's, and the server converts
nothing from text.
"""

from __future__ import annotations

import queue
import threading
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction

from ..models import ExtractLine, NationalExtract
from .binary import COLUMNS, HEADER, TRAILER, copy_rows
from .reading import ChunkReader, EncodingChanged, Progress, as_arrow, empty_table, extract_periods

# The BRIN index of each partition, on the columns the derivation filters on (the partition is the extract; the
# territories are classed within the period's lines): the same as the partitioned index of migration 0008, to
# which ATTACH PARTITION attaches it instead of building another.
BRIN_COLUMNS = "period_start, period_end"
BRIN_PAGES_PER_RANGE = 16


def extract_store(extract: NationalExtract, frame) -> int:
    """Replace the extract's lines by the frame's (COPY on PostgreSQL, bulk_create elsewhere); inside a transaction.

    `frame` is the Arrow table of `extract_table` or the DataFrame of `extract_read`.
    """
    table = as_arrow(frame)
    if connection.vendor == "postgresql":
        partition = _partition_create(extract.pk)
        _copy(partition, [HEADER, copy_rows(_sorted_for_brin(table), extract.pk).to_pybytes(), TRAILER])
        _partition_attach(extract.pk)
    else:
        ExtractLine.objects.filter(extract=extract).delete()
        _bulk_create_lines(extract, table)
    return table.num_rows


def extract_import(extract: NationalExtract, source, file_name: str, progress: Progress | None = None):
    """Read, check and store the lines of an extract, inside the caller's transaction: (count, periods).

    `source`: the file's bytes or a binary file open for reading (read a block at a time, never whole). On
    PostgreSQL the COPY is fed while the file is read (`CopyFeed`). A bad line stops the feeding; the rest of
    the file is still checked (to report up to 50 problems) and FileRejected rolls the whole transaction back.
    A file found not to be UTF-8 after its first 64 KB is read again as Windows-1252, what was stored of it
    dropped with its savepoint. Elsewhere the cleaned table is stored with bulk_create.
    """
    reader = ChunkReader(source, file_name, progress)
    while True:
        try:
            with transaction.atomic():
                if connection.vendor != "postgresql":
                    chunks = list(reader)
                    reader.raise_problems()
                    table = pa.concat_tables(chunks) if chunks else empty_table()
                    return extract_store(extract, table), extract_periods(table)
                return _copy_import(extract, reader)
        except EncodingChanged:
            reader = reader.again()


def _copy_import(extract: NationalExtract, reader: ChunkReader):
    feed = CopyFeed(reader, extract.pk)
    feed.start()  # the first blocks are read and cleaned while the table is created
    try:
        _copy(_partition_create(extract.pk), feed)
    finally:
        feed.stop()
    if feed.error is not None:
        raise feed.error
    reader.raise_problems()
    _partition_attach(extract.pk)
    return reader.rows, sorted(feed.periods)


def _partition(extract_id: int) -> str:
    return f"{ExtractLine._meta.db_table}_{int(extract_id)}"


def _partition_create(extract_id: int) -> str:
    """A new table for the extract's lines, in the caller's transaction (PostgreSQL): the lines' columns, their
    identity's sequence, a check that every line is this extract's, no index. Its name."""
    parent, partition = ExtractLine._meta.db_table, _partition(extract_id)
    with connection.cursor() as cursor:
        # Only a database emptied under the extracts' feet (a test's flush that gives their ids again) holds one.
        cursor.execute(f"DROP TABLE IF EXISTS {partition}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [parent])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            f"CREATE TABLE {partition} (LIKE {parent} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE, "
            f"CONSTRAINT {partition}_extract CHECK (extract_id = {int(extract_id)}))"
        )
        cursor.execute(f"ALTER TABLE {partition} ALTER COLUMN id SET DEFAULT nextval(%s::regclass)", [sequence])
    return partition


def _partition_attach(extract_id: int) -> None:
    """Index the loaded table and make it the extract's partition of the lines' table.

    The check on extract_id proves the partition's bound: ATTACH scans nothing, and locks the lines' table in
    SHARE UPDATE EXCLUSIVE mode only (readers go on; a second import attaching waits for this one's commit).
    """
    partition = _partition(extract_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX {partition}_lookup ON {partition} USING brin ({BRIN_COLUMNS}) "
            f"WITH (pages_per_range = {BRIN_PAGES_PER_RANGE})"
        )
        cursor.execute(
            f"ALTER TABLE {ExtractLine._meta.db_table} ATTACH PARTITION {partition} FOR VALUES IN ({int(extract_id)})"
        )


def extract_lines_drop(extract_id: int) -> None:
    """Drop an extract's lines, in the caller's transaction: with their partition on PostgreSQL (none is deleted
    one by one), in one DELETE elsewhere. Run as the extract is deleted (stats.apps: pre_delete); the foreign key
    does nothing on deletion, so that no collector loads the lines."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_partition(extract_id)}")
    else:
        ExtractLine.objects.filter(extract_id=extract_id).delete()


class CopyFeed:
    """A file for psycopg2's copy_expert whose blocks three threads prepare: one reads the file's blocks of lines in
    order, two others clean them and lay them out in COPY's binary format, a block each at a time. `read` hands
    the blocks over whole and in the file's order; at most `AHEAD` blocks are read and not yet sent (the memory
    stays a few blocks whatever the file's size)."""

    WORKERS = 2
    AHEAD = 4

    def __init__(self, reader: ChunkReader, extract_id: int):
        self.reader, self.extract_id = reader, extract_id
        self.periods: set[tuple[str, str]] = set()
        self.error: BaseException | None = None
        self._work: queue.Queue = queue.Queue()
        self._ready: dict[int, bytes] = {}
        self._blocks: int | None = None  # how many, once the file is read
        self._sent = 0
        self._room = threading.Semaphore(self.AHEAD)
        self._changed = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._started = self._ended = False
        self._stopping = threading.Event()

    def start(self) -> None:
        targets = [(self._read, "extract-read")] + [(self._prepare, f"extract-clean-{n}") for n in range(self.WORKERS)]
        for target, name in targets:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Wait for the threads (unblocked if the COPY stopped reading: a server error)."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        for _ in range(self.AHEAD):
            self._room.release()
        for thread in self._threads:
            thread.join()

    def _failed(self) -> bool:
        return bool(self.reader.problems) or self.error is not None or self._stopping.is_set()

    def _read(self) -> None:
        count = 0
        try:
            for first_line, batch in self.reader.batches():
                self._room.acquire()
                if self._stopping.is_set():
                    break
                self._work.put((count, first_line, batch))
                count += 1
        except BaseException as error:  # re-raised by extract_import, in the caller's thread
            self.error = error
        finally:
            with self._changed:
                self._blocks = count
                self._changed.notify_all()
            for _ in range(self.WORKERS):
                self._work.put(None)
            # The progress is saved from this thread, on its own connection (so it shows while the COPY runs).
            connection.close()

    def _prepare(self) -> None:
        while (item := self._work.get()) is not None:
            index, first_line, batch = item
            block = b""
            try:
                # Once a problem is found, the rest of the file is still checked (to report up to 50) but not sent.
                table = self.reader.clean(batch, first_line)
                if table is not None and not self._failed():
                    with self._changed:
                        self.periods.update(extract_periods(table))
                    block = copy_rows(_sorted_for_brin(table), self.extract_id).to_pybytes()
            except BaseException as error:
                self.error = error
            with self._changed:
                self._ready[index] = block
                self._changed.notify_all()

    def read(self, size: int = -1) -> bytes:
        if not self._started:
            self._started = True
            return HEADER
        while not self._ended:
            with self._changed:
                while self._sent not in self._ready and self._sent != self._blocks and not self._stopping.is_set():
                    self._changed.wait()
                block = self._ready.pop(self._sent, None)
            if block is None:
                self._ended = True
                return TRAILER
            self._sent += 1
            self._room.release()
            if block and not self._failed():
                return block
        return b""


GROUPED_RUN = 64  # lines of one period and territory in a row, on average, for a block to be left in its order


def _sorted_for_brin(table):
    """Lines of one period and territory side by side in the heap: the partition's BRIN index then finds
    them in a few block ranges. A block already so grouped (an extract is usually written sorted) is left as it is:
    counting where the key changes costs a tenth of a sort."""
    count = table.num_rows
    if count > 1:
        changes = None
        for name in ("period_start", "period_end", "territory"):
            column = table.column(name)
            changed = pc.not_equal(column.slice(1), column.slice(0, count - 1))
            changes = changed if changes is None else pc.or_(changes, changed)
        if pc.sum(pc.cast(changes, pa.int32())).as_py() * GROUPED_RUN <= count:
            return table
    return table.sort_by([("period_start", "ascending"), ("period_end", "ascending"), ("territory", "ascending")])


COPY_READ_BYTES = 1 << 20


class _Blocks:
    def __init__(self, blocks):
        self.blocks = iter(blocks)

    def read(self, size: int = -1) -> bytes:
        return next(self.blocks, b"")


def _copy(table: str, stream) -> None:
    """COPY the stream's binary data into a table created in this transaction (its `read` may give more than asked:
    whole blocks). FREEZE writes the lines already visible to all: no later pass sets their hint bits."""
    if isinstance(stream, list):
        stream = _Blocks(stream)
    sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT binary, FREEZE)"
    with connection.cursor() as cursor:
        # The read size goes by position: with DEBUG on, Django's CursorDebugWrapper.copy_expert(sql, file, *args)
        # takes no keyword and passes the rest on to psycopg2's copy_expert(sql, file, size).
        cursor.copy_expert(sql, stream, COPY_READ_BYTES)


def _bulk_create_lines(extract: NationalExtract, table) -> None:
    names = ["line", "period_start", "period_end", "territory", "poste", "regime", "amount", "amount_n_1"]
    for batch in table.select(names).to_batches(max_chunksize=5000):
        columns = [batch.column(name).to_pylist() for name in names]
        ExtractLine.objects.bulk_create(
            ExtractLine(
                extract=extract,
                line=line,
                period_start=start,
                period_end=end,
                territory=territory,
                poste=poste,
                regime=regime,
                amount=_decimal(amount),
                amount_n_1=_decimal(previous),
            )
            for line, start, end, territory, poste, regime, amount, previous in zip(*columns, strict=True)
        )


def _decimal(value) -> Decimal | None:
    if value is None or value != value:
        return None
    return Decimal(repr(float(value))).quantize(Decimal("0.01"))
