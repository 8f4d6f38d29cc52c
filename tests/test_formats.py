import datetime
from decimal import Decimal

from portal.formats import date_long, date_short, format_number, format_percent, format_value


def spaces(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_thousands_are_separated_by_no_break_spaces():
    assert format_number(261355100) == "261\u00a0355\u00a0100"


def test_percentages_have_a_decimal_comma_and_a_spaced_sign():
    assert spaces(format_percent(Decimal("9.94"))) == "9,9 %"
    assert spaces(format_percent(Decimal("-0.2"))) == "-0,2 %"
    assert spaces(format_percent(Decimal("2406.8"))) == "2 406,8 %"


def test_not_significant_and_empty_cells():
    assert format_value(None, flag="NS") == "NS"
    assert format_value(None) == ""
    assert format_percent(None) == ""


def test_dates_in_french():
    assert date_short(datetime.date(2025, 2, 17)) == "17/02/2025"
    assert date_long(datetime.date(2025, 2, 17), weekday=True) == "lundi 17 février 2025"
    assert date_long(datetime.date(2025, 5, 1)) == "1er mai 2025"
