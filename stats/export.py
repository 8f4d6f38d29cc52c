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


def percent_format(decimals: int) -> str:
    """The XLSX number format of a percentage: the cell holds the fraction (0.099) and a French spreadsheet shows
    it "9,9 %" ("0.0 %": the code's "." is the locale's decimal separator, "%" multiplies by 100 on display)."""
    return "0." + "0" * decimals + " %" if decimals else "0 %"


def _percent_columns(view: TableView) -> set[int]:
    """The indexes, in the exported rows, of the percentage columns."""
    offset = 2 if view.has_groups else 1
    return {offset + index for index, column in enumerate(view.columns) if column.percent}


def _csv_cell(value, percent: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        text = str(value).replace(".", ",")
        # "9,9 %": a French LibreOffice or Excel reads it as the percentage 0,099, so formulas on it are right.
        return f"{text} %" if percent else text
    return value


def export_csv(view: TableView) -> str:
    """Semicolon-separated, decimal comma, percentages written "9,9 %", as French spreadsheets open it (the caller
    adds a BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    percents = _percent_columns(view)
    for row in export_rows(view):
        writer.writerow([_csv_cell(value, index in percents) for index, value in enumerate(row)])
    return buffer.getvalue()


def export_xlsx(view: TableView) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tableau"
    offset = 2 if view.has_groups else 1
    for row in export_rows(view):
        sheet.append(row)
    for line, row in enumerate(view.rows, start=2):
        for index, (column, value) in enumerate(zip(view.columns, row.cells, strict=True), start=offset + 1):
            cell = sheet.cell(row=line, column=index)
            if isinstance(cell.value, int | float):
                if column.percent:
                    # The fraction, rounded as shown (9,9 % is 0.099, not 0.09900000000000001).
                    cell.value = round(cell.value / 100, value.decimals + 2)
                    cell.number_format = percent_format(value.decimals)
                else:
                    cell.number_format = "#,##0"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even if it starts with '='
    for row in sheet.iter_rows(min_row=2, max_col=offset):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
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
