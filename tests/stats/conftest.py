"""Fixtures of the statistics tests (the helpers are in tests/stats/helpers.py)."""

import datetime

import pytest

from commissions.meetings.models import AgendaItem, Meeting
from stats.services import TableMeta


@pytest.fixture
def meta_2023():
    return TableMeta(
        title="Bilan des montants remboursés en PACA — année 2023",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        territory="R93",
        source="Source SNDS AMOS",
    )


@pytest.fixture
def agenda_item(commission):
    meeting = Meeting.objects.create(commission=commission, date=datetime.date(2025, 2, 26), start_time="14:00")
    return AgendaItem.objects.create(meeting=meeting, position=1, title="Bilan des montants remboursés")


@pytest.fixture
def other_agenda_item(other_commission):
    meeting = Meeting.objects.create(commission=other_commission, date=datetime.date(2025, 3, 1), start_time="10:00")
    return AgendaItem.objects.create(meeting=meeting, position=1, title="Point d'une autre commission")
