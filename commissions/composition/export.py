"""Export of a commission's composition at a date, in the import's format (CSV or XLSX): exporting and importing
again at the same date changes nothing.

Names, e-mails and acronyms are typed by people: a text that a spreadsheet would run as a formula
("=HYPERLINK(…)") is written with a leading apostrophe, and as a text cell in the XLSX (portal.spreadsheets).
"""

from __future__ import annotations

import datetime
from typing import Any

from portal.spreadsheets import table_csv, table_xlsx

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
    return table_csv(composition_table(commission=commission, day=day), cell_text=cell_text)


def composition_xlsx(*, commission: Commission, day: datetime.date) -> bytes:
    """A workbook of one sheet; dates are date cells shown as jj/mm/aaaa."""
    return table_xlsx(
        composition_table(commission=commission, day=day),
        title="Composition",
        widths=(24, 18, 12, 10, 22, 18, 30, 12, 12),
        date_columns="HI",
    )
