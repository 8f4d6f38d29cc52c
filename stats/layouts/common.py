"""What every kind of table shares: the kinds, a table's columns and rows, its header, reading its rows.

Columns are found by their header text, never by their position; each kind of table (`montants.py`,
`sesam_vitale.py`, `indicateurs.py`) says which headers it recognises and which totals it checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from portal.formats import format_number

from ..parsing import Cell, FileRejected, Grid, Number, Problem, cell_text, is_number, normalise_header
from ..parsing import parse_number as _parse_number
from ..territories import territory_code_in_label

MONTANTS = "montants"
SESAM_VITALE = "sesam_vitale"
INDICATEURS = "indicateurs"
AUTO = "auto"
TOLERANCE = Decimal(1)

GROUP_LABELS = {
    "rg": "Régime général",
    "msa": "MSA",
    "autres": "Autres régimes",
    "total": "Total",
    "region": "Évolution région",
    "france": "Évolution France",
}
MEASURE_LABELS = {
    "amount": "montant",
    "evolution": "évolution (%)",
    "count_total": "nombre de professionnels",
    "count_sv": "en SESAM-Vitale",
    "rate_sv": "taux SESAM-Vitale (%)",
    "count_scor": "en SCOR",
    "rate_scor": "taux SCOR (%)",
    "value": "valeur",
}


@dataclass
class Column:
    """A data column of the file: where it is, its header path, and what it holds."""

    index: int
    header: str
    group: str = ""
    measure: str = "value"
    percent: bool = False

    @property
    def description(self) -> str:
        parts = [GROUP_LABELS.get(self.group, ""), MEASURE_LABELS.get(self.measure, "")]
        return " — ".join(part for part in parts if part)


@dataclass
class Row:
    """A data row: its line in the file, its label (and group, territory code), one value per column."""

    line: int
    label: str
    values: list[Number]
    group_label: str = ""
    code: str = ""
    is_subtotal: bool = False


@dataclass
class ParsedTable:
    kind: str
    columns: list[Column]
    rows: list[Row]
    label_header: str = ""
    warnings: list[Problem] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)

    def column(self, group: str, measure: str) -> Column | None:
        return next((c for c in self.columns if c.group == group and c.measure == measure), None)

    def value(self, row: Row, column: Column | None) -> Decimal | None:
        if column is None:
            return None
        return row.values[self.columns.index(column)].value


@dataclass
class Header:
    width: int
    paths: list[str]
    tops: list[str]
    bottoms: list[str]
    data: list[tuple[int, list[Cell]]]
    preamble: list[str]
    header_lines: list[int]


def label_header(text: str, default: str) -> str:
    """The header of the label column; a header without a letter ("." as some extractions write it) is none."""
    return text if any(character.isalpha() for character in text) else default


def split_header(grid: Grid) -> Header:
    rows = [(line, cells) for line, cells in grid.rows if any(cell_text(cell) for cell in cells)]
    preamble: list[str] = []
    # Title and source lines above the table hold one cell each.
    while len(rows) > 1 and sum(1 for cell in rows[0][1] if cell_text(cell)) <= 1:
        preamble.append(next(cell_text(cell) for cell in rows[0][1] if cell_text(cell)))
        rows.pop(0)
    if not rows:
        raise FileRejected("Le fichier est vide.")
    header_rows = [rows[0]]
    if len(rows) > 1:
        cells = rows[1][1][1:]
        filled = [cell for cell in cells if cell_text(cell)]
        if filled and not any(is_number(cell) for cell in filled):
            header_rows.append(rows[1])
    width = max(_last_filled(cells) for _, cells in header_rows) + 1
    tops = _pad([cell_text(cell) for cell in header_rows[0][1]], width)
    bottoms = _pad([cell_text(cell) for cell in header_rows[1][1]], width) if len(header_rows) > 1 else [""] * width
    if len(header_rows) > 1:
        # A group header merged over its columns is written once, above the first of them.
        for index in range(1, width):
            if not tops[index] and bottoms[index] and tops[index - 1]:
                tops[index] = tops[index - 1]
    paths = [" / ".join(part for part in (top, bottom) if part) for top, bottom in zip(tops, bottoms, strict=True)]
    return Header(
        width=width,
        paths=paths,
        tops=tops,
        bottoms=bottoms,
        data=rows[len(header_rows) :],
        preamble=preamble,
        header_lines=[line for line, _ in header_rows],
    )


def _last_filled(cells: list[Cell]) -> int:
    return max((index for index, cell in enumerate(cells) if cell_text(cell)), default=0)


def _pad(values: list, width: int) -> list:
    return (values + [""] * width)[:width]


def read_rows(
    grid: Grid, header: Header, columns: list[Column], label_indexes: list[int]
) -> tuple[list[Row], list[Problem]]:
    rows: list[Row] = []
    errors: list[Problem] = []
    group = ""
    for line, raw in header.data:
        if grid.file_format == "csv":
            if len(raw) < header.width:
                errors.append(Problem(f"{len(raw)} cellules au lieu de {header.width} (ligne trop courte).", line=line))
                continue
            extra = [index for index in range(header.width, len(raw)) if cell_text(raw[index])]
            if extra:
                errors.append(
                    Problem(
                        f"{len(raw)} cellules au lieu de {header.width} (ligne trop longue).",
                        line=line,
                        column=extra[0],
                    )
                )
                continue
        cells = _pad(list(raw), header.width)
        labels = [cell_text(cells[index]) for index in label_indexes]
        label = next((text for text in reversed(labels) if text), "")
        if len(labels) > 1 and labels[0] and labels[0] != label:
            group = labels[0]
        values: list[Number] = []
        for column in columns:
            cell = cells[column.index]
            try:
                values.append(_parse_number(cell, percent_column=column.percent and not isinstance(cell, str)))
            except ValueError as error:
                errors.append(Problem(str(error), line=line, column=column.index, header=column.header))
                values.append(Number(None))
        has_values = any(value.value is not None or value.flag for value in values)
        if not label:
            if has_values:
                errors.append(Problem("intitulé de ligne manquant.", line=line, column=label_indexes[-1]))
            continue
        row_group = (labels[0] if labels[0] and labels[0] != label else group) if len(labels) > 1 else ""
        rows.append(Row(line, label, values, group_label=row_group, code=territory_code_in_label(label)))
        if is_total_label(label):
            group = ""
    # Notes under the table ("* Démarrage en février 2024") are not rows.
    while rows and not any(value.value is not None or value.flag for value in rows[-1].values):
        rows.pop()
    return rows, errors


def is_total_label(label: str) -> bool:
    return bool(re.match(r"^(sous[- ]?)?total\b|^ensemble\b", normalise_header(label)))


def column_has_text(header: Header, index: int) -> bool:
    return any(index < len(cells) and cell_text(cells[index]) for _, cells in header.data)


def fmt(value: Decimal) -> str:
    return format_number(value)


def sum_present(values) -> Decimal:
    return sum((value for value in values if value is not None), Decimal(0))
