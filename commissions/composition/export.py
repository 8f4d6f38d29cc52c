"""Export of a commission's composition at a date, in the import's format (CSV or XLSX): exporting and importing
again at the same date changes nothing.

Names, e-mails and acronyms are typed by people: a text that a spreadsheet would run as a formula
("=HYPERLINK(…)") is written with a leading apostrophe, and as a text cell in the XLSX (portal.spreadsheets).
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import openpyxl
from openpyxl.styles import Font

from portal.spreadsheets import escape_text

from .models import Commission, Mandate
from .reading import HEADERS, cell_text
from .selectors import composition_on


def composition_table(*, commission: Commission, day: datetime.date) -> list[list[Any]]:
    """The composition on a day as rows in the import format (header first); vacancies have no name."""
    table: list[list[Any]] = [list(HEADERS)]
    for composition in composition_on(commission, day):
        section = composition.section.get_kind_display()
        for seat_row in composition.rows:
            for role, mandate in (
                (Mandate.Role.TITULAR, seat_row.titular),
                (Mandate.Role.SUBSTITUTE, seat_row.substitute),
            ):
                line: list[Any] = [section, seat_row.seat.organisation.acronym, role.label.lower()]
                if mandate is None:
                    line += ["", "", "", "", None, None]
                else:
                    person = mandate.person
                    line += [
                        person.civility,
                        person.last_name,
                        person.first_name,
                        person.email,
                        mandate.start,
                        mandate.end,
                    ]
                table.append(line)
    return table


def composition_csv(*, commission: Commission, day: datetime.date) -> bytes:
    """CSV separated by `;`, UTF-8 with a BOM so that Excel reads the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in composition_table(commission=commission, day=day):
        writer.writerow(escape_text(cell_text(cell)) for cell in line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def composition_xlsx(*, commission: Commission, day: datetime.date) -> bytes:
    """A workbook of one sheet; dates are date cells shown as jj/mm/aaaa."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Composition"
    for line in composition_table(commission=commission, day=day):
        sheet.append([escape_text(cell) if isinstance(cell, str) else cell for cell in line])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in ("H", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    for column, width in zip("ABCDEFGHI", (24, 18, 12, 10, 22, 18, 30, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
