"""National extracts in long format: vectorised reading and cleaning, bulk storage, derivation of `montants` tables.

Header: periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1
Reading and cleaning are vectorised with pandas (pyarrow engine); storage uses
PostgreSQL COPY, or bulk_create on SQLite.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from .models import ExtractLine, NationalExtract, StatTable
from .parsing import MAX_EXTRACT_BYTES, THOUSANDS_SPACES, FileRejected, Problem, column_letter, decode_text
from .territories import FRANCE, REGION_DEPARTMENTS, normalise_territory, region_of

EXTRACT_COLUMNS = ["periode_debut", "periode_fin", "territoire", "poste", "regime", "montant", "montant_n_1"]
REGIME_CODES = {
    "rg": "RG",
    "regime general": "RG",
    "régime général": "RG",
    "msa": "MSA",
    "autres": "Autres",
    "rsi": "Autres",
    "rsi autres": "Autres",
    "autres regimes": "Autres",
    "autres régimes": "Autres",
}
REGIME_ORDER = ["RG", "MSA", "Autres"]
MAX_ERRORS = 50

Progress = Callable[[int, str], None]


def _problem(line: int, column: str, message: str) -> Problem:
    return Problem(message, line=line, column=EXTRACT_COLUMNS.index(column), header=column)


def extract_read(data: bytes, file_name: str = "extrait.csv", progress: Progress | None = None):
    """The cleaned extract as a pandas DataFrame backed by Arrow (FileRejected with French problems by line and column).

    Columns: line, period_start, period_end (dates), territory, poste, regime (text), amount, amount_n_1 (floats
    rounded to the cent, amount_n_1 possibly missing). Reading and cleaning run in Arrow's compute kernels: no
    Python code runs per line, only per distinct date, territory or regime.
    """
    import pandas as pd

    return extract_table(data, file_name, progress).to_pandas(types_mapper=pd.ArrowDtype)


def extract_table(data: bytes, file_name: str = "extrait.csv", progress: Progress | None = None):
    """The cleaned extract as an Arrow table (what the import stores; `extract_read` gives it as a DataFrame)."""
    import pyarrow as pa

    reader = _ChunkReader(data, file_name, progress)
    chunks = list(reader)
    reader.raise_problems()
    return pa.concat_tables(chunks) if chunks else _clean(_empty_raw_table(), first_line=2)


def _empty_raw_table():
    import pyarrow as pa

    return pa.table({name: pa.array([], pa.string()) for name in EXTRACT_COLUMNS})


class _ChunkReader:
    """The file checked (size, type, header, encoding), then read and cleaned a block of lines at a time.

    Iterating yields the cleaned Arrow table of each block without problems; the problems of the others are
    kept (50 at most) and `raise_problems` raises them once the file has been read to its end. Reading by
    blocks lets the COPY of one block run on the server while the next is cleaned, and bounds the memory.
    """

    BLOCK_BYTES = 8 << 20

    def __init__(self, data: bytes, file_name: str, progress: Progress | None = None):
        import pyarrow as pa

        # No whole-file copy here (strip, split): a million-line extract weighs some 80 MB.
        end = len(data)
        while end and data[end - 1] in b"\r\n\t ":
            end -= 1
        if end == 0:
            raise FileRejected("Le fichier est vide.")
        if len(data) > MAX_EXTRACT_BYTES:
            raise FileRejected("Le fichier dépasse la taille autorisée pour un extrait national.")
        if data[:4] == b"PK\x03\x04" or not file_name.lower().endswith((".csv", ".txt")):
            raise FileRejected("Un extrait national se dépose au format CSV (séparateur point-virgule).")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
            decode_text(data[:4096])  # raises the French encoding error
        newline = data.find(b"\n", 0, end)
        first_line = data[: newline if newline >= 0 else end].decode("utf-8", errors="replace").lstrip("\ufeff")
        first_line = first_line.strip()
        self.delimiter = ";" if ";" in first_line else ","
        header = [name.strip().lower() for name in first_line.split(self.delimiter)]
        if header != EXTRACT_COLUMNS:
            raise FileRejected(
                Problem(
                    "en-tête attendu « " + ";".join(EXTRACT_COLUMNS) + " », trouvé « " + first_line[:200] + " ».",
                    line=1,
                )
            )
        blank = _BLANK_LINE.search(data, 0, end)
        if blank:
            line = data.count(b"\n", 0, blank.start()) + 2
            raise FileRejected(Problem("ligne vide au milieu du fichier.", line=line))
        buffer = pa.py_buffer(data).slice(0, end)
        # UTF-8 (with or without BOM) is checked by Arrow on the bytes, without decoding them; anything else
        # is decoded once in Python to tell Windows-1252 from an unreadable file (line of the first bad byte).
        try:
            offsets = pa.array([0, end], pa.int64()).buffers()[1]
            pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, buffer]).validate(full=True)
            self.encoding = "utf8"
        except pa.ArrowInvalid:
            self.encoding = decode_text(data)[1]
        self.data, self.buffer = data, buffer
        self.lines = data.count(b"\n", 0, end)
        self.problems: list[Problem] = []
        self.rows = 0
        self.progress = progress

    def __iter__(self):
        import pyarrow as pa
        import pyarrow.csv as pacsv

        reader = None
        while True:
            try:
                if reader is None:
                    reader = pacsv.open_csv(
                        pa.BufferReader(self.buffer),
                        read_options=pacsv.ReadOptions(
                            column_names=EXTRACT_COLUMNS,
                            skip_rows=1,
                            encoding=self.encoding,
                            block_size=self.BLOCK_BYTES,
                        ),
                        parse_options=pacsv.ParseOptions(delimiter=self.delimiter),
                        convert_options=pacsv.ConvertOptions(
                            column_types={name: pa.string() for name in EXTRACT_COLUMNS}
                        ),
                    )
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowInvalid:
                problems = _locate_shape_errors(self.data, self.delimiter, self.encoding)
                self.problems = (self.problems + problems)[:MAX_ERRORS]
                return
            if batch.num_rows == 0:
                continue
            try:
                cleaned = _clean(pa.Table.from_batches([batch]), first_line=self.rows + 2)
            except FileRejected as error:
                self.problems = (self.problems + error.problems)[:MAX_ERRORS]
                cleaned = None
            self.rows += batch.num_rows
            if self.progress and self.lines:
                self.progress(5 + 90 * self.rows // self.lines, "Lecture et contrôle des lignes")
            if cleaned is not None and not self.problems:
                yield cleaned

    def raise_problems(self) -> None:
        if self.problems:
            self.problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
            raise FileRejected(self.problems[:MAX_ERRORS])


def _locate_shape_errors(data: bytes, delimiter: str, encoding: str = "utf-8") -> list[Problem]:
    """Which lines have too many or too few cells (only run when the fast reader has refused the file)."""
    import csv

    problems = []
    text = data.decode(encoding, errors="replace")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    for cells in reader:
        if len(cells) != len(EXTRACT_COLUMNS):
            problems.append(Problem(f"{len(cells)} cellules au lieu de {len(EXTRACT_COLUMNS)}.", line=reader.line_num))
            if len(problems) >= MAX_ERRORS:
                break
    return problems or [Problem("CSV mal formé (guillemets ou séparateur).")]


_AMOUNT_PATTERN = r"^[+-]?(\d+\.?\d*|\.\d+)$"
_BLANK_LINE = re.compile(rb"\n[ \t\r]*\n")
MAX_AMOUNT = 1e16  # numeric(18, 2)
MAX_POSTE_LENGTH = 200


def _clean(table, first_line: int = 2):
    """Check and convert every column with Arrow kernels; FileRejected with the first 50 problems."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    problems: list[Problem] = []
    count = table.num_rows

    def report(mask, column: str, message: Callable[[str], str]) -> None:
        # Only the first MAX_ERRORS offending lines of each check are located (the report shows 50 at most).
        positions = pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy()[:MAX_ERRORS]
        for position in positions:
            raw = table.column(column)[int(position)].as_py()
            problems.append(_problem(int(position) + first_line, column, message(raw)))

    def by_unique(column: str, convert: Callable[[str], object], arrow_type, message: str):
        # Dates, territories and regimes take few distinct values: convert each once (in Python), then take.
        values = table.column(column)
        uniques = pc.unique(values)
        converted = []
        for text in uniques.to_pylist():
            try:
                converted.append(convert(text.strip()))
            except ValueError:
                converted.append(None)
        result = pa.array(converted, type=arrow_type).take(pc.index_in(values, value_set=uniques))
        if None in converted:
            report(pc.is_null(result), column, message.format)
        return result

    date_message = "date « {} » invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA)."
    start = by_unique("periode_debut", _parse_date, pa.date32(), date_message)
    end = by_unique("periode_fin", _parse_date, pa.date32(), date_message)
    territory = by_unique("territoire", _parse_territory, pa.string(), "territoire « {} » vide ou invalide.")
    regime = by_unique("regime", _parse_regime, pa.string(), "régime « {} » inconnu (RG, MSA ou Autres).")
    poste = pc.utf8_trim_whitespace(table.column("poste"))
    report(pc.equal(poste, ""), "poste", lambda raw: "poste vide.")
    report(
        pc.greater(pc.utf8_length(poste), MAX_POSTE_LENGTH),
        "poste",
        lambda raw: f"poste trop long ({MAX_POSTE_LENGTH} caractères au plus).",
    )
    amounts = {}
    for column in ("montant", "montant_n_1"):
        numbers = _amounts_fast(table.column(column))
        if numbers is None:
            numbers = _amounts_checked(table.column(column), column, report)
        elif column == "montant":
            report(pc.is_null(numbers), column, lambda raw: "montant vide.")
        report(
            pc.greater_equal(pc.abs(numbers), MAX_AMOUNT),
            column,
            lambda raw: f"« {raw.strip()} » dépasse le montant maximal accepté.",
        )
        amounts[column] = pc.round(numbers, 2)
    if not problems:
        report(pc.less(end, start), "periode_fin", lambda raw: "la fin de période précède son début.")
        del problems[1:]
    if problems:
        problems.sort(key=lambda problem: (problem.line, problem.column))
        raise FileRejected(problems[:MAX_ERRORS])
    return pa.table(
        {
            "line": pa.array(np.arange(first_line, first_line + count, dtype=np.int64)),
            "period_start": start,
            "period_end": end,
            "territory": territory,
            "poste": poste,
            "regime": regime,
            "amount": amounts["montant"],
            "amount_n_1": amounts["montant_n_1"],
        }
    )


def _amounts_fast(raw):
    """French amounts as floats (empty cells missing) when every cell is one, else None (`_amounts_checked`).

    Only the thousands separators the column holds are removed (looking for one costs a fifth of removing it).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.replace_substring(raw, ",", ".")
    for space in THOUSANDS_SPACES:
        if pc.any(pc.match_substring(text, space)).as_py():
            text = pc.replace_substring(text, space, "")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        numbers = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # The cast reads "nan", "inf" and exponents too: refuse the file to the checked path then.
    if pc.all(pc.is_finite(numbers)).as_py() is False:
        return None
    return numbers


def _amounts_checked(raw, column: str, report):
    """Amounts cleaned cell by cell with a strict pattern, reporting each cell that is not a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cleaned = pc.utf8_trim_whitespace(raw)
    for space in THOUSANDS_SPACES:
        cleaned = pc.replace_substring(cleaned, space, "")
    cleaned = pc.replace_substring(cleaned, ",", ".")
    valid = pc.match_substring_regex(cleaned, _AMOUNT_PATTERN)
    empty = pc.equal(cleaned, "")
    invalid = pc.invert(valid) if column == "montant" else pc.and_(pc.invert(valid), pc.invert(empty))
    report(invalid, column, lambda raw: f"« {raw.strip()} » n'est pas un nombre." if raw.strip() else "montant vide.")
    return pc.cast(pc.if_else(valid, cleaned, pa.scalar(None, pa.string())), pa.float64())


def _parse_date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_territory(text: str) -> str:
    if not text:
        raise ValueError(text)
    code = normalise_territory(text)
    if len(code) > 10:
        raise ValueError(text)
    return code


def _parse_regime(text: str) -> str:
    code = REGIME_CODES.get(text.strip().lower())
    if code is None:
        raise ValueError(text)
    return code


# --- Storage -----------------------------------------------------------------------------------------------

COPY_ROWS_PER_CHUNK = 50_000
BRIN_INDEX = "statistics_extractline_lookup"  # migration 0003


def _as_arrow(frame):
    import pyarrow as pa

    return frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)


def extract_periods(frame) -> list[tuple[str, str]]:
    """The distinct (start, end) periods of a cleaned extract, as ISO dates, sorted."""
    pairs = _as_arrow(frame).group_by(["period_start", "period_end"]).aggregate([]).to_pylist()
    return sorted((pair["period_start"].isoformat(), pair["period_end"].isoformat()) for pair in pairs)


def extract_store(extract: NationalExtract, frame) -> int:
    """Replace the extract's lines by the frame's (COPY on PostgreSQL, bulk_create elsewhere); inside a transaction.

    `frame` is the Arrow table of `extract_table` or the DataFrame of `extract_read`.
    """
    table = _as_arrow(frame)
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
    reader = _ChunkReader(data, file_name, progress)
    if connection.vendor != "postgresql":
        chunks = list(reader)
        reader.raise_problems()
        table = _concat(chunks) if chunks else _clean(_empty_raw_table())
        return extract_store(extract, table), extract_periods(table)
    ExtractLine.objects.filter(extract=extract).delete()
    stream = _CopyFeed(reader, extract.pk)
    stream.start()
    try:
        _copy(stream, stream.columns)
    finally:
        stream.join()
    if stream.error is not None:
        raise stream.error
    reader.raise_problems()
    return reader.rows, sorted(stream.periods)


def _concat(chunks):
    import pyarrow as pa

    return pa.concat_tables(chunks)


class _CopyFeed(io.RawIOBase):
    """A file for psycopg2's copy_expert whose bytes a thread writes (CSV of the cleaned blocks, in order)."""

    COLUMNS = ["extract_id", "line", "period_start", "period_end", "territory", "poste", "regime"]
    COLUMNS += ["amount", "amount_n_1"]

    def __init__(self, reader: _ChunkReader, extract_id: int):
        import queue

        self.reader, self.extract_id = reader, extract_id
        self.columns = self.COLUMNS
        self.periods: set[tuple[str, str]] = set()
        self.error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._chunk = memoryview(b"")
        self._offset = 0
        self._thread = None

    def start(self) -> None:
        import threading

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
        import numpy as np
        import pyarrow as pa
        import pyarrow.csv as pacsv

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


def _copy(stream, columns: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {ExtractLine._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '')",
            stream,
            size=1 << 20,
        )


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
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

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


def _progress_saver(extract: NationalExtract) -> Progress:
    def save(percent: int, stage: str) -> None:
        NationalExtract.objects.filter(pk=extract.pk).update(progress=percent, stage=stage, updated_at=timezone.now())

    return save


def extract_process(*, extract_id: int) -> NationalExtract | None:
    """Parse and store an uploaded extract; safe to run again (a failed or interrupted run leaves no line)."""
    stale = timezone.now() - datetime.timedelta(minutes=15)
    claimed = (
        NationalExtract.objects.filter(pk=extract_id)
        .filter(
            Q(status__in=[NationalExtract.Status.PENDING, NationalExtract.Status.FAILED])
            | Q(status=NationalExtract.Status.RUNNING, updated_at__lt=stale)
        )
        .update(status=NationalExtract.Status.RUNNING, progress=0, stage="Démarrage", updated_at=timezone.now())
    )
    if claimed != 1:
        return None  # already done, or being processed by another worker
    extract = NationalExtract.objects.get(pk=extract_id)
    progress = _progress_saver(extract)
    try:
        with extract.file.open("rb") as handle:
            data = handle.read()
        with transaction.atomic():
            count, periods = extract_import(extract, data, extract.file_name or extract.file.name, progress)
            del data
            NationalExtract.objects.filter(pk=extract.pk).update(
                status=NationalExtract.Status.DONE,
                progress=100,
                stage="Terminé",
                rows_total=count,
                periods=[list(period) for period in periods],
                error_report="",
                updated_at=timezone.now(),
            )
        extract_summarise()
    except FileRejected as error:
        NationalExtract.objects.filter(pk=extract.pk).update(
            status=NationalExtract.Status.FAILED, stage="Fichier refusé", error_report=error.report()
        )
    extract.refresh_from_db()
    return extract


# --- Derivation of a commission's `montants` table ------------------------------------------------------------


def _evolution(amount: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """PCAP in %, one decimal; none when the previous amount is missing or 0."""
    if amount is None or not previous:
        return None
    return ((amount - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


Sums = dict[tuple[str, str], tuple[Decimal | None, Decimal | None]]


def _by_poste(sums: Sums) -> dict[str, tuple[Decimal, Decimal | None]]:
    totals: dict[str, list] = {}
    for (poste, _regime), (amount, previous) in sums.items():
        entry = totals.setdefault(poste, [Decimal(0), None])
        entry[0] += amount or 0
        if previous is not None:
            entry[1] = (entry[1] or Decimal(0)) + previous
    return {poste: (values[0], values[1]) for poste, values in totals.items()}


def _reference_sums(lines, own: str, region: str) -> dict[str, tuple[Sums, dict[str, int]]]:
    """For the own territory, its region and France: sums by (poste, regime) and the first line of each poste.

    A territory's lines are its own when the extract has any for the period, else the sum of its departments.
    One query and one pass over the period's lines: each line falls in one class (the own territory, the
    region, France, another department of the region, another region, another department), the sums are
    grouped by (poste, regime, class), and the classes are added up here.
    """
    from django.db.models import Case, CharField, Value, When

    region_departments = set(REGION_DEPARTMENTS.get(region, ()))
    classes = Case(
        When(territory=own, then=Value("own")),
        When(territory=region or own, then=Value("region")),
        When(territory=FRANCE, then=Value("france")),
        When(territory__in=sorted(region_departments), then=Value("region_departments")),
        When(territory__startswith="R", then=Value("other_regions")),
        default=Value("other_departments"),
        output_field=CharField(),
    )
    query = (
        lines.annotate(scope=classes)
        .values("poste", "regime", "scope")
        .annotate(count=Count("id"), amount=Sum("amount"), previous=Sum("amount_n_1"), first=Min("line"))
        .order_by()
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The planner expects far more groups than there are and sorts on disk; a few thousand groups fit in
            # a hash table. JIT compilation costs more than it saves on a sub-second query.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        groups = list(query)
    own_is_department = not own.startswith("R") and own != FRANCE

    def departments_of(code: str) -> set[str]:
        if code == FRANCE:
            return {"region_departments", "other_departments"} | ({"own"} if own_is_department else set())
        if code == region:
            return {"region_departments"} | ({"own"} if own in region_departments else set())
        return set()

    def exact(code: str) -> set[str]:
        return {"own" if code == own else "region" if code == region else "france" if code == FRANCE else ""}

    result = {}
    for scope, code in (("own", own), ("region", region), ("france", FRANCE)):
        if not code:
            continue
        chosen = exact(code)
        if not any(group["scope"] in chosen for group in groups):
            chosen = departments_of(code)
        totals: dict[tuple[str, str], list] = {}
        first: dict[str, int] = {}
        for group in groups:
            if group["scope"] not in chosen:
                continue
            entry = totals.setdefault((group["poste"], group["regime"]), [None, None])
            for position, value in ((0, group["amount"]), (1, group["previous"])):
                if value is not None:
                    entry[position] = value if entry[position] is None else entry[position] + value
            first[group["poste"]] = min(first.get(group["poste"], group["first"]), group["first"])
        result[scope] = ({key: (values[0], values[1]) for key, values in totals.items()}, first)
    return result


def montants_derive(
    *,
    commission,
    extract: NationalExtract,
    territory: str,
    period_start: datetime.date,
    period_end: datetime.date,
    user=None,
) -> tuple[StatTable, bool]:
    """The `montants` table of one territory of the commission and one period, computed from the extract."""
    from .layouts import MONTANTS, Column, ParsedTable, Row
    from .parsing import Number
    from .services import TableMeta, table_store

    if extract.status != NationalExtract.Status.DONE:
        raise ValidationError("Cet extrait n'est pas encore chargé.")
    territory = normalise_territory(territory)
    if not commission.stat_territories.filter(code=territory).exists():
        raise ValidationError("Ce territoire n'est pas couvert par la commission.")
    existing = StatTable.objects.filter(
        commission=commission,
        derived_from=extract,
        territory=territory,
        period_start=period_start,
        period_end=period_end,
    ).first()
    if existing is not None:
        return existing, False
    lines = ExtractLine.objects.filter(extract=extract, period_start=period_start, period_end=period_end)
    region = region_of(territory)
    scopes = _reference_sums(lines, territory, region)
    sums, order = scopes["own"]
    if not sums:
        raise ValidationError("L'extrait ne contient aucune ligne pour ce territoire et cette période.")
    postes = sorted(order, key=order.get)
    region_totals = _by_poste(scopes["region"][0]) if region else {}
    france_totals = _by_poste(scopes["france"][0])

    regimes = [regime for regime in REGIME_ORDER if any(key[1] == regime for key in sums)]
    columns = []
    for regime in regimes:
        group = {"RG": "rg", "MSA": "msa", "Autres": "autres"}[regime]
        columns.append(Column(len(columns), f"{regime} / Montants", group, "amount"))
        columns.append(Column(len(columns), f"{regime} / Evolutions", group, "evolution", percent=True))
    columns += [
        Column(len(columns), "TOTAL / Montants", "total", "amount"),
        Column(len(columns) + 1, "TOTAL / Evolutions", "total", "evolution", percent=True),
        Column(len(columns) + 2, "Evolutions Région", "region", "evolution", percent=True),
        Column(len(columns) + 3, "Evolutions France", "france", "evolution", percent=True),
    ]

    def amount_cell(value: Decimal | None) -> Number:
        return Number(value, decimals=2 if value is not None and value != value.to_integral_value() else 0)

    def percent_cell(value: Decimal | None) -> Number:
        return Number(value, percent=True, decimals=1)

    rows = []
    grand = {regime: [Decimal(0), Decimal(0), False] for regime in regimes + ["total"]}
    for poste in postes:
        values = []
        total_amount, total_previous, total_has_previous = Decimal(0), Decimal(0), False
        for regime in regimes:
            amount, previous = sums.get((poste, regime), (None, None))
            values += [amount_cell(amount), percent_cell(_evolution(amount, previous))]
            total_amount += amount or 0
            grand[regime][0] += amount or 0
            if previous is not None:
                total_previous += previous
                total_has_previous = True
                grand[regime][1] += previous
                grand[regime][2] = True
        previous = total_previous if total_has_previous else None
        grand["total"][0] += total_amount
        if previous is not None:
            grand["total"][1] += previous
            grand["total"][2] = True
        values += [amount_cell(total_amount), percent_cell(_evolution(total_amount, previous))]
        values += [
            percent_cell(_evolution(*region_totals[poste]) if poste in region_totals else None),
            percent_cell(_evolution(*france_totals[poste]) if poste in france_totals else None),
        ]
        rows.append(Row(len(rows) + 1, poste, values))
    total_values = []
    for regime in regimes + ["total"]:
        amount, previous, has_previous = grand[regime]
        total_values += [amount_cell(amount), percent_cell(_evolution(amount, previous if has_previous else None))]

    def overall(totals):
        if not totals:
            return None
        amount = sum((value[0] for value in totals.values()), Decimal(0))
        previous = [value[1] for value in totals.values() if value[1] is not None]
        return _evolution(amount, sum(previous, Decimal(0)) if previous else None)

    total_values += [percent_cell(overall(region_totals)), percent_cell(overall(france_totals))]
    rows.append(Row(len(rows) + 1, "TOTAL", total_values, is_subtotal=True))
    parsed = ParsedTable(MONTANTS, columns, rows, label_header="Postes de dépenses")
    meta = TableMeta(
        title=f"Montants remboursés — {territory} — du {period_start:%d/%m/%Y} au {period_end:%d/%m/%Y}",
        period_start=period_start,
        period_end=period_end,
        territory=territory,
        source=extract.source or extract.title,
        extraction_date=extract.extraction_date,
    )
    with transaction.atomic():
        table, created = table_store(commission=commission, parsed=parsed, meta=meta, user=user)
        table.derived_from = extract
        table.save(update_fields=["derived_from"])
    return table, created


__all__ = [
    "EXTRACT_COLUMNS",
    "column_letter",
    "extract_import",
    "extract_periods",
    "extract_process",
    "extract_read",
    "extract_store",
    "extract_summarise",
    "extract_table",
    "montants_derive",
]


def extract_create(
    *, data: bytes, file_name: str, title: str, source: str = "", extraction_date=None, user=None
) -> tuple[NationalExtract, bool]:
    """Keep an uploaded extract (the same file twice gives the first one back); the task parses it."""
    import hashlib

    from django.core.files.base import ContentFile

    if not data.strip():
        raise FileRejected("Le fichier est vide.")
    if len(data) > MAX_EXTRACT_BYTES:
        raise FileRejected("Le fichier dépasse la taille autorisée pour un extrait national.")
    digest = hashlib.sha256(data).hexdigest()
    existing = NationalExtract.objects.filter(file_hash=digest).first()
    if existing is not None:
        return existing, False
    extract = NationalExtract(
        title=title.strip() or file_name,
        source=source.strip(),
        extraction_date=extraction_date,
        file_name=file_name[:255],
        file_hash=digest,
        imported_by=user if user is not None and user.is_authenticated else None,
    )
    extract.file.save(f"{digest[:16]}.csv", ContentFile(data), save=False)
    extract.save()
    return extract, True


def extract_queue(extract: NationalExtract) -> None:
    """Queue the parsing once the upload is committed (never before: the worker would not see the row)."""
    from .tasks import import_national_extract

    transaction.on_commit(lambda: import_national_extract.delay(extract.pk))
