"""`montants` tables: expense items × (regime amount, evolution) pairs, the total pair, reference evolutions.

Checked (warnings, never errors): each subtotal and grand total against its rows, each total against the sum
of its régimes.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..parsing import FileRejected, Grid, Problem, normalise_header
from .common import (
    MONTANTS,
    TOLERANCE,
    Column,
    Header,
    ParsedTable,
    Row,
    column_has_text,
    fmt,
    is_total_label,
    label_header,
    read_rows,
    sum_present,
)

REGIMES = ("rg", "msa", "autres")


def _montants_group(text: str) -> str:
    n = normalise_header(text)
    if re.match(r"^(sous[- ])?total\b|^ensemble\b", n):
        return "total"
    if re.search(r"\bfrance\b|\bnational", n):
        return "france"
    if re.search(r"\bregion\b|\bregional", n):
        return "region"
    if re.match(r"^(rg|regime general)\b", n):
        return "rg"
    if re.match(r"^msa\b", n):
        return "msa"
    if re.match(r"^(autres|rsi)\b", n):
        return "autres"
    return ""


def _montants_measure(text: str) -> str:
    n = normalise_header(text)
    if "montant" in n:
        return "amount"
    if re.search(r"evol|pcap|progression|%", n):
        return "evolution"
    return ""


def montants_columns(header: Header) -> tuple[list[Column], list[Problem]]:
    columns: list[Column] = []
    problems: list[Problem] = []
    for index, path in enumerate(header.paths):
        if not path:
            continue
        group = _montants_group(header.tops[index] or path)
        if not group:
            continue
        if group in ("region", "france"):
            measure = "evolution"
        else:
            measure = _montants_measure(header.bottoms[index]) or _montants_measure(
                path[len(header.tops[index]) :] if header.bottoms[index] else re.sub(r"^\S+", "", path)
            )
        if not measure:
            problems.append(
                Problem(
                    "en-tête incomplet : préciser « Montants » ou « Evolutions ».",
                    line=header.header_lines[-1],
                    column=index,
                    header=path,
                )
            )
            continue
        columns.append(Column(index, path, group, measure, percent=measure == "evolution"))
    return columns, problems


def parse_montants(grid: Grid, header: Header, declared: set[int] | None = None) -> ParsedTable:
    columns, problems = montants_columns(header)
    amounts = [column for column in columns if column.measure == "amount"]
    if not amounts:
        raise FileRejected(
            Problem(
                "en-têtes non reconnus pour un tableau de montants : il faut des colonnes de régime (« RG » ou "
                "« Régime général », « MSA », « Autres ») ou « TOTAL », avec « Montants » et « Evolutions ».",
                line=header.header_lines[0],
            )
        )
    seen: dict[tuple[str, str], Column] = {}
    for column in columns:
        key = (column.group, column.measure)
        if key in seen:
            problems.append(
                Problem("colonne en double.", line=header.header_lines[-1], column=column.index, header=column.header)
            )
        seen[key] = column
    if problems:
        raise FileRejected(problems)
    first_data = min(column.index for column in columns)
    label_indexes = list(range(first_data)) or None
    if label_indexes is None:
        raise FileRejected(Problem("la première colonne doit être le poste de dépense.", line=header.header_lines[0]))
    # Only label columns with a header or a value count (leading blank columns of a sheet are ignored).
    label_indexes = [index for index in label_indexes if header.paths[index] or column_has_text(header, index)]
    if not label_indexes:
        raise FileRejected(Problem("la colonne des postes de dépense est vide.", line=header.header_lines[0]))
    rows, errors = read_rows(grid, header, columns, label_indexes)
    if errors:
        raise FileRejected(errors)
    table = ParsedTable(MONTANTS, columns, rows, label_header=label_header(header.paths[label_indexes[-1]], "Poste"))
    _check_montants(table, declared)
    return table


def _is_grand_total_label(label: str) -> bool:
    n = normalise_header(label)
    return bool(re.match(r"^(total|ensemble)( (des )?(prestations|postes|general|montants))?$", n))


def _check_montants(table: ParsedTable, declared: set[int] | None = None) -> None:
    """Warn where a subtotal or a grand total differs from its rows, or a total from the sum of its régimes."""
    amounts = [column for column in table.columns if column.measure == "amount"]
    key = table.column("total", "amount") or amounts[0]
    if declared is not None:
        children = _declared_subtotals(table.rows, declared)
    else:
        children = _detected_subtotals(table, key)
    children.update(_total_rows_children(table, key, children))
    _check_subtotals(table, children, amounts)
    _check_regimes(table)


def _declared_subtotals(rows: list[Row], declared: set[int]) -> dict[int, list[Row]]:
    """Declared in the preview: a "Total …" row adds up the rows of its group; any other declared row ("LPP",
    "Médicaments") adds up the rows below it, down to the next subtotal."""
    children: dict[int, list[Row]] = {}
    for row in rows:
        row.is_subtotal = row.line in declared
    for position, row in enumerate(rows):
        if row.is_subtotal and not is_total_label(row.label):
            members = []
            for follower in rows[position + 1 :]:
                if follower.is_subtotal:
                    break
                members.append(follower)
            children[position] = members
    return children


def _detected_subtotals(table: ParsedTable, key: Column) -> dict[int, list[Row]]:
    """Subtotal rows: by their label, or because they are the sum of the rows just below them ("LPP",
    "Médicaments")."""
    rows = table.rows
    children: dict[int, list[Row]] = {}
    for row in rows:
        row.is_subtotal = is_total_label(row.label)
    for position, row in enumerate(rows):
        value = table.value(row, key)
        if row.is_subtotal or not value:
            continue
        running = Decimal(0)
        for offset, follower in enumerate(rows[position + 1 : position + 200], start=1):
            if follower.is_subtotal:
                break
            running += table.value(follower, key) or 0
            if offset >= 2 and abs(running - value) <= TOLERANCE:
                row.is_subtotal = True
                children[position] = rows[position + 1 : position + 1 + offset]
                break
    return children


def _total_rows_children(table: ParsedTable, key: Column, children: dict[int, list[Row]]) -> dict[int, list[Row]]:
    """The rows each "Total …" row adds up. A grand total is the sum of the top-level rows (subtotals and the
    detail rows under no subtotal): summing the subtotals rather than every detail row keeps the rounding
    within ±1."""
    rows = table.rows
    leaves = [row for row in rows if not row.is_subtotal]
    found = dict(children)
    grand_totals = []
    for position, row in enumerate(rows):
        if not (row.is_subtotal and is_total_label(row.label)):
            continue
        if _is_grand_total_label(row.label):
            grand_totals.append(position)
        else:
            found[position] = _total_children(table, rows, position, leaves, key)
    covered = {id(member) for members in found.values() for member in members}
    top_level = [row for position, row in enumerate(rows) if position not in grand_totals and id(row) not in covered]
    for position in grand_totals:
        found[position] = top_level
    return found


def _check_subtotals(table: ParsedTable, children: dict[int, list[Row]], amounts: list[Column]) -> None:
    for position, members in sorted(children.items()):
        row = table.rows[position]
        for column in amounts:
            given = table.value(row, column)
            if given is None or not members:
                continue
            computed = sum_present(table.value(member, column) for member in members)
            if abs(computed - given) > TOLERANCE:
                table.warnings.append(
                    Problem(
                        f"le sous-total « {row.label} » ({fmt(given)}) diffère de la somme de ses lignes de détail "
                        f"({fmt(computed)}).",
                        line=row.line,
                        column=column.index,
                        header=column.header,
                    )
                )


def _check_regimes(table: ParsedTable) -> None:
    total = table.column("total", "amount")
    regimes = [table.column(regime, "amount") for regime in REGIMES if table.column(regime, "amount")]
    if total is None or not regimes:
        return
    for row in table.rows:
        given = table.value(row, total)
        parts = [table.value(row, column) for column in regimes]
        if given is None or all(part is None for part in parts):
            continue
        computed = sum_present(parts)
        if abs(computed - given) > TOLERANCE:
            table.warnings.append(
                Problem(
                    f"le total ({fmt(given)}) diffère de la somme des régimes ({fmt(computed)}).",
                    line=row.line,
                    column=total.index,
                    header=total.header,
                )
            )


def _total_children(table: ParsedTable, rows: list[Row], position: int, leaves: list[Row], key: Column) -> list[Row]:
    row = rows[position]
    name = normalise_header(re.sub(r"^(sous[- ]?)?total\s*", "", row.label, flags=re.IGNORECASE))
    grouped = [leaf for leaf in leaves if leaf.group_label and normalise_header(leaf.group_label) == name]
    if grouped:
        return grouped
    before: list[Row] = []
    for previous in reversed(rows[:position]):
        if previous.is_subtotal:
            break
        before.insert(0, previous)
    after: list[Row] = []
    for following in rows[position + 1 :]:
        if following.is_subtotal:
            break
        after.append(following)
    given = table.value(row, key)
    for candidate in (before, after, leaves):
        computed = sum_present(table.value(member, key) for member in candidate)
        if candidate and given is not None and abs(computed - given) <= TOLERANCE:
            return candidate
    return before or after
