"""Table layouts: recognise the columns of a grid by their headers, read the values, check the table.

Three kinds of small tables (the `extrait` kind is handled by `stats.extract`):
- `montants`: expense items × (regime amount, evolution) pairs, total pair, reference evolutions;
- `sesam_vitale`: per department or organism, professionals, in SESAM-Vitale, rate, in SCOR, rate;
- `indicateurs`: per department, any counts and percentages, with a region total row.
Columns are found by their header text, never by their position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .parsing import FLAG_NS, Cell, FileRejected, Grid, Number, Problem, cell_text, is_number, normalise_header
from .parsing import parse_number as _parse_number
from .territories import territory_code_in_label

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
REGIMES = ("rg", "msa", "autres")


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
class _Header:
    width: int
    paths: list[str]
    tops: list[str]
    bottoms: list[str]
    data: list[tuple[int, list[Cell]]]
    preamble: list[str]
    header_lines: list[int]


# --- Headers --------------------------------------------------------------------------------------------


def _label_header(text: str, default: str) -> str:
    """The header of the label column; a header without a letter ("." as some extractions write it) is none."""
    return text if any(character.isalpha() for character in text) else default


def _split_header(grid: Grid) -> _Header:
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
    return _Header(
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


def _montants_columns(header: _Header) -> tuple[list[Column], list[Problem]]:
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


def _sesam_columns(header: _Header) -> list[Column]:
    columns = []
    for index, path in enumerate(header.paths[1:], start=1):
        role = _sesam_role(path) if path else ""
        if role:
            columns.append(Column(index, path, "", role, percent=role.startswith("rate")))
    return columns


def detect_kind(grid: Grid) -> str:
    """The kind of table whose headers the grid has: montants, sesam_vitale or indicateurs."""
    header = _split_header(grid)
    columns, _ = _montants_columns(header)
    if sum(1 for column in columns if column.measure == "amount") >= 2:
        return MONTANTS
    roles = {column.measure for column in _sesam_columns(header)}
    if {"count_total", "count_sv"} <= roles:
        return SESAM_VITALE
    return INDICATEURS


# --- Rows -----------------------------------------------------------------------------------------------


def _read_rows(
    grid: Grid, header: _Header, columns: list[Column], label_indexes: list[int]
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
        if _is_total_label(label):
            group = ""
    # Notes under the table ("* Démarrage en février 2024") are not rows.
    while rows and not any(value.value is not None or value.flag for value in rows[-1].values):
        rows.pop()
    return rows, errors


def _is_total_label(label: str) -> bool:
    return bool(re.match(r"^(sous[- ]?)?total\b|^ensemble\b", normalise_header(label)))


def _is_grand_total_label(label: str) -> bool:
    n = normalise_header(label)
    return bool(re.match(r"^(total|ensemble)( (des )?(prestations|postes|general|montants))?$", n))


# --- Parsing by kind --------------------------------------------------------------------------------------


def parse_table(grid: Grid, kind: str = AUTO, subtotals: set[int] | list[int] | None = None) -> ParsedTable:
    """The table of a grid, as the given kind (or the detected one); FileRejected when it cannot be read.

    `subtotals`: the lines of the file that the secretariat declared as subtotal (or total) rows in the
    preview; None lets them be recognised (by their label, or as the sum of the rows below them).
    """
    if kind == AUTO:
        kind = detect_kind(grid)
    header = _split_header(grid)
    declared = None if subtotals is None else {int(line) for line in subtotals}
    if kind == MONTANTS:
        table = _parse_montants(grid, header, declared)
    elif kind == SESAM_VITALE:
        table = _parse_sesam(grid, header)
        if declared is not None:
            for row in table.rows:
                row.is_subtotal = row.line in declared
    elif kind == INDICATEURS:
        table = _parse_indicateurs(grid, header, declared)
    else:
        raise FileRejected(f"Type de tableau inconnu : « {kind} ».")
    table.preamble = header.preamble
    return table


def _parse_montants(grid: Grid, header: _Header, declared: set[int] | None = None) -> ParsedTable:
    columns, problems = _montants_columns(header)
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
    label_indexes = [index for index in label_indexes if header.paths[index] or _column_has_text(header, index)]
    if not label_indexes:
        raise FileRejected(Problem("la colonne des postes de dépense est vide.", line=header.header_lines[0]))
    rows, errors = _read_rows(grid, header, columns, label_indexes)
    if errors:
        raise FileRejected(errors)
    table = ParsedTable(MONTANTS, columns, rows, label_header=_label_header(header.paths[label_indexes[-1]], "Poste"))
    _check_montants(table, declared)
    return table


def _column_has_text(header: _Header, index: int) -> bool:
    return any(index < len(cells) and cell_text(cells[index]) for _, cells in header.data)


def _parse_sesam(grid: Grid, header: _Header) -> ParsedTable:
    columns = _sesam_columns(header)
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
    rows, errors = _read_rows(grid, header, columns, [0])
    if errors:
        raise FileRejected(errors)
    table = ParsedTable(SESAM_VITALE, columns, rows, label_header=_label_header(header.paths[0], "Territoire"))
    _check_sesam(table)
    return table


def _parse_indicateurs(grid: Grid, header: _Header, declared: set[int] | None = None) -> ParsedTable:
    columns = []
    for index, path in enumerate(header.paths[1:], start=1):
        if path:
            n = normalise_header(path)
            columns.append(Column(index, path, "", "value", percent=bool(re.search(r"\b(part|taux)\b|%", n))))
        elif _column_has_text(header, index):
            raise FileRejected(Problem("colonne sans en-tête.", line=header.header_lines[0], column=index))
    if not columns:
        raise FileRejected(
            Problem(
                "en-têtes non reconnus : la première colonne doit être le territoire, les suivantes des indicateurs.",
                line=header.header_lines[0],
            )
        )
    rows, errors = _read_rows(grid, header, columns, [0])
    if errors:
        raise FileRejected(errors)
    for position, column in enumerate(columns):
        if any(row.values[position].percent for row in rows):
            column.percent = True
    table = ParsedTable(INDICATEURS, columns, rows, label_header=_label_header(header.paths[0], "Territoire"))
    _check_indicateurs(table, declared)
    return table


# --- Consistency checks (warnings, never errors) -----------------------------------------------------------


def _fmt(value: Decimal) -> str:
    from portal.formats import format_number

    return format_number(value)


def _sum(values) -> Decimal:
    return sum((value for value in values if value is not None), Decimal(0))


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
        if row.is_subtotal and not _is_total_label(row.label):
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
        row.is_subtotal = _is_total_label(row.label)
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
        if not (row.is_subtotal and _is_total_label(row.label)):
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
            computed = _sum(table.value(member, column) for member in members)
            if abs(computed - given) > TOLERANCE:
                table.warnings.append(
                    Problem(
                        f"le sous-total « {row.label} » ({_fmt(given)}) diffère de la somme de ses lignes de détail "
                        f"({_fmt(computed)}).",
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
        computed = _sum(parts)
        if abs(computed - given) > TOLERANCE:
            table.warnings.append(
                Problem(
                    f"le total ({_fmt(given)}) diffère de la somme des régimes ({_fmt(computed)}).",
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
        if candidate and given is not None and abs(_sum(table.value(r, key) for r in candidate) - given) <= TOLERANCE:
            return candidate
    return before or after


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
                        f"plus de professionnels en {label} ({_fmt(numerator)}) que de professionnels "
                        f"({_fmt(denominator)}).",
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
                        f"taux {label} donné {_fmt(given.value)} %, recalculé {_fmt(exact)} % "
                        f"({_fmt(numerator)} / {_fmt(denominator)}).",
                        line=row.line,
                        column=rate.index,
                        header=rate.header,
                    )
                )


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
        candidates = [row for row in table.rows if _is_total_label(row.label)] or [table.rows[-1]]
        total_row = candidates[-1]
        others = [row for row in table.rows if row is not total_row and not _is_total_label(row.label)]
    checks: list[tuple[Column, Decimal, Decimal]] = []
    for position, column in enumerate(table.columns):
        values = [row.values[position].value for row in table.rows]
        if column.percent or any(v is not None and v != v.to_integral_value() for v in values):
            continue
        given = total_row.values[position].value
        if given is None:
            continue
        checks.append((column, given, _sum(row.values[position].value for row in others)))
    matching = [check for check in checks if abs(check[1] - check[2]) <= TOLERANCE]
    if declared is None and not (matching or _is_total_label(total_row.label)):
        return
    total_row.is_subtotal = True
    for column, given, computed in checks:
        if abs(given - computed) > TOLERANCE:
            table.warnings.append(
                Problem(
                    f"la ligne de total « {total_row.label} » ({_fmt(given)}) diffère de la somme des autres lignes "
                    f"({_fmt(computed)}).",
                    line=total_row.line,
                    column=column.index,
                    header=column.header,
                )
            )


__all__ = [
    "AUTO",
    "FLAG_NS",
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
