"""Reading the files the statisticians send: CSV, XLSX or ODS into a grid of cells, and French numbers.

Everything here is pure (no database). The reading itself is `portal.spreadsheets`, shared with the
composition import; this module checks the file against its extension and limits, words the
refusals for the statisticians and reads French numbers. A bad file raises `FileRejected` with
problems that name the line and the column of the file, in French.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portal import spreadsheets
from portal.spreadsheets import Cell, Grid, SpreadsheetError, column_letter

# Limits: a table of a meeting support is small; a national extract is large but plain CSV.
MAX_TABLE_BYTES = 5 * 1024 * 1024
MAX_EXTRACT_BYTES = 1024 * 1024 * 1024

FLAG_NS = "NS"
# Spaces used as thousands separators: space, no-break space, narrow no-break space, thin space.
THOUSANDS_SPACES = " \u00a0\u202f\u2009"
_NUMBER_RE = re.compile(r"^([+-]?)(\d+)(?:,(\d+))?$")
_DOT_NUMBER_RE = re.compile(r"^([+-]?)(\d+)\.(\d+)$")


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


@dataclass(frozen=True)
class Number:
    """A parsed cell: a value (or none), the NS flag, whether it was written as a percentage, its decimals."""

    value: Decimal | None
    flag: str = ""
    percent: bool = False
    decimals: int = 0


EMPTY = Number(None)


# --- File type and text ---------------------------------------------------------------------------

# The shared reader's refusals, worded for a file whose extension has already been checked.
_MESSAGES = {
    "bad_archive": "Le fichier porte l'extension .xlsx mais l'archive est illisible.",
    "not_a_workbook": "Le fichier porte l'extension .xlsx mais n'est pas un classeur Excel.",
}
# pandas' default missing-value markers (read_excel turns these cells into NaN).
_XLSX_MISSING = frozenset(
    ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A"]
    + ["NA", "NULL", "NaN", "None", "n/a", "nan", "null"]
)


def _rejected(error: SpreadsheetError) -> FileRejected:
    return FileRejected(Problem(_MESSAGES.get(error.code, error.message), line=error.line))


def sniff_format(data: bytes, filename: str) -> str:
    """'csv', 'xlsx' or 'ods', checking that the content is what the extension says."""
    name = filename.lower()
    content = spreadsheets.sniff(data)
    if name.endswith(".ods"):
        if content == "ods":
            return "ods"
        raise FileRejected("Le fichier porte l'extension .ods mais n'est pas un classeur OpenDocument (LibreOffice).")
    if name.endswith((".xlsx", ".xlsm")):
        if content == "xlsx":
            return "xlsx"
        if content == "xls":
            raise FileRejected("Ce fichier est un classeur Excel ancien (.xls) : enregistrez-le au format .xlsx.")
        raise FileRejected("Le fichier porte l'extension .xlsx mais n'est pas un classeur Excel.")
    if name.endswith((".csv", ".txt")):
        if content in ("xlsx", "ods", "xls"):
            raise FileRejected("Le fichier porte l'extension .csv mais c'est un classeur ou une archive.")
        if content == "other":
            raise FileRejected("Le fichier porte l'extension .csv mais c'est un document PDF, une image ou un RTF.")
        return "csv"
    if name.endswith(".xls"):
        raise FileRejected("Le format .xls n'est pas pris en charge : enregistrez le classeur au format .xlsx.")
    raise FileRejected("Format de fichier non pris en charge : déposez un fichier .csv, .xlsx ou .ods.")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM) or Windows-1252."""
    try:
        return spreadsheets.decode(data)
    except SpreadsheetError as error:
        raise _rejected(error) from None


# --- Grids ------------------------------------------------------------------------------------------


def read_grid(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int = MAX_TABLE_BYTES) -> Grid:
    """The grid of a CSV, XLSX or ODS file (the first sheet, or the one named), or FileRejected with a French reason.

    In a workbook, an empty cell and pandas' missing-value markers ("N/A", "NA", "NULL"…) have no value,
    as they had when the tables were read with pandas.
    """
    if not data:
        raise FileRejected("Le fichier est vide.")
    if len(data) > max_bytes:
        raise FileRejected(f"Le fichier dépasse la taille autorisée ({max_bytes // (1024 * 1024)} Mo).")
    file_format = sniff_format(data, filename)
    try:
        if file_format in spreadsheets.WORKBOOKS:
            grid = spreadsheets.read_workbook(data, sheet=sheet, missing=_XLSX_MISSING)
        else:
            grid = spreadsheets.read_csv(data)
    except SpreadsheetError as error:
        raise _rejected(error) from None
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
