"""French formatting for the supports: numbers come from the statistics app's formatter (one rule), dates here.

>>> format_number(261355100)
'261\xa0355\xa0100'
>>> format_percent(Decimal("9.94"))
'9,9\xa0%'
>>> format_value(None, flag="NS")
'NS'
"""

import datetime
from decimal import Decimal

from stats.formatting import NBSP, format_number, format_value

__all__ = ["NBSP", "format_number", "format_value", "format_percent", "date_short", "date_long"]

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
