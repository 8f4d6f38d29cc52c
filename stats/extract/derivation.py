"""Derivation of a commission's `montants` table from a loaded extract: one territory, one period.

Each regime's amounts and evolutions (PCAP), the total, and the evolutions of the region and of France, as a
parsed table stored like an uploaded one.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Min, Sum, Value, When

from ..layouts import MONTANTS, Column, ParsedTable, Row
from ..models import ExtractLine, NationalExtract, StatTable
from ..parsing import Number
from ..services import TableMeta, table_store
from ..territories import FRANCE, REGION_DEPARTMENTS, normalise_territory, region_of

REGIME_ORDER = ["RG", "MSA", "Autres"]


def _evolution(amount: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """PCAP in %, one decimal; none when the previous amount is missing or 0."""
    if amount is None or not previous:
        return None
    return ((amount - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


Sums = dict[tuple[str, str], tuple[Decimal | None, Decimal | None]]


def _by_poste(sums: Sums) -> dict[str, tuple[Decimal, Decimal | None]]:
    totals: dict[str, list] = {}
    for (poste, _regime), (amount, previous) in sums.items():
        entry = totals.setdefault(poste, [Decimal(0), None])
        entry[0] += amount or 0
        if previous is not None:
            entry[1] = (entry[1] or Decimal(0)) + previous
    return {poste: (values[0], values[1]) for poste, values in totals.items()}


def _reference_sums(lines, own: str, region: str) -> dict[str, tuple[Sums, dict[str, int]]]:
    """For the own territory, its region and France: sums by (poste, regime) and the first line of each poste.

    A territory's lines are its own when the extract has any for the period, else the sum of its departments.
    One query and one pass over the period's lines: each line falls in one class (the own territory, the
    region, France, another department of the region, another region, another department), the sums are
    grouped by (poste, regime, class), and the classes are added up here.
    """
    region_departments = set(REGION_DEPARTMENTS.get(region, ()))
    classes = Case(
        When(territory=own, then=Value("own")),
        When(territory=region or own, then=Value("region")),
        When(territory=FRANCE, then=Value("france")),
        When(territory__in=sorted(region_departments), then=Value("region_departments")),
        When(territory__startswith="R", then=Value("other_regions")),
        default=Value("other_departments"),
        output_field=CharField(),
    )
    query = (
        lines.annotate(scope=classes)
        .values("poste", "regime", "scope")
        .annotate(count=Count("id"), amount=Sum("amount"), previous=Sum("amount_n_1"), first=Min("line"))
        .order_by()
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The planner expects far more groups than there are and sorts on disk; a few thousand groups fit in
            # a hash table. JIT compilation costs more than it saves on a sub-second query.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        groups = list(query)
    own_is_department = not own.startswith("R") and own != FRANCE

    def departments_of(code: str) -> set[str]:
        if code == FRANCE:
            return {"region_departments", "other_departments"} | ({"own"} if own_is_department else set())
        if code == region:
            return {"region_departments"} | ({"own"} if own in region_departments else set())
        return set()

    def exact(code: str) -> set[str]:
        return {"own" if code == own else "region" if code == region else "france" if code == FRANCE else ""}

    result = {}
    for scope, code in (("own", own), ("region", region), ("france", FRANCE)):
        if not code:
            continue
        chosen = exact(code)
        if not any(group["scope"] in chosen for group in groups):
            chosen = departments_of(code)
        totals: dict[tuple[str, str], list] = {}
        first: dict[str, int] = {}
        for group in groups:
            if group["scope"] not in chosen:
                continue
            entry = totals.setdefault((group["poste"], group["regime"]), [None, None])
            for position, value in ((0, group["amount"]), (1, group["previous"])):
                if value is not None:
                    entry[position] = value if entry[position] is None else entry[position] + value
            first[group["poste"]] = min(first.get(group["poste"], group["first"]), group["first"])
        result[scope] = ({key: (values[0], values[1]) for key, values in totals.items()}, first)
    return result


def montants_derive(
    *,
    commission,
    extract: NationalExtract,
    territory: str,
    period_start: datetime.date,
    period_end: datetime.date,
    user=None,
) -> tuple[StatTable, bool]:
    """The `montants` table of one territory of the commission and one period, computed from the extract."""
    if extract.status != NationalExtract.Status.DONE:
        raise ValidationError("Cet extrait n'est pas encore chargé.")
    territory = normalise_territory(territory)
    if not commission.stat_territories.filter(code=territory).exists():
        raise ValidationError("Ce territoire n'est pas couvert par la commission.")
    existing = StatTable.objects.filter(
        commission=commission,
        derived_from=extract,
        territory=territory,
        period_start=period_start,
        period_end=period_end,
    ).first()
    if existing is not None:
        return existing, False
    lines = ExtractLine.objects.filter(extract=extract, period_start=period_start, period_end=period_end)
    region = region_of(territory)
    scopes = _reference_sums(lines, territory, region)
    sums, order = scopes["own"]
    if not sums:
        raise ValidationError("L'extrait ne contient aucune ligne pour ce territoire et cette période.")
    postes = sorted(order, key=order.get)
    region_totals = _by_poste(scopes["region"][0]) if region else {}
    france_totals = _by_poste(scopes["france"][0])

    regimes = [regime for regime in REGIME_ORDER if any(key[1] == regime for key in sums)]
    columns = []
    for regime in regimes:
        group = {"RG": "rg", "MSA": "msa", "Autres": "autres"}[regime]
        columns.append(Column(len(columns), f"{regime} / Montants", group, "amount"))
        columns.append(Column(len(columns), f"{regime} / Evolutions", group, "evolution", percent=True))
    columns += [
        Column(len(columns), "TOTAL / Montants", "total", "amount"),
        Column(len(columns) + 1, "TOTAL / Evolutions", "total", "evolution", percent=True),
        Column(len(columns) + 2, "Evolutions Région", "region", "evolution", percent=True),
        Column(len(columns) + 3, "Evolutions France", "france", "evolution", percent=True),
    ]

    def amount_cell(value: Decimal | None) -> Number:
        return Number(value, decimals=2 if value is not None and value != value.to_integral_value() else 0)

    def percent_cell(value: Decimal | None) -> Number:
        return Number(value, percent=True, decimals=1)

    rows = []
    grand = {regime: [Decimal(0), Decimal(0), False] for regime in regimes + ["total"]}
    for poste in postes:
        values = []
        total_amount, total_previous, total_has_previous = Decimal(0), Decimal(0), False
        for regime in regimes:
            amount, previous = sums.get((poste, regime), (None, None))
            values += [amount_cell(amount), percent_cell(_evolution(amount, previous))]
            total_amount += amount or 0
            grand[regime][0] += amount or 0
            if previous is not None:
                total_previous += previous
                total_has_previous = True
                grand[regime][1] += previous
                grand[regime][2] = True
        previous = total_previous if total_has_previous else None
        grand["total"][0] += total_amount
        if previous is not None:
            grand["total"][1] += previous
            grand["total"][2] = True
        values += [amount_cell(total_amount), percent_cell(_evolution(total_amount, previous))]
        values += [
            percent_cell(_evolution(*region_totals[poste]) if poste in region_totals else None),
            percent_cell(_evolution(*france_totals[poste]) if poste in france_totals else None),
        ]
        rows.append(Row(len(rows) + 1, poste, values))
    total_values = []
    for regime in regimes + ["total"]:
        amount, previous, has_previous = grand[regime]
        total_values += [amount_cell(amount), percent_cell(_evolution(amount, previous if has_previous else None))]

    def overall(totals):
        if not totals:
            return None
        amount = sum((value[0] for value in totals.values()), Decimal(0))
        previous = [value[1] for value in totals.values() if value[1] is not None]
        return _evolution(amount, sum(previous, Decimal(0)) if previous else None)

    total_values += [percent_cell(overall(region_totals)), percent_cell(overall(france_totals))]
    rows.append(Row(len(rows) + 1, "TOTAL", total_values, is_subtotal=True))
    parsed = ParsedTable(MONTANTS, columns, rows, label_header="Postes de dépenses")
    meta = TableMeta(
        title=f"Montants remboursés — {territory} — du {period_start:%d/%m/%Y} au {period_end:%d/%m/%Y}",
        period_start=period_start,
        period_end=period_end,
        territory=territory,
        source=extract.source or extract.title,
        extraction_date=extract.extraction_date,
    )
    with transaction.atomic():
        table, created = table_store(commission=commission, parsed=parsed, meta=meta, user=user)
        table.derived_from = extract
        table.save(update_fields=["derived_from"])
    return table, created
