"""Fixtures of the statistics tests: the source-document tables (tests/stats/data) and helpers."""

import datetime
import io
from pathlib import Path

import pytest

from commissions.meetings.models import AgendaItem, Meeting
from stats.services import TableMeta

DATA = Path(__file__).parent / "data"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


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


def xlsx_bytes(rows: list[list], merges: list[str] = (), sheet: str = "Feuil1") -> bytes:
    """A workbook built with openpyxl, with merged cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for cells in merges:
        worksheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
