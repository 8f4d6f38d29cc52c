from django import template

from portal.formats import format_value

register = template.Library()


@register.filter
def stat_cell(cell) -> str:
    """A cell as shown: '261 355 100', '9,9 %', 'NS' or ''."""
    return cell.text


@register.filter
def french_number(value, decimals=None) -> str:
    return format_value(value, decimals=decimals)
