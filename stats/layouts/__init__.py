"""Table layouts: recognise the columns of a grid by their headers, read the values, check the table.

Three kinds of small tables, one module each (the `extrait` kind is handled by `stats.extract`):
- `montants`: expense items × (regime amount, evolution) pairs, total pair, reference evolutions;
- `sesam_vitale`: per department or organism, professionals, in SESAM-Vitale, rate, in SCOR, rate;
- `indicateurs`: per department, any counts and percentages, with a region total row.
What they share is in `common`. This module recognises the kind of a grid and hands it to its module.
"""

from __future__ import annotations

from ..parsing import FileRejected, Grid
from .common import AUTO, INDICATEURS, MONTANTS, SESAM_VITALE, Column, ParsedTable, Row, split_header
from .indicateurs import parse_indicateurs
from .montants import montants_columns, parse_montants
from .sesam_vitale import parse_sesam, rate_explained, sesam_columns

PARSERS = {MONTANTS: parse_montants, SESAM_VITALE: parse_sesam, INDICATEURS: parse_indicateurs}


def detect_kind(grid: Grid) -> str:
    """The kind of table whose headers the grid has: montants, sesam_vitale or indicateurs."""
    header = split_header(grid)
    columns, _ = montants_columns(header)
    if sum(1 for column in columns if column.measure == "amount") >= 2:
        return MONTANTS
    roles = {column.measure for column in sesam_columns(header)}
    if {"count_total", "count_sv"} <= roles:
        return SESAM_VITALE
    return INDICATEURS


def parse_table(grid: Grid, kind: str = AUTO, subtotals: set[int] | list[int] | None = None) -> ParsedTable:
    """The table of a grid, as the given kind (or the detected one); FileRejected when it cannot be read.

    `subtotals`: the lines of the file that the secretariat declared as subtotal (or total) rows in the
    preview; None lets them be recognised (by their label, or as the sum of the rows below them).
    """
    if kind == AUTO:
        kind = detect_kind(grid)
    header = split_header(grid)
    declared = None if subtotals is None else {int(line) for line in subtotals}
    parse = PARSERS.get(kind)
    if parse is None:
        raise FileRejected(f"Type de tableau inconnu : « {kind} ».")
    table = parse(grid, header, declared)
    table.preamble = header.preamble
    return table


__all__ = [
    "AUTO",
    "INDICATEURS",
    "MONTANTS",
    "SESAM_VITALE",
    "Column",
    "ParsedTable",
    "Row",
    "detect_kind",
    "parse_table",
    "rate_explained",
]
