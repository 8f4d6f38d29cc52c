"""`sesam_vitale` tables: per department or organism, professionals, in SESAM-Vitale, rate, in SCOR, rate.

Checked (warnings, never errors): no more professionals in SESAM-Vitale than professionals, each rate against
its counts.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..parsing import FileRejected, Grid, Number, Problem, normalise_header
from .common import MEASURE_LABELS, SESAM_VITALE, Column, Header, ParsedTable, fmt, label_header, read_rows


def _sesam_role(text: str) -> str:
    n = normalise_header(text)
    rate = "taux" in n or "%" in n
    if "scor" in n:
        return "rate_scor" if rate else "count_scor"
    if "sesam" in n or re.search(r"\bsv\b", n) or "vitale" in n or "fse" in n:
        return "rate_sv" if rate else "count_sv"
    if re.search(r"\b(total|nombre|nb)\b.*\b(ps|professionnels?)\b", n) or n in ("ps", "effectif", "total"):
        return "count_total"
    return ""


def sesam_columns(header: Header) -> list[Column]:
    columns = []
    for index, path in enumerate(header.paths[1:], start=1):
        role = _sesam_role(path) if path else ""
        if role:
            columns.append(Column(index, path, "", role, percent=role.startswith("rate")))
    return columns


def parse_sesam(grid: Grid, header: Header, declared: set[int] | None = None) -> ParsedTable:
    columns = sesam_columns(header)
    roles = [column.measure for column in columns]
    missing = [MEASURE_LABELS[role] for role in ("count_total", "count_sv", "rate_sv") if role not in roles]
    if missing:
        raise FileRejected(
            Problem(
                "en-têtes non reconnus pour un tableau SESAM-Vitale : colonne(s) manquante(s) : "
                + ", ".join(missing)
                + ".",
                line=header.header_lines[0],
            )
        )
    duplicates = {role for role in roles if roles.count(role) > 1}
    if duplicates:
        column = next(column for column in columns if column.measure in duplicates)
        raise FileRejected(
            Problem("colonne en double.", line=header.header_lines[0], column=column.index, header=column.header)
        )
    rows, errors = read_rows(grid, header, columns, [0])
    if errors:
        raise FileRejected(errors)
    table = ParsedTable(SESAM_VITALE, columns, rows, label_header=label_header(header.paths[0], "Territoire"))
    _check_sesam(table)
    if declared is not None:
        for row in table.rows:
            row.is_subtotal = row.line in declared
    return table


def rate_explained(given: Number, numerator: Decimal, denominator: Decimal) -> bool:
    """True when the given rate is the exact rate rounded or truncated to the decimals shown."""
    exact = numerator * 100 / denominator
    step = Decimal(1).scaleb(-given.decimals)
    candidates = {exact.quantize(step, rounding=ROUND_HALF_UP), exact.quantize(step, rounding=ROUND_DOWN)}
    return given.value in candidates


def _check_sesam(table: ParsedTable) -> None:
    total = table.column("", "count_total")
    for count_role, rate_role, label, capped in (
        ("count_sv", "rate_sv", "SESAM-Vitale", True),
        ("count_scor", "rate_scor", "SCOR", False),
    ):
        count = table.column("", count_role)
        rate = table.column("", rate_role)
        if count is None:
            continue
        for row in table.rows:
            denominator = table.value(row, total)
            numerator = table.value(row, count)
            if denominator is None or numerator is None:
                continue
            if capped and numerator > denominator:
                table.warnings.append(
                    Problem(
                        f"plus de professionnels en {label} ({fmt(numerator)}) que de professionnels "
                        f"({fmt(denominator)}).",
                        line=row.line,
                        column=count.index,
                        header=count.header,
                    )
                )
            if rate is None or denominator == 0:
                continue
            given = row.values[table.columns.index(rate)]
            if given.value is None:
                continue
            if not rate_explained(given, numerator, denominator):
                exact = (numerator * 100 / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                table.warnings.append(
                    Problem(
                        f"taux {label} donné {fmt(given.value)} %, recalculé {fmt(exact)} % "
                        f"({fmt(numerator)} / {fmt(denominator)}).",
                        line=row.line,
                        column=rate.index,
                        header=rate.header,
                    )
                )
