"""Reads of the statistics app: a table as a grid, the previous period's table, comparisons."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from portal.formats import format_value

from .models import StatColumn, StatRow, StatTable, StatValue


@dataclass
class CellView:
    value: Decimal | None
    flag: str
    percent: bool
    decimals: int
    previous: CellView | None = None

    @property
    def text(self) -> str:
        return format_value(self.value, flag=self.flag, percent=self.percent, decimals=self.decimals)

    @property
    def tone(self) -> str:
        """'up' or 'down' for an evolution, to colour it."""
        if not self.percent or self.value is None or self.value == 0:
            return ""
        return "up" if self.value > 0 else "down"

    @property
    def number(self) -> int | float | None:
        """The value as a JSON or spreadsheet number, with the decimals shown."""
        if self.value is None:
            return None
        quantized = self.value.quantize(Decimal(1).scaleb(-self.decimals))
        return int(quantized) if self.decimals == 0 else float(quantized)


@dataclass
class RowView:
    row: StatRow
    cells: list[CellView] = field(default_factory=list)


@dataclass
class TableView:
    table: StatTable
    columns: list[StatColumn]
    rows: list[RowView]
    previous: StatTable | None = None

    @property
    def has_groups(self) -> bool:
        return any(row.row.group_label for row in self.rows)


def tables_for(commission):
    return (
        StatTable.objects.filter(commission=commission)
        .select_related("agenda_item__meeting", "derived_from")
        .order_by("-period_end", "kind", "title")
    )


def table_view(table: StatTable) -> TableView:
    columns = list(StatColumn.objects.filter(table=table).order_by("position"))
    rows = list(StatRow.objects.filter(table=table).order_by("position"))
    values = {(value.row_id, value.column_id): value for value in StatValue.objects.filter(row__table=table)}
    views = []
    for row in rows:
        cells = []
        for column in columns:
            stored = values.get((row.pk, column.pk))
            cells.append(
                CellView(
                    stored.value if stored else None,
                    stored.flag if stored else "",
                    column.percent,
                    stored.decimals if stored else 0,
                )
            )
        views.append(RowView(row, cells))
    return TableView(table, columns, views)


def _a_year_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier; the last day of a month stays the last day of its month (29 February)."""
    last = calendar.monthrange(day.year, day.month)[1]
    year_before_last = calendar.monthrange(day.year - 1, day.month)[1]
    return day.replace(year=day.year - 1, day=year_before_last if day.day == last else min(day.day, year_before_last))


def previous_table(table: StatTable) -> StatTable | None:
    """The table of the same commission, kind and territory for the same months a year earlier (January–September
    2025 is compared with January–September 2024, never with the whole of 2024); None when there is none."""
    candidates = StatTable.objects.filter(
        commission_id=table.commission_id,
        kind=table.kind,
        territory=table.territory,
        period_start=_a_year_before(table.period_start),
        period_end=_a_year_before(table.period_end),
    )
    if table.kind == "indicateurs":
        candidates = candidates.filter(title__iexact=table.title)
    return candidates.order_by("-pk").first()


def table_view_compared(table: StatTable) -> TableView:
    """The table, each cell carrying the previous period's cell of the same row label and column header."""
    view = table_view(table)
    previous = previous_table(table)
    if previous is None:
        return view
    before = table_view(previous)
    headers = {column.header: index for index, column in enumerate(before.columns)}
    labels = {row.row.label.casefold(): row for row in before.rows}
    for row in view.rows:
        old = labels.get(row.row.label.casefold())
        if old is None:
            continue
        for column, cell in zip(view.columns, row.cells, strict=True):
            index = headers.get(column.header)
            if index is not None:
                cell.previous = old.cells[index]
    view.previous = previous
    return view
