"""Reading the files the statisticians send: CSV or XLSX into a grid of cells, and French numbers.

Everything here is pure (no database). A bad file raises `FileRejected` with
problems that name the line and the column of the file, in French.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Limits: a table of a meeting support is small; a national extract is large but plain CSV.
MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_EXTRACT_BYTES = 1024 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_MEMBERS = 10_000

FLAG_NS = "NS"
# Spaces used as thousands separators: space, no-break space, narrow no-break space, thin space.
THOUSANDS_SPACES = " \u00a0\u202f\u2009"
_NUMBER_RE = re.compile(r"^([+-]?)(\d+)(?:,(\d+))?$")
_DOT_NUMBER_RE = re.compile(r"^([+-]?)(\d+)\.(\d+)$")

Cell = str | float | int | None


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One error or warning about a file, located by line and column when it can be."""

    message: str
    line: int | None = None
    column: int | None = None  # 0-based index in the file
    header: str = ""

    def location(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"ligne {self.line}")
        if self.column is not None:
            column = f"colonne {column_letter(self.column)}"
            if self.header:
                column += f" (« {self.header} »)"
            parts.append(column)
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where[:1].upper()}{where[1:]} : {self.message}" if where else self.message

    def as_dict(self) -> dict:
        return {"message": self.message, "line": self.line, "column": self.column, "header": self.header}

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**data)


class FileRejected(Exception):
    """The file cannot be imported; `problems` say why, by line and column."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = ["Le fichier n'a pas pu être importé :"]
        lines += [f"- {problem}" for problem in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"- … et {len(self.problems) - 50} autres erreurs.")
        return "\n".join(lines)


@dataclass
class Grid:
    """The cells of a file, row by row, with the line number of each row in the file (1-based)."""

    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    file_format: str = "csv"
    delimiter: str = ""
    encoding: str = ""


@dataclass(frozen=True)
class Number:
    """A parsed cell: a value (or none), the NS flag, whether it was written as a percentage, its decimals."""

    value: Decimal | None
    flag: str = ""
    percent: bool = False
    decimals: int = 0


EMPTY = Number(None)


# --- File type and text ---------------------------------------------------------------------------


def sniff_format(data: bytes, filename: str) -> str:
    """'csv' or 'xlsx', checking that the content is what the extension says."""
    name = filename.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    is_ole = data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if name.endswith((".xlsx", ".xlsm")):
        if is_zip:
            return "xlsx"
        if is_ole:
            raise FileRejected("Ce fichier est un classeur Excel ancien (.xls) : enregistrez-le au format .xlsx.")
        raise FileRejected("Le fichier porte l'extension .xlsx mais n'est pas un classeur Excel.")
    if name.endswith((".csv", ".txt")):
        if is_zip or is_ole:
            raise FileRejected("Le fichier porte l'extension .csv mais c'est un classeur Excel ou une archive.")
        return "csv"
    if name.endswith(".xls"):
        raise FileRejected("Le format .xls n'est pas pris en charge : enregistrez le classeur au format .xlsx.")
    raise FileRejected("Format de fichier non pris en charge : déposez un fichier .csv ou .xlsx.")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM) or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise FileRejected(
            "Encodage non reconnu (UTF-16 ou fichier binaire) : enregistrez le fichier en CSV UTF-8 ou Windows-1252."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _encoding_error(data, error.start + 3) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise _encoding_error(data, error.start) from None


def _encoding_error(data: bytes, position: int) -> FileRejected:
    line = data.count(b"\n", 0, position) + 1
    return FileRejected(
        Problem(
            "caractère illisible : le fichier n'est ni en UTF-8 ni en Windows-1252 (encodage non reconnu).", line=line
        )
    )


def detect_delimiter(text: str) -> str:
    """Semicolon, tab or comma: the one found in the first non-empty line (semicolon first)."""
    for line in text.splitlines()[:30]:
        if line.strip():
            for candidate in (";", "\t", ","):
                if candidate in line:
                    return candidate
            return ";"
    return ";"


# --- Grids ------------------------------------------------------------------------------------------


def read_csv_grid(data: bytes) -> Grid:
    text, encoding = decode_text(data)
    delimiter = detect_delimiter(text)
    grid = Grid(file_format="csv", delimiter=delimiter, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            grid.rows.append((start, [cell for cell in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        raise FileRejected(Problem(f"CSV mal formé ({error}).", line=start)) from None
    return grid


def check_xlsx_archive(data: bytes) -> None:
    """Refuse archives that would expand to far more than they weigh (zip bombs) or are not workbooks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRejected("Le fichier porte l'extension .xlsx mais l'archive est illisible.") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise FileRejected("Classeur refusé : il contient un nombre anormal de parties (archive suspecte).")
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise FileRejected("Le fichier porte l'extension .xlsx mais n'est pas un classeur Excel.")
        total = sum(member.file_size for member in members)
        if total > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise FileRejected(
                "Classeur refusé : une fois décompressé, il dépasse la taille autorisée (archive suspecte)."
            )
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_XLSX_RATIO:
                if member.file_size > 1024 * 1024:
                    raise FileRejected("Classeur refusé : taux de compression anormal (archive piégée, « zip bomb »).")


def read_xlsx_grid(data: bytes, sheet: str | None = None) -> Grid:
    """The cells of a sheet (the first, or the one named), read with calamine, the engine of pandas' read_excel.

    The engine is called directly: pandas would convert each cell in Python and then build a DataFrame, four
    times the reading itself (a 100,000-row sheet took 2.6 s through pandas, 0.6 s this way). The cells are
    converted as pandas does: integral floats become integers, dates text, and pandas' missing-value
    markers (empty, "N/A", "NA", "NULL"…) no value.
    """
    from python_calamine import CalamineWorkbook

    check_xlsx_archive(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if sheet:
            if sheet not in workbook.sheet_names:
                raise FileRejected(f"La feuille « {sheet} » n'existe pas dans le classeur.")
            values = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        else:
            values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except FileRejected:
        raise
    except Exception as error:  # the engine raises its own types for corrupt parts
        raise FileRejected(f"Classeur illisible ({type(error).__name__}).") from None
    grid = Grid(file_format="xlsx")
    # calamine starts at A1, so row i is line i + 1 of the sheet. Text and numbers, nearly every cell, are
    # converted inline (a function call per cell would double the time).
    missing, convert = _XLSX_MISSING, _xlsx_cell
    grid.rows = [
        (
            index + 1,
            [
                (None if value in missing else value)
                if type(value) is str
                else (int(value) if value.is_integer() else convert(value))
                if type(value) is float
                else convert(value)
                for value in row
            ],
        )
        for index, row in enumerate(values)
    ]
    return grid


# pandas' default missing-value markers (read_excel turns these cells into NaN).
_XLSX_MISSING = frozenset(
    ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A"]
    + ["NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
)


def _xlsx_cell(value) -> Cell:
    if value is None:
        return None
    if type(value) is str:
        return None if value in _XLSX_MISSING else value
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def read_grid(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int = MAX_TABLE_BYTES) -> Grid:
    """The grid of a CSV or XLSX file, or FileRejected with a French reason."""
    if not data:
        raise FileRejected("Le fichier est vide.")
    if len(data) > max_bytes:
        raise FileRejected(f"Le fichier dépasse la taille autorisée ({max_bytes // (1024 * 1024)} Mo).")
    file_format = sniff_format(data, filename)
    grid = read_xlsx_grid(data, sheet) if file_format == "xlsx" else read_csv_grid(data)
    if not any(cell_text(cell) for _, cells in grid.rows for cell in cells):
        raise FileRejected("Le fichier est vide.")
    return grid


# --- Cells and numbers -------------------------------------------------------------------------------


def cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip().strip(THOUSANDS_SPACES)
    return str(cell)


def parse_number(cell: Cell, *, percent_column: bool = False) -> Number:
    """A French-formatted number: '261 355 100', '9,9%', '-0,2 %', '2 406,8%', 'NS', '' (no value).

    Raises ValueError (with a French message) for text that is not a number. A
    numeric XLSX cell in a percentage column is an Excel percentage (0.099 shown
    as 9.9 %), so it is multiplied by 100.
    """
    if cell is None:
        return EMPTY
    if isinstance(cell, int | float):
        value = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        if percent_column:
            value = (value * 100).normalize()
            return Number(_trim(value), percent=True, decimals=_decimals(_trim(value)))
        value = _trim(value)
        return Number(value, decimals=_decimals(value))
    text = cell.strip()
    for space in THOUSANDS_SPACES:
        text = text.replace(space, "")
    if not text:
        return EMPTY
    if text.upper() in ("NS", "N.S.", "N/S"):
        return Number(None, flag=FLAG_NS)
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    text = text.replace("\u2212", "-")  # typographic minus
    match = _NUMBER_RE.match(text) or _DOT_NUMBER_RE.match(text)
    if not match:
        raise ValueError(f"« {cell.strip()} » n'est pas un nombre.")
    sign, integer, fraction = match.groups()
    try:
        value = Decimal(f"{sign}{integer}.{fraction}" if fraction else f"{sign}{integer}")
    except InvalidOperation:
        raise ValueError(f"« {cell.strip()} » n'est pas un nombre.") from None
    return Number(value, percent=percent or percent_column, decimals=len(fraction or ""))


def _trim(value: Decimal) -> Decimal:
    """A float read from a workbook, without binary noise (at most 6 decimals, no trailing zeros)."""
    value = value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def is_number(cell: Cell) -> bool:
    """True for a cell that holds a number or NS (used to tell header rows from data rows)."""
    if isinstance(cell, int | float):
        return True
    try:
        parsed = parse_number(cell)
    except ValueError:
        return False
    return parsed.value is not None or parsed.flag == FLAG_NS


@functools.lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    """Lower case, no accents, single spaces: for recognising headers (and total rows, once per row)."""
    import unicodedata

    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("\u2019", "'").lower()
    return re.sub(r"\s+", " ", text).strip()
