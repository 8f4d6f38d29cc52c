"""French formatting of numbers: '261 355 100', '9,9 %', 'NS' (a non-breaking space as separator)."""

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def format_number(value: Decimal | int | float | None, decimals: int | None = None) -> str:
    """'261 355 100', '-0,2', '2 406,8' (thousands separated by a no-break space); '' for no value."""
    if value is None:
        return ""
    value = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    integer, _, fraction = text.partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    result = sign + NBSP.join(groups or ["0"])
    return f"{result},{fraction}" if fraction else result


def format_value(value: Decimal | None, *, flag: str = "", percent: bool = False, decimals: int | None = None) -> str:
    """A stored cell as shown: the NS flag, the number, ' %' for a percentage, '' when empty."""
    if flag:
        return flag
    if value is None:
        return ""
    text = format_number(value, decimals)
    return f"{text}{NBSP}%" if percent else text
