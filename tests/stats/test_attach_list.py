"""A table attached to an agenda item: chosen among the latest meetings' items, grouped by meeting and numbered as
their agenda, and shown under its item on the meeting page."""

import datetime

import pytest
from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Meeting
from commissions.meetings.services import meeting_create
from stats.services import table_import
from tests.stats.helpers import data_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(commission, meta_2023):
    table, _ = table_import(
        commission=commission,
        data=data_file("montants_paca_2023.csv"),
        file_name="paca.csv",
        kind="montants",
        meta=meta_2023,
    )
    return table


@pytest.fixture
def session(commission):
    meeting = meeting_create(commission=commission, date=datetime.date(2025, 2, 26), start_time=datetime.time(14))
    first = agenda_item_add(meeting=meeting, title="Statistiques")
    agenda_item_add(meeting=meeting, parent=first, title="Montants remboursés")
    return meeting


def test_the_items_are_grouped_by_meeting_and_numbered(client, alice, commission, table, session, other_commission):
    cancelled = meeting_create(commission=commission, date=datetime.date(2025, 6, 1), start_time=datetime.time(14))
    agenda_item_add(meeting=cancelled, title="Point d'une séance annulée")
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)
    elsewhere = meeting_create(commission=other_commission, date=datetime.date(2025, 3, 1), start_time=datetime.time(9))
    agenda_item_add(meeting=elsewhere, title="Point d'une autre commission")
    client.force_login(alice)

    page = client.get(reverse("statistics:detail", args=[commission.slug, table.pk])).text

    assert '<optgroup label="Séance du 26/02/2025">' in page
    assert "01 – Statistiques" in page
    assert "1.1 – Montants remboursés" in page
    assert "Point d&#x27;une séance annulée" not in page
    assert "Point d&#x27;une autre commission" not in page


def test_the_meeting_page_shows_the_table_under_its_item(client, alice, commission, table, session):
    item = session.agenda_items.get(title="Montants remboursés")
    client.force_login(alice)
    client.post(reverse("statistics:attach", args=[commission.slug, table.pk]), {"agenda_item": item.pk})

    page = client.get(reverse("commissions:meeting_detail", args=[commission.slug, session.pk])).text

    assert "Tableau statistique :" in page
    assert reverse("statistics:detail", args=[commission.slug, table.pk]) in page
    assert table.title in page
