"""Reading and cleaning of a national extract in long format, vectorised with Arrow.

Header: periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1
The file is checked (size, type, header, encoding), then read a block of lines at a time; each block is
cleaned with Arrow's compute kernels (no Python code per line, only per distinct date, territory or regime)
and its problems are reported in French by line and column.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import threading
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


def extract_read(source, file_name: str = "extrait.csv", progress: Progress | None = None):
    """The cleaned extract as a pandas DataFrame backed by Arrow (FileRejected with French problems by line and column).

    Columns: line, period_start, period_end (dates), territory, poste, regime (text), amount, amount_n_1 (floats
    rounded to the cent, amount_n_1 possibly missing). Reading and cleaning run in Arrow's compute kernels: no
    Python code runs per line, only per distinct date, territory or regime.
    """
    import pandas as pd  # heavy (half a second) and only for this DataFrame view: the import never needs it

    return extract_table(source, file_name, progress).to_pandas(types_mapper=pd.ArrowDtype)


def extract_table(source, file_name: str = "extrait.csv", progress: Progress | None = None):
    """The cleaned extract as an Arrow table (`source`: the file's bytes or a binary file open for reading)."""
    reader = ChunkReader(source, file_name, progress)
    while True:
        try:
            chunks = list(reader)
            break
        except EncodingChanged:
            reader = reader.again()
    reader.raise_problems()
    return pa.concat_tables(chunks) if chunks else empty_table()


def _empty_raw_table():
    return pa.table({name: pa.array([], pa.string()) for name in EXTRACT_COLUMNS})


class EncodingChanged(Exception):  # noqa: N818 - a signal, not an error
    """A file read as UTF-8 has a byte that is not: it is read again from its start as Windows-1252."""


UNDECODABLE = "caractère illisible : le fichier n'est ni en UTF-8 ni en Windows-1252 (encodage non reconnu)."
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # portal.spreadsheets refuses them in a text file
HEAD_BYTES = 1 << 16


class ChunkReader:
    """The file checked (size, type, header, encoding), then read and cleaned a block of lines at a time.

    `source` is the file's bytes or a binary file open for reading (a stored extract is read from its file, never
    held whole: the memory used does not grow with the file). Iterating yields the cleaned Arrow table of each
    block without problems; the problems of the others are kept (50 at most) and `raise_problems` raises them
    once the file has been read to its end. Reading by blocks lets the COPY of one block run on the server while
    the next is cleaned, and bounds the memory.

    A file is read as UTF-8 unless its first 64 KB say otherwise; a byte further on that is not UTF-8 raises
    `EncodingChanged` (the caller drops what it stored and reads it all again from `again()`, as Windows-1252).
    """

    BLOCK_BYTES = conf.get("STATS_EXTRACT_BLOCK_BYTES")

    def __init__(self, source, file_name: str, progress: Progress | None = None, encoding: str | None = None):
        if isinstance(source, bytes | bytearray | memoryview):
            source = io.BytesIO(source)
        self.handle, self.file_name = source, file_name
        size = source.seek(0, io.SEEK_END)
        end = _content_end(source, size)
        source.seek(0)
        if end == 0:
            raise FileRejected("Le fichier est vide.")
        if size > MAX_EXTRACT_BYTES:
            raise FileRejected("Le fichier dépasse la taille autorisée pour un extrait national.")
        head = source.read(HEAD_BYTES)
        source.seek(0)
        if head[:4] == b"PK\x03\x04" or not file_name.lower().endswith((".csv", ".txt")):
            raise FileRejected("Un extrait national se dépose au format CSV (séparateur point-virgule).")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4096]:
            decode_text(head[:4096])  # raises the French encoding error
        newline = head.find(b"\n", 0, end)
        first_line = head[: newline if newline >= 0 else end].decode("utf-8", errors="replace").lstrip("\ufeff")
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
        self.bom = head.startswith(b"\xef\xbb\xbf")
        if encoding is None:
            # UTF-8 (with or without BOM) is checked by Arrow on the bytes, without decoding them; a file whose
            # first 64 KB are not UTF-8 is read as Windows-1252 (its bad bytes located line by line if it is not).
            whole = head[: end if len(head) >= end else head.rfind(b"\n") + 1]
            encoding = "utf8" if self.bom or _is_utf8(whole) else "cp1252"
        self.encoding, self.end = encoding, end
        self.problems: list[Problem] = []
        self.refusal: Problem | None = None
        self._lock = threading.Lock()
        self.rows = 0
        self.progress = progress
        self.source: _Source | None = None

    def again(self) -> ChunkReader:
        """The same file read again from its start as Windows-1252 (after `EncodingChanged`)."""
        return ChunkReader(self.handle, self.file_name, self.progress, encoding="cp1252")

    def __iter__(self):
        """The cleaned blocks in order, each once read and cleaned (one thread; `CopyFeed` cleans in two)."""
        for first_line, batch in self.batches():
            cleaned = self.clean(batch, first_line)
            if cleaned is not None and not self.problems:
                yield cleaned

    def batches(self):
        """The file's blocks of lines as read, with the file line of each block's first: (line, batch)."""
        reader = None
        self.handle.seek(0)
        self.source = source = _Source(self.handle, self.end, self.encoding == "cp1252")
        while True:
            try:
                if reader is None:
                    reader = pacsv.open_csv(
                        pa.PythonFile(source, mode="r"),
                        read_options=pacsv.ReadOptions(
                            column_names=EXTRACT_COLUMNS,
                            skip_rows=1,
                            encoding=self.encoding,
                            block_size=self.BLOCK_BYTES,
                            use_threads=False,  # the blocks are cleaned by threads of the caller's (CopyFeed)
                        ),
                        parse_options=pacsv.ParseOptions(delimiter=self.delimiter),
                        convert_options=pacsv.ConvertOptions(
                            column_types={name: pa.string() for name in EXTRACT_COLUMNS}
                        ),
                    )
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                if source.problem is not None:
                    break
                if self.encoding == "utf8" and "UTF8" in str(error):
                    if not self.bom:
                        raise EncodingChanged() from None
                    self._add([_encoding_problem(self.handle, "utf-8")])
                    return
                if isinstance(error, UnicodeDecodeError):
                    self._add([_encoding_problem(self.handle, "cp1252")])
                    return
                self._add(_locate_shape_errors(self.handle, self.delimiter, self.encoding))
                return
            if source.problem is not None:
                break
            if batch.num_rows == 0:
                continue
            first_line = self.rows + 2
            self.rows += batch.num_rows
            if self.progress:
                self.progress(5 + 90 * source.position // self.end, "Lecture et contrôle des lignes")
            yield first_line, batch
        if source.problem is not None:
            # A blank line or a control character: the file is refused for it, whatever the lines before it held.
            self.refusal = source.problem
            self._add([source.problem])

    def clean(self, batch, first_line: int):
        """A block's cleaned table, or None with its problems kept (callable from several threads at once)."""
        try:
            return _clean(pa.Table.from_batches([batch]), first_line=first_line)
        except FileRejected as error:
            self._add(error.problems)
            return None

    def _add(self, problems: list[Problem]) -> None:
        with self._lock:
            problems = self.problems + problems
            problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
            self.problems = problems[:MAX_ERRORS]

    def raise_problems(self) -> None:
        if self.refusal is not None:
            raise FileRejected([self.refusal])
        if self.problems:
            raise FileRejected(self.problems[:MAX_ERRORS])


def _content_end(handle, size: int) -> int:
    """Where the file's content ends: trailing blank lines and spaces left out, read from the end by 64 KB."""
    end = size
    while end:
        start = max(0, end - HEAD_BYTES)
        handle.seek(start)
        kept = len(handle.read(end - start).rstrip(b"\r\n\t "))
        if kept:
            return start + kept
        end = start
    return 0


def _is_utf8(data: bytes) -> bool:
    buffer = pa.py_buffer(data)
    try:
        offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
        pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, buffer]).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


class _Source(io.RawIOBase):
    """The file as Arrow reads it, up to the end of its content: blank lines (and, in a Windows-1252 file, control
    characters) found on the way stop it, with their line in `problem`; `position` says how far it has been read.
    """

    def __init__(self, handle, end: int, windows_1252: bool):
        self.handle, self.end, self.windows_1252 = handle, end, windows_1252
        self.position = 0
        self.newlines = 0  # newlines before `position`
        self.problem: Problem | None = None
        self._tail = b""  # what follows the last newline read, when it is only blanks (a blank line across reads)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.problem is not None or self.position >= self.end:
            return b""
        wanted = self.end - self.position if size is None or size < 0 else min(size, self.end - self.position)
        data = self.handle.read(wanted)
        if not data:
            return b""
        window = self._tail + data
        blank = _BLANK_LINE.search(window)
        if blank:
            line = self.newlines - self._tail.count(b"\n") + window.count(b"\n", 0, blank.start()) + 2
            self.problem = Problem("ligne vide au milieu du fichier.", line=line)
            return b""
        if self.windows_1252:
            control = _CONTROL_BYTES.search(data)
            if control:
                line = self.newlines + data.count(b"\n", 0, control.start()) + 1
                message = f"caractère de contrôle (U+{data[control.start()]:04X}) : ce n'est pas un fichier texte."
                self.problem = Problem(message, line=line)
                return b""
        last = window.rfind(b"\n")
        tail = window[last:] if last >= 0 else window
        self._tail = tail if len(tail) < 256 and not tail.strip(b"\n\r\t ") else b""
        self.newlines += data.count(b"\n")
        self.position += len(data)
        return data


def _encoding_problem(handle, encoding: str) -> Problem:
    """The first line that is not in the file's encoding (read line by line: only once the fast reader refused it)."""
    handle.seek(0)
    for number, line in enumerate(handle, start=1):
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            return Problem(UNDECODABLE, line=number)
    return Problem(UNDECODABLE)  # the reader refused it: never accept a file for want of a line to name


def _locate_shape_errors(handle, delimiter: str, encoding: str = "utf8") -> list[Problem]:
    """Which lines have too many or too few cells (only run when the fast reader has refused the file)."""
    problems = []
    handle.seek(0)
    codec = "utf-8-sig" if encoding == "utf8" else encoding
    reader = csv.reader(codecs.iterdecode(handle, codec, errors="replace"), delimiter=delimiter)
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
        if not pc.any(mask).as_py():
            return
        positions = pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy()[:MAX_ERRORS]
        for position in positions:
            raw = table.column(column)[int(position)].as_py()
            problems.append(_problem(int(position) + first_line, column, message(raw)))

    def by_unique(column: str, convert: Callable[[str], object], arrow_type, message: str):
        # Dates, territories and regimes take few distinct values: convert each once (in Python), then take.
        encoded = pc.dictionary_encode(table.column(column)).combine_chunks()
        uniques = encoded.dictionary
        converted = []
        for text in uniques.to_pylist():
            try:
                converted.append(convert(text.strip()))
            except ValueError:
                converted.append(None)
        result = pa.array(converted, type=arrow_type).take(encoded.indices)
        if None in converted:
            report(pc.is_null(result), column, message.format)
        return result

    _refuse_month_first(table, first_line)
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

    Only the thousands separators the column holds are removed; whether it holds one is looked up in the
    column's bytes (a search of a few megabytes, where a replacement copies the column).
    """
    data = b"".join(chunk.buffers()[2].to_pybytes() for chunk in _chunks(raw) if chunk.buffers()[2] is not None)
    if b"e" in data or b"E" in data:
        return None  # an exponent, which the cast would read: the strict pattern decides
    text = pc.replace_substring(raw, ",", ".")
    for space in THOUSANDS_SPACES:
        if space.encode() in data:
            text = pc.replace_substring(text, space, "")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        numbers = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # The cast reads "nan" and "inf" too: refuse the file to the checked path then.
    if pc.all(pc.is_finite(numbers)).as_py() is False:
        return None
    return numbers


def _chunks(column) -> list:
    return column.chunks if isinstance(column, pa.ChunkedArray) else [column]


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


_SLASHED_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _refuse_month_first(table, first_line: int) -> None:
    """Refuse the file when a written date is month first (a day over 12 in the second position, as an
    English-locale spreadsheet saves it): its other dates (03/04/2024) would be read the wrong way round."""
    for column in ("periode_debut", "periode_fin"):
        encoded = pc.dictionary_encode(table.column(column)).combine_chunks()
        for index, text in enumerate(encoded.dictionary.to_pylist()):
            match = _SLASHED_DATE.match((text or "").strip())
            if match and int(match[1]) <= 12 < int(match[2]) <= 31:
                position = pc.index(encoded.indices, index).as_py()
                raise FileRejected(
                    _problem(
                        position + first_line,
                        column,
                        f"date « {text.strip()} » écrite mois/jour, à l'anglaise : le portail lit les dates "
                        "JJ/MM/AAAA ou AAAA-MM-JJ et n'a rien importé, pour ne lire aucune date à l'envers. "
                        "Enregistrez l'extraction avec des dates JJ/MM/AAAA ou AAAA-MM-JJ.",
                    )
                )


def _parse_date(text: str) -> datetime.date:
    """A date written AAAA-MM-JJ or JJ/MM/AAAA (day first: a month-first file is refused before, as a whole)."""
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
