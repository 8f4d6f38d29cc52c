"""Server-side SVG bar charts (no JavaScript): shown in the pages and embedded as is in the PDF support.

Per table kind, the charts the source documents show:
- reimbursed amounts: the evolution by item (PCAP), the distribution of the amounts by item and by régime
  ("Répartition des montants par régime", 004);
- SESAM-Vitale and SCOR: the rates by department (or organism);
- indicator tables: the values by department (and the share, when the table has a percentage column).

Labels are written at the table's precision, in the font family of the support's text; colours keep a contrast
of 3:1 at least against white (WCAG 1.4.11).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape as _escape

from portal.formats import format_value

from .selectors import TableView

FONT_FAMILY = "Liberation Sans, Arial, sans-serif"
# Against white: #1f4e8c 8.4:1, #a35200 5.6:1, #2e7d32 5.1:1, #8c3b6e 7.6:1, #c62828 5.6:1.
PALETTE = ["#1f4e8c", "#a35200", "#2e7d32", "#8c3b6e"]
RISE, FALL = "#2e7d32", "#c62828"
WIDTH = 1000
BAR = 16
GAP = 6
LABEL_WIDTH = 330
VALUE_WIDTH = 170
REGIMES = (("rg", "Régime général"), ("msa", "MSA"), ("autres", "Autres régimes"))


def escape(text: str) -> str:
    """Escaped for SVG, with the typographic apostrophe (the support's typography)."""
    return _escape(text.replace("'", "\u2019"))


@dataclass(frozen=True)
class Series:
    name: str
    percent: bool


@dataclass(frozen=True)
class Chart:
    """One chart of a table: `key` names the kind of chart (CHARTS), `svg` is a standalone SVG document."""

    key: str
    title: str
    svg: str


# The charts each kind of table can show, in the order they are shown.
CHARTS = {
    "montants": (
        ("evolution", "Évolution des montants par poste (PCAP)"),
        ("distribution", "Répartition des montants par poste"),
        ("regimes", "Répartition des montants par régime"),
    ),
    "sesam_vitale": (("rates", "Taux de professionnels en SESAM-Vitale et en SCOR"),),
    "indicateurs": (("values", "Valeurs par département"), ("share", "Part par département")),
}


def _column(view: TableView, group: str, measure: str) -> int | None:
    return next((i for i, c in enumerate(view.columns) if (c.group, c.measure) == (group, measure)), None)


def _leaves(view: TableView) -> list:
    return [row for row in view.rows if not row.row.is_subtotal] or view.rows


def _by_row(view: TableView, indexes: list[int]) -> list[tuple[str, list]]:
    return [(row.row.label, [row.cells[i] for i in indexes]) for row in _leaves(view)]


def _plan(view: TableView, key: str) -> tuple[str, list[tuple[str, list]], list[Series], dict] | None:
    """Title, items (label, one cell or (value, decimals) per series), series and options of one chart."""
    table, columns = view.table, view.columns
    where = (table.label_header or "ligne").lower()
    if table.kind == "montants":
        amount = _column(view, "total", "amount")
        evolution = _column(view, "total", "evolution")
        if key == "evolution" and evolution is not None:
            return (
                "Évolution des montants par poste (PCAP)",
                _by_row(view, [evolution]),
                [Series(columns[evolution].header, True)],
                {"signed": True},
            )
        if key == "distribution" and amount is not None:
            return (
                "Répartition des montants par poste",
                _by_row(view, [amount]),
                [Series(columns[amount].header, False)],
                {"shares": True},
            )
        if key == "regimes":
            items = []
            for group, label in REGIMES:
                index = _column(view, group, "amount")
                if index is None:
                    continue
                values = [row.cells[index].value for row in _leaves(view) if row.cells[index].value is not None]
                decimals = max((row.cells[index].decimals for row in _leaves(view)), default=0)
                items.append((label, [(sum(values, Decimal(0)), decimals)]))
            if len(items) < 2:
                return None
            return "Répartition des montants par régime", items, [Series("Montant remboursé", False)], {"shares": True}
        return None
    if table.kind == "sesam_vitale" and key == "rates":
        indexes = [i for i, c in enumerate(columns) if c.measure in ("rate_sv", "rate_scor")]
        if not indexes:
            return None
        title = f"Taux de professionnels en SESAM-Vitale et en SCOR par {where}"
        return title, _by_row(view, indexes), [Series(columns[i].header, True) for i in indexes], {}
    if table.kind == "indicateurs":
        numbers = [i for i, c in enumerate(columns) if not c.percent]
        shares = [i for i, c in enumerate(columns) if c.percent]
        chosen = numbers[:1] if key == "values" else shares[:1] if key == "share" else []
        if not chosen:
            return None
        column = columns[chosen[0]]
        return f"{column.header} par {where}", _by_row(view, chosen), [Series(column.header, column.percent)], {}
    return None


def _value(cell) -> tuple[Decimal | None, int]:
    if isinstance(cell, tuple):
        return cell
    return cell.value, cell.decimals


def _svg(title: str, items: list, series: list[Series], *, signed: bool = False, shares: bool = False) -> str:
    values = [_value(cell)[0] for _, row in items for cell in row]
    known = [value for value in values if value is not None]
    if not known:
        return ""
    total = sum(known, Decimal(0)) if shares else None
    low = min(Decimal(0), min(known))
    high = max(Decimal(0), max(known))
    span = (high - low) or Decimal(1)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
    per_item = len(series) * BAR + GAP
    legend_top = 6
    top = legend_top + 26
    height = top + per_item * len(items) + 8

    def x(value: Decimal) -> float:
        return LABEL_WIDTH + float((value - low) / span) * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT_FAMILY}" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    # The legend: one swatch per series (rise and fall for a signed evolution).
    entries = (
        [(RISE, "Hausse"), (FALL, "Baisse")] if signed else [(PALETTE[i % 4], s.name) for i, s in enumerate(series)]
    )
    left = LABEL_WIDTH
    for colour, name in entries:
        parts.append(f'<rect x="{left}" y="{legend_top}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 17}" y="{legend_top + 11}">{escape(name)}</text>')
        left += 30 + 8 * len(name)
    zero = x(Decimal(0))
    parts.append(
        f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{height - 4}" stroke="#595959" stroke-width="1"/>'
    )
    for position, (label, row) in enumerate(items):
        y = top + position * per_item
        short = label if len(label) <= 46 else label[:45] + "…"
        label_y = y + len(series) * BAR / 2 + 4
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{label_y:.1f}" text-anchor="end">{escape(short)}</text>')
        for index, cell in enumerate(row):
            value, decimals = _value(cell)
            bar_y = y + index * BAR
            if value is None:
                parts.append(f'<text x="{zero + 4:.1f}" y="{bar_y + BAR - 3}" fill="#595959">—</text>')
                continue
            start, end = sorted((zero, x(value)))
            colour = (RISE if value >= 0 else FALL) if signed else PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{start:.1f}" y="{bar_y}" width="{max(end - start, 0.5):.1f}" height="{BAR - 3}" '
                f'fill="{colour}"/>'
            )
            text = format_value(value, percent=series[index].percent, decimals=decimals)
            if total:
                text += " (" + format_value(value * 100 / total, percent=True, decimals=1) + ")"
            parts.append(f'<text x="{max(end, zero) + 5:.1f}" y="{bar_y + BAR - 4}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def table_charts(view: TableView, keys: list[str] | None = None) -> list[Chart]:
    """The charts of a table (those of `keys`, else those its secretariat chose, else every chart of its kind)."""
    keys = keys or view.table.charts or None
    charts = []
    for key, _ in CHARTS.get(view.table.kind, ()):
        if keys is not None and key not in keys:
            continue
        plan = _plan(view, key)
        if plan is None:
            continue
        title, items, series, options = plan
        svg = _svg(title, items, series, **options)
        if svg:
            charts.append(Chart(key=key, title=title, svg=svg))
    return charts


def table_chart_svg(view: TableView) -> str:
    """The table's first chart, as an SVG document ("" when its values give none)."""
    charts = table_charts(view)
    return charts[0].svg if charts else ""
