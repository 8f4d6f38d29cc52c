"""French formatting of numbers and dates, one rule for every app: '261 355 100', '9,9 %', '17/02/2025',
'lundi 17 février 2025' (a no-break space as the thousands separator).

>>> format_number(261355100)
'261\xa0355\xa0100'
>>> format_percent(Decimal("9.94"))
'9,9\xa0%'
>>> format_value(None, flag="NS")
'NS'
>>> date_short(datetime.date(2025, 2, 17))
'17/02/2025'
"""

import datetime
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


MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def format_percent(value: Decimal | int | float | None, decimals: int = 1) -> str:
    """'9,9 %' (no-break space before the sign), '' when there is no value."""
    if value is None:
        return ""
    return format_value(Decimal(str(value)), percent=True, decimals=decimals)


def date_short(day: datetime.date | None) -> str:
    """'17/02/2025'."""
    return f"{day:%d/%m/%Y}" if day else ""


def date_long(day: datetime.date, *, weekday: bool = False) -> str:
    """'17 février 2025', or 'lundi 17 février 2025'; the first of a month is '1er'."""
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text
