"""`indicateurs` tables: per department, any counts and percentages, with a region total row.

Checked (warnings, never errors): the total row against the sum of the other rows, for each count column.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..parsing import FileRejected, Grid, Problem, normalise_header
from .common import (
    INDICATEURS,
    TOLERANCE,
    Column,
    Header,
    ParsedTable,
    column_has_text,
    fmt,
    is_total_label,
    label_header,
    read_rows,
    sum_present,
)


def parse_indicateurs(grid: Grid, header: Header, declared: set[int] | None = None) -> ParsedTable:
    columns = []
    for index, path in enumerate(header.paths[1:], start=1):
        if path:
            n = normalise_header(path)
            columns.append(Column(index, path, "", "value", percent=bool(re.search(r"\b(part|taux)\b|%", n))))
        elif column_has_text(header, index):
            raise FileRejected(Problem("colonne sans en-tête.", line=header.header_lines[0], column=index))
    if not columns:
        raise FileRejected(
            Problem(
                "en-têtes non reconnus : la première colonne doit être le territoire, les suivantes des indicateurs.",
                line=header.header_lines[0],
            )
        )
    rows, errors = read_rows(grid, header, columns, [0])
    if errors:
        raise FileRejected(errors)
    for position, column in enumerate(columns):
        if any(row.values[position].percent for row in rows):
            column.percent = True
    table = ParsedTable(INDICATEURS, columns, rows, label_header=label_header(header.paths[0], "Territoire"))
    _check_indicateurs(table, declared)
    return table


def _check_indicateurs(table: ParsedTable, declared: set[int] | None = None) -> None:
    if declared is not None:
        # Declared in the preview: the last declared row is the total of the rows not declared.
        for row in table.rows:
            row.is_subtotal = row.line in declared
        totals = [row for row in table.rows if row.is_subtotal]
        if not totals:
            return
        total_row = totals[-1]
        others = [row for row in table.rows if not row.is_subtotal]
    else:
        if len(table.rows) < 3:
            return
        candidates = [row for row in table.rows if is_total_label(row.label)] or [table.rows[-1]]
        total_row = candidates[-1]
        others = [row for row in table.rows if row is not total_row and not is_total_label(row.label)]
    checks: list[tuple[Column, Decimal, Decimal]] = []
    for position, column in enumerate(table.columns):
        values = [row.values[position].value for row in table.rows]
        if column.percent or any(v is not None and v != v.to_integral_value() for v in values):
            continue
        given = total_row.values[position].value
        if given is None:
            continue
        checks.append((column, given, sum_present(row.values[position].value for row in others)))
    matching = [check for check in checks if abs(check[1] - check[2]) <= TOLERANCE]
    if declared is None and not (matching or is_total_label(total_row.label)):
        return
    total_row.is_subtotal = True
    for column, given, computed in checks:
        if abs(given - computed) > TOLERANCE:
            table.warnings.append(
                Problem(
                    f"la ligne de total « {total_row.label} » ({fmt(given)}) diffère de la somme des autres lignes "
                    f"({fmt(computed)}).",
                    line=total_row.line,
                    column=column.index,
                    header=column.header,
                )
            )
