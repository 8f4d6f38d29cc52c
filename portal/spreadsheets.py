"""Reading uploaded spreadsheets, CSV or XLSX, into rows of cells: the part every import shares.

    grid = read_xlsx(data) if sniff(data) == "xlsx" else read_csv(data)
    for line, cells in grid.rows: ...

Below both the composition import (commissions) and the statistics import (stats), which decide what
the cells mean: their headers, dates and numbers. Nothing here knows of Django. A file that cannot
be read raises `SpreadsheetError`, with a French message and the line when known; its `code` lets
each app word the refusal its own way (a ValidationError for one, a FileRejected for the other).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

# An XLSX is a zip archive: refuse one that would expand to far more than it weighs (a "zip bomb").
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_MEMBERS = 10_000

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an Excel 97-2003 workbook (.xls), or another old Office file
# Files agents pick by mistake: PDF, PNG, JPEG, GIF, RTF.
OTHER_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")
DELIMITERS = (";", "\t", ",")

# Control characters never found in a text file (tab, line feed, form feed and carriage return are).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_QUOTED_RE = re.compile(r'"[^"]*"')
_UNKNOWN_ENCODING = (
    "Encodage non reconnu (UTF-16 ou fichier binaire) : enregistrez le fichier en CSV UTF-8 ou Windows-1252."
)

Cell = str | float | int | None


class SpreadsheetError(Exception):
    """A file that cannot be read, in French, with the line of the file when it is known.

    `code` says what is wrong, for callers that word it their own way: utf16, binary (NUL or control
    characters), undecodable (neither UTF-8 nor Windows-1252), csv (`detail` gives the csv module's
    reason), bad_archive, not_a_workbook, too_many_parts, too_large, zip_bomb, unreadable_workbook,
    unreadable_sheet, no_sheet.
    """

    def __init__(self, message: str, *, code: str, line: int | None = None, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.line = line
        self.detail = detail


@dataclass
class Grid:
    """The cells of a file, row by row, with the line number of each row in the file (1-based)."""

    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    file_format: str = "csv"
    delimiter: str = ""
    encoding: str = ""


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def sniff(data: bytes) -> str:
    """What the content is, whatever the file's name: 'xlsx' (a zip), 'xls', 'other' (PDF, image, RTF) or 'text'."""
    if data.startswith(ZIP_MAGIC):
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.startswith(OTHER_MAGICS):
        return "other"
    return "text"


# --- CSV ----------------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM), else Windows-1252.

    A BOM declares UTF-8: an invalid byte after it is an error, not a reason to try Windows-1252.
    UTF-16 and binary content (NUL or control characters) are refused.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(_UNKNOWN_ENCODING, code="utf16")
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(_UNKNOWN_ENCODING, code="binary")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _undecodable(data, error.start + 3) from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as error:
                raise _undecodable(data, error.start) from None
    control = _CONTROL_RE.search(text)
    if control:
        raise SpreadsheetError(
            f"caractère de contrôle (U+{ord(control.group()):04X}) : ce n'est pas un fichier texte.",
            code="binary",
            line=text.count("\n", 0, control.start()) + 1,
        )
    return text, encoding


def _undecodable(data: bytes, position: int) -> SpreadsheetError:
    return SpreadsheetError(
        "caractère illisible : le fichier n'est ni en UTF-8 ni en Windows-1252 (encodage non reconnu).",
        code="undecodable",
        line=data.count(b"\n", 0, position) + 1,
    )


def detect_delimiter(text: str) -> str:
    """Semicolon, tab or comma: the first of them found in the first non-empty line, outside quotes.

    Semicolon first: French Excel writes it, and a header such as « Montant (en €, 2023) » holds commas.
    """
    for line in text.splitlines()[:30]:
        if line.strip():
            unquoted = _QUOTED_RE.sub("", line)
            return next((candidate for candidate in DELIMITERS if candidate in unquoted), ";")
    return ";"


def read_csv(data: bytes) -> Grid:
    """The rows of a CSV file; a row whose quoted cell spans several lines has the number of its first line."""
    text, encoding = decode(data)
    delimiter = detect_delimiter(text)
    grid = Grid(file_format="csv", delimiter=delimiter, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            grid.rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise SpreadsheetError(f"CSV mal formé ({error}).", code="csv", line=start, detail=str(error)) from None
    return grid


# --- XLSX ---------------------------------------------------------------------------------------------


def check_archive(data: bytes, *, max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES) -> None:
    """Refuse archives that are not workbooks or would expand to far more than they weigh (zip bombs)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError("L'archive du classeur est illisible.", code="bad_archive") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_XLSX_MEMBERS:
            raise SpreadsheetError(
                "Classeur refusé : il contient un nombre anormal de parties (archive suspecte).", code="too_many_parts"
            )
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
            raise SpreadsheetError("Le fichier n'est pas un classeur Excel.", code="not_a_workbook")
        if sum(member.file_size for member in members) > max_uncompressed:
            raise SpreadsheetError(
                "Classeur refusé : une fois décompressé, il dépasse la taille autorisée (archive suspecte).",
                code="too_large",
            )
        for member in members:
            if member.compress_size and member.file_size / member.compress_size > MAX_XLSX_RATIO:
                if member.file_size > 1024 * 1024:
                    raise SpreadsheetError(
                        "Classeur refusé : taux de compression anormal (archive piégée, « zip bomb »).", code="zip_bomb"
                    )


def read_xlsx(
    data: bytes,
    *,
    sheet: str | None = None,
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES,
    missing: frozenset[str] = frozenset([""]),
) -> Grid:
    """The cells of a sheet (the first, or the one named), row i being line i of the sheet.

    Read with calamine, the engine of pandas' read_excel, called directly: openpyxl, even read-only,
    takes eight times as long (4.8 s against 0.6 s of processor time for 100,000 rows), and pandas
    would convert each cell in Python and build a DataFrame, four times the reading itself. Cells are
    text, integers (integral numbers), floats or None: an empty cell, or a text in `missing`, is None;
    a date cell is its text jj/mm/aaaa, as if it had come from a CSV file.
    """
    check_archive(data, max_uncompressed=max_uncompressed)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # the engine raises its own types for corrupt parts
        raise SpreadsheetError(f"Classeur illisible ({type(error).__name__}).", code="unreadable_workbook") from None
    if sheet and sheet not in workbook.sheet_names:
        raise SpreadsheetError(f"La feuille « {sheet} » n'existe pas dans le classeur.", code="no_sheet")
    try:
        reader = workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)
        values = reader.to_python(skip_empty_area=False)
    except Exception as error:  # a damaged sheet fails only when read
        raise SpreadsheetError(f"Classeur illisible ({type(error).__name__}).", code="unreadable_sheet") from None
    # calamine starts at A1. Text and numbers, nearly every cell, are converted inline (a function call per
    # cell would double the time).
    convert = _xlsx_cell
    return Grid(
        rows=[
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
        ],
        file_format="xlsx",
    )


def _xlsx_cell(value) -> Cell:
    """A cell that is not text nor an integral float (which `read_xlsx` converts inline)."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime.date):  # a datetime too: the time of day is not kept
        return value.strftime("%d/%m/%Y")
    return str(value)  # a time of day or a duration
