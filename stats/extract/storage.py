"""Storage of an extract's lines: PostgreSQL COPY fed by a thread while the file is read, bulk_create elsewhere.

The lines of one extract are written in one transaction (the caller's): a failed or interrupted import leaves
none. On PostgreSQL, a thread reads and cleans the next block of lines and writes it as CSV while the server
loads the previous one, so that the end-to-end time is about the longer of the two rather than their sum.
"""

from __future__ import annotations

import io
import queue
import threading
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection

from ..models import ExtractLine, NationalExtract
from .reading import ChunkReader, Progress, as_arrow, empty_table, extract_periods

COPY_ROWS_PER_CHUNK = 50_000


BRIN_INDEX = "statistics_extractline_lookup"  # migration 0003


def extract_store(extract: NationalExtract, frame) -> int:
    """Replace the extract's lines by the frame's (COPY on PostgreSQL, bulk_create elsewhere); inside a transaction.

    `frame` is the Arrow table of `extract_table` or the DataFrame of `extract_read`.
    """
    table = as_arrow(frame)
    ExtractLine.objects.filter(extract=extract).delete()
    if connection.vendor == "postgresql":
        _copy_lines(extract, table)
    else:
        _bulk_create_lines(extract, table)
    return table.num_rows


def extract_import(extract: NationalExtract, data: bytes, file_name: str, progress: Progress | None = None):
    """Read, check and store the lines of an extract, inside the caller's transaction: (count, periods).

    On PostgreSQL the COPY is fed while the file is read: a thread reads and cleans the next block of lines
    and writes it as CSV while the server loads the previous one, so that the end-to-end time is about the
    longer of the two rather than their sum. A bad line stops the feeding; the rest of the file is still
    checked (to report up to 50 problems) and FileRejected rolls the whole transaction back. Elsewhere the
    cleaned table is stored with bulk_create.
    """
    reader = ChunkReader(data, file_name, progress)
    if connection.vendor != "postgresql":
        chunks = list(reader)
        reader.raise_problems()
        table = pa.concat_tables(chunks) if chunks else empty_table()
        return extract_store(extract, table), extract_periods(table)
    ExtractLine.objects.filter(extract=extract).delete()
    stream = CopyFeed(reader, extract.pk)
    stream.start()
    try:
        _copy(stream, stream.columns)
    finally:
        stream.join()
    if stream.error is not None:
        raise stream.error
    reader.raise_problems()
    return reader.rows, sorted(stream.periods)


class CopyFeed(io.RawIOBase):
    """A file for psycopg2's copy_expert whose bytes a thread writes (CSV of the cleaned blocks, in order)."""

    COLUMNS = ["extract_id", "line", "period_start", "period_end", "territory", "poste", "regime"]
    COLUMNS += ["amount", "amount_n_1"]

    def __init__(self, reader: ChunkReader, extract_id: int):
        self.reader, self.extract_id = reader, extract_id
        self.columns = self.COLUMNS
        self.periods: set[tuple[str, str]] = set()
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._chunk = memoryview(b"")
        self._offset = 0
        self._thread = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._produce, name="extract-copy-feed", daemon=True)
        self._thread.start()

    def join(self) -> None:
        # Unblock the thread if the COPY stopped reading (server error), then wait for it.
        while self._thread is not None and self._thread.is_alive():
            try:
                self._queue.get(timeout=0.1)
            except Exception:  # noqa: S110 - queue.Empty: the thread is finishing
                pass

    def _produce(self) -> None:
        try:
            for table in self.reader:
                if self.reader.problems:
                    continue  # keep checking the file, store nothing more
                self.periods.update(extract_periods(table))
                table = _sorted_for_brin(table)
                table = table.add_column(0, "extract_id", pa.array(np.full(table.num_rows, self.extract_id)))
                for batch in table.select(self.columns).to_batches(max_chunksize=COPY_ROWS_PER_CHUNK):
                    sink = io.BytesIO()
                    pacsv.write_csv(batch, sink, write_options=pacsv.WriteOptions(include_header=False))
                    self._queue.put(sink.getbuffer())
        except BaseException as error:  # re-raised by extract_import, in the caller's thread
            self.error = error
        finally:
            self._queue.put(None)
            # The progress is saved from this thread, on its own connection (so it shows while the COPY runs).
            connection.close()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self._offset >= len(self._chunk):
            chunk = self._queue.get()
            if chunk is None:
                return b""
            if self.reader.problems or self.error is not None:
                continue  # drain: nothing more is sent once a problem is found
            self._chunk, self._offset = chunk, 0
        end = len(self._chunk) if size is None or size < 0 else self._offset + size
        data = bytes(self._chunk[self._offset : end])
        self._offset += len(data)
        return data


def _sorted_for_brin(table):
    # Lines of one period and territory side by side in the heap: the BRIN index (migration 0003) then finds
    # them in a few block ranges, and costs almost nothing to maintain during the COPY.
    return table.sort_by([("period_start", "ascending"), ("period_end", "ascending"), ("territory", "ascending")])


COPY_READ_BYTES = 1 << 20


def _copy(stream, columns: list[str]) -> None:
    sql = f"COPY {ExtractLine._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '')"
    with connection.cursor() as cursor:
        # The read size goes by position: with DEBUG on, Django's CursorDebugWrapper.copy_expert(sql, file, *args)
        # takes no keyword and passes the rest on to psycopg2's copy_expert(sql, file, size).
        cursor.copy_expert(sql, stream, COPY_READ_BYTES)


def extract_summarise() -> None:
    """Summarise the BRIN ranges filled since the last summary (else each query reads them all).

    Run after the import's commit: the lines are correct without it, only slower to find; autovacuum would
    get to it too, later. A worker killed in between leaves the work to the next import.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT brin_summarize_new_values(%s::regclass)", [BRIN_INDEX])


def _copy_lines(extract: NationalExtract, table) -> None:
    """COPY an already cleaned table (the benchmark's storage stage; imports use `extract_import`)."""
    table = _sorted_for_brin(table)
    table = table.add_column(0, "extract_id", pa.array(np.full(table.num_rows, extract.pk, dtype=np.int64)))
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(include_header=False))
    sink.seek(0)
    _copy(sink, table.column_names)


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
