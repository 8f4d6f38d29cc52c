"""Server-side SVG bar charts (no JavaScript): shown in the pages and embedded as is in the PDF support."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from portal.formats import format_value

from .selectors import TableView

PALETTE = ["#1f4e8c", "#d98c1f", "#4d9a5a", "#8c3b6e"]
WIDTH = 720
BAR = 14
GAP = 10
LABEL_WIDTH = 250
VALUE_WIDTH = 90


def _series_for(view: TableView) -> tuple[str, list[tuple[str, list[Decimal | None]]], list[str], bool]:
    """Title, items (label, one value per series), series names, whether values are percentages."""
    table = view.table
    columns = view.columns
    if table.kind == "montants":
        rows = [row for row in view.rows if not row.row.is_subtotal] or view.rows
        wanted = [("total", "amount"), ("total", "evolution")]
        picked = [next((i for i, c in enumerate(columns) if (c.group, c.measure) == w), None) for w in wanted]
        if picked[1] is not None:
            index = picked[1]
            title = "Évolution des montants par poste (PCAP)"
        else:
            index = picked[0] if picked[0] is not None else 0
            title = "Montants remboursés par poste"
        items = [(row.row.label, [row.cells[index].value]) for row in rows]
        return title, items, [columns[index].header], columns[index].percent
    if table.kind == "sesam_vitale":
        indexes = [i for i, c in enumerate(columns) if c.measure in ("rate_sv", "rate_scor")]
        items = [(row.row.label, [row.cells[i].value for i in indexes]) for row in view.rows]
        return "Taux de professionnels en SESAM-Vitale et en SCOR", items, [columns[i].header for i in indexes], True
    index = 0
    items = [(row.row.label, [row.cells[index].value]) for row in view.rows if not row.row.is_subtotal]
    return (
        columns[index].header if columns else "",
        items,
        [columns[index].header] if columns else [],
        bool(columns and columns[index].percent),
    )


def table_chart_svg(view: TableView) -> str:
    """A horizontal bar chart of the table's main measure, as an SVG document."""
    title, items, series, percent = _series_for(view)
    values = [value for _, row in items for value in row if value is not None]
    if not values:
        return ""
    low = min(Decimal(0), min(values))
    high = max(Decimal(0), max(values))
    span = (high - low) or Decimal(1)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20
    per_item = len(series) * BAR + GAP
    legend = 22 if len(series) > 1 else 0
    height = 40 + legend + per_item * len(items) + 10

    def x(value: Decimal) -> float:
        return LABEL_WIDTH + float((value - low) / span) * plot

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for index, name in enumerate(series if len(series) > 1 else []):
        left = LABEL_WIDTH + index * 200
        parts.append(f'<rect x="{left}" y="26" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(f'<text x="{left + 14}" y="35">{escape(name)}</text>')
    zero = x(Decimal(0))
    top = 30 + legend
    parts.append(f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{height - 8}" stroke="#666" stroke-width="1"/>')
    for position, (label, row) in enumerate(items):
        y = top + position * per_item
        short = label if len(label) <= 40 else label[:39] + "…"
        label_y = y + len(series) * BAR / 2 + 4
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{label_y:.1f}" text-anchor="end">{escape(short)}</text>')
        for index, value in enumerate(row):
            bar_y = y + index * BAR
            if value is None:
                parts.append(f'<text x="{zero + 4:.1f}" y="{bar_y + BAR - 3}" fill="#666">—</text>')
                continue
            start, end = sorted((zero, x(value)))
            colour = PALETTE[index % len(PALETTE)]
            if percent and len(series) == 1 and view.table.kind == "montants":
                colour = "#2e7d32" if value >= 0 else "#c62828"
            parts.append(
                f'<rect x="{start:.1f}" y="{bar_y}" width="{max(end - start, 0.5):.1f}" height="{BAR - 2}" '
                f'fill="{colour}"/>'
            )
            text = format_value(value, percent=percent, decimals=1 if percent else 0)
            parts.append(f'<text x="{max(end, zero) + 4:.1f}" y="{bar_y + BAR - 3}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
