"""Exports of a stored table: CSV (French spreadsheet), XLSX and JSON records, escaped against formula injection."""

from __future__ import annotations

import csv
import io
import json

from .selectors import TableView

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_text(text: str) -> str:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe; numbers are never text here."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _header(view: TableView) -> list[str]:
    label = view.table.label_header or "Intitulé"
    extra = ["Groupe"] if view.has_groups else []
    return extra + [label] + [column.header for column in view.columns]


def export_rows(view: TableView) -> list[list]:
    """Header and rows, text escaped, numbers as numbers (None when empty, 'NS' kept as text)."""
    rows = [[escape_text(text) for text in _header(view)]]
    for row in view.rows:
        cells = [escape_text(row.row.group_label)] if view.has_groups else []
        cells.append(escape_text(row.row.label))
        for cell in row.cells:
            cells.append(cell.flag if cell.flag else cell.number)
        rows.append(cells)
    return rows


def export_csv(view: TableView) -> str:
    """Semicolon-separated, decimal comma, as French spreadsheets open it (the caller adds a BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in export_rows(view):
        writer.writerow(
            [
                "" if value is None else str(value).replace(".", ",") if isinstance(value, float) else value
                for value in row
            ]
        )
    return buffer.getvalue()


def export_xlsx(view: TableView) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tableau"
    offset = 2 if view.has_groups else 1
    for row in export_rows(view):
        sheet.append(row)
    for index, column in enumerate(view.columns, start=offset + 1):
        number_format = '0.0" %"' if column.percent else "#,##0"
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if isinstance(cell.value, int | float):
                cell.number_format = number_format
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even if it starts with '='
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_json(view: TableView) -> str:
    """Records in the file's order: row label, header path, value (number or null), flag ('NS' or null)."""
    records = []
    for row in view.rows:
        for column, cell in zip(view.columns, row.cells, strict=True):
            records.append(
                {"row": row.row.label, "column": column.header, "value": cell.number, "flag": cell.flag or None}
            )
    return json.dumps(records, ensure_ascii=False, indent=1)
