"""Spreadsheets in and out, CSV, XLSX or ODS: reading uploads into rows of cells, the part every import shares,
and the one rule every export follows against formula injection (`escape_text`).

    grid = read_workbook(data) if sniff(data) in WORKBOOKS else read_csv(data)
    for line, cells in grid.rows: ...

Below both the composition import (commissions) and the statistics import (stats), which decide what
the cells mean: their headers, dates and numbers. Nothing here knows of Django. A file that cannot
be read raises `SpreadsheetError`, with a French message and the line when known; its `code` lets
each app word the refusal its own way (a ValidationError for one, a FileRejected for the other).
A table wider than MAX_COLUMNS is refused before anything reads its cells.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from .formats import format_number

# An XLSX is a zip archive: refuse one that would expand to far more than it weighs (a "zip bomb").
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_XLSX_RATIO = 100
MAX_XLSX_MEMBERS = 10_000

ZIP_MAGIC = b"PK\x03\x04"
# An OpenDocument file starts with its uncompressed `mimetype` member (OpenDocument 1.2, part 3, 3.3).
ODS_MAGIC = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
# What `sniff` calls a workbook: read by `read_workbook` (calamine reads both).
WORKBOOKS = ("xlsx", "ods")
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an Excel 97-2003 workbook (.xls), or another old Office file
# Files agents pick by mistake: PDF, PNG, JPEG, GIF, RTF.
OTHER_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")
DELIMITERS = (";", "\t", ",")
# The widest table accepted: the portal's tables have a few dozen columns at most (the 101 departments of a
# national table are its rows); a file of 10,000 columns is a mistake or an attack, not a table to preview.
MAX_COLUMNS = 200
# What a spreadsheet runs as a formula when a text cell starts with it (OWASP, "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

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
    characters), undecodable (neither UTF-8 nor Windows-1252), csv (`detail` gives the reason in French with
    its line: "ligne 3 : un champ dépasse 131 072 caractères"), too_many_columns, bad_archive,
    not_a_workbook, too_many_parts, too_large, zip_bomb, unreadable_workbook, unreadable_sheet, no_sheet.
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


def escape_text(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula, given a leading apostrophe (numbers are not text).

    Every export of the portal passes its text cells through this (and writes them as text cells in an XLSX).
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def table_csv(table: list[list], *, cell_text=None) -> bytes:
    """A table (header first) as CSV separated by `;`, UTF-8 with a BOM so that Excel reads the accents; every
    text passes `escape_text`. `cell_text` turns a cell into its text (default: dates as jj/mm/aaaa)."""
    text_of = cell_text or _cell_text
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in table:
        writer.writerow(escape_text(text_of(cell)) for cell in line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def table_xlsx(table: list[list], *, title: str, widths: tuple[int, ...] = (), date_columns: str = "") -> bytes:
    """A table (header first, in bold, frozen) as a workbook of one sheet: texts are text cells, never formulas,
    whatever they start with; the `date_columns` (letters) shown as jj/mm/aaaa."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for line in table:
        sheet.append([escape_text(cell) if isinstance(cell, str) else cell for cell in line])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in date_columns:
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sniff(data: bytes) -> str:
    """What the content is, whatever the file's name: 'ods' (an OpenDocument spreadsheet, as LibreOffice saves
    it), 'xlsx' (any other zip), 'xls', 'other' (PDF, image, RTF) or 'text'."""
    if data.startswith(ZIP_MAGIC):
        return "ods" if data[30 : 30 + len(ODS_MAGIC)] == ODS_MAGIC else "xlsx"
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


def read_csv(data: bytes, *, max_columns: int = MAX_COLUMNS) -> Grid:
    """The rows of a CSV file; a row whose quoted cell spans several lines has the number of its first line."""
    text, encoding = decode(data)
    delimiter = detect_delimiter(text)
    grid = Grid(file_format="csv", delimiter=delimiter, encoding=encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if len(cells) > max_columns:
                _check_width(_width(cells), max_columns, line=start)
            grid.rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        reason = _csv_reason(str(error))
        raise SpreadsheetError(
            f"CSV mal formé : {reason}.", code="csv", line=start, detail=f"ligne {start} : {reason}"
        ) from None
    return grid


# The csv module's refusals (C implementation, Python 3.11+), in French.
_CSV_REASONS = (
    (
        re.compile(r"field larger than field limit \((\d+)\)"),
        lambda match: f"un champ dépasse {format_number(int(match[1]))} caractères (guillemet non refermé ?)",
    ),
    (re.compile(r"new-line character seen in unquoted field"), lambda match: "retour à la ligne inattendu"),
    (re.compile(r"line contains NUL"), lambda match: "caractère nul : ce n'est pas un fichier texte"),
    (re.compile(r"unexpected end of data"), lambda match: "fin de fichier inattendue"),
    (re.compile(r"'(.)' expected after '(.)'"), lambda match: f"« {match[1]} » attendu après « {match[2]} »"),
)


def _csv_reason(error: str) -> str:
    for pattern, reason in _CSV_REASONS:
        match = pattern.search(error)
        if match:
            return reason(match)
    return "structure de fichier CSV non reconnue"


def _width(cells: list) -> int:
    """The number of columns up to the last one filled (empty cells at the end of a row do not count)."""
    width = len(cells)
    while width and (cells[width - 1] is None or cells[width - 1] == ""):
        width -= 1
    return width


def _check_width(width: int, max_columns: int, *, line: int | None = None) -> None:
    if width > max_columns:
        raise SpreadsheetError(
            f"Le tableau compte {format_number(width)} colonnes : {format_number(max_columns)} au plus sont acceptées.",
            code="too_many_columns",
            line=line,
        )


# --- XLSX and ODS -------------------------------------------------------------------------------------


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
        xlsx = "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)
        ods = "mimetype" in names and "content.xml" in names
        if not (xlsx or ods):
            raise SpreadsheetError("Le fichier n'est pas un classeur Excel ni OpenDocument.", code="not_a_workbook")
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


def read_workbook(
    data: bytes,
    *,
    sheet: str | None = None,
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES,
    missing: frozenset[str] = frozenset([""]),
    max_columns: int = MAX_COLUMNS,
) -> Grid:
    """The cells of a sheet (the first, or the one named) of an XLSX or ODS workbook, row i being line i of the sheet.

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
        # The last filled cell's column, from the sheet's dimensions: a sheet too wide is refused unread.
        _check_width(reader.end[1] + 1 if reader.end else 0, max_columns)
        values = reader.to_python(skip_empty_area=False)
    except SpreadsheetError:
        raise
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
        file_format="ods" if sniff(data) == "ods" else "xlsx",
    )


read_xlsx = read_workbook  # the name the imports used before ODS was read too


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
