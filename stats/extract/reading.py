"""Reading and cleaning of a national extract in long format, vectorised with Arrow.

Header: periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1
The file is checked (size, type, header, encoding), then read a block of lines at a time; each block is
cleaned with Arrow's compute kernels (no Python code per line, only per distinct date, territory or regime)
and its problems are reported in French by line and column.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .. import conf
from ..parsing import MAX_EXTRACT_BYTES, THOUSANDS_SPACES, FileRejected, Problem, decode_text
from ..territories import normalise_territory

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
    import pandas as pd  # heavy (half a second) and only for this DataFrame view: the import never needs it

    return extract_table(data, file_name, progress).to_pandas(types_mapper=pd.ArrowDtype)


def extract_table(data: bytes, file_name: str = "extrait.csv", progress: Progress | None = None):
    """The cleaned extract as an Arrow table (what the import stores; `extract_read` gives it as a DataFrame)."""
    reader = ChunkReader(data, file_name, progress)
    chunks = list(reader)
    reader.raise_problems()
    return pa.concat_tables(chunks) if chunks else empty_table()


def _empty_raw_table():
    return pa.table({name: pa.array([], pa.string()) for name in EXTRACT_COLUMNS})


class ChunkReader:
    """The file checked (size, type, header, encoding), then read and cleaned a block of lines at a time.

    Iterating yields the cleaned Arrow table of each block without problems; the problems of the others are
    kept (50 at most) and `raise_problems` raises them once the file has been read to its end. Reading by
    blocks lets the COPY of one block run on the server while the next is cleaned, and bounds the memory.
    """

    BLOCK_BYTES = conf.get("STATS_EXTRACT_BLOCK_BYTES")

    def __init__(self, data: bytes, file_name: str, progress: Progress | None = None):
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


def as_arrow(frame):
    return frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)


def extract_periods(frame) -> list[tuple[str, str]]:
    """The distinct (start, end) periods of a cleaned extract, as ISO dates, sorted."""
    pairs = as_arrow(frame).group_by(["period_start", "period_end"]).aggregate([]).to_pylist()
    return sorted((pair["period_start"].isoformat(), pair["period_end"].isoformat()) for pair in pairs)


def empty_table():
    """The cleaned table of an extract without lines."""
    return _clean(_empty_raw_table(), first_line=2)
