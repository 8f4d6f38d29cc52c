"""The charts of a table, per kind those of the seeds, chosen by the secretariat on the table's page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from stats.chart import table_charts
from stats.selectors import table_view
from stats.services import table_charts_set, table_import
from tests.stats.helpers import data_file

pytestmark = [pytest.mark.django_db]


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


def test_an_amounts_table_has_the_three_charts_of_the_seeds(table):
    charts = table_charts(table_view(table))
    assert [chart.title for chart in charts] == [
        "Évolution des montants par poste (PCAP)",
        "Répartition des montants par poste",
        "Répartition des montants par régime",
    ]


def test_the_distribution_by_regime_sums_each_regime_and_gives_its_share(table):
    (chart,) = table_charts(table_view(table), ["regimes"])
    assert "Régime général" in chart.svg and "MSA" in chart.svg and "Autres régimes" in chart.svg
    assert "%)" in chart.svg  # each amount with its share of the total


def test_labels_are_written_at_the_tables_precision_in_the_texts_font(table):
    (chart,) = table_charts(table_view(table), ["evolution"])
    labels = re.findall(r">(-?[\d\u00a0]+(?:,\d+)?)\u00a0%<", chart.svg)
    assert labels and all(re.fullmatch(r"-?[\d\u00a0]+,\d", label) for label in labels)  # one decimal, as the table
    assert 'font-family="Liberation Sans, Arial, sans-serif"' in chart.svg
    assert "Hausse" in chart.svg and "Baisse" in chart.svg  # the legend


def test_the_secretariat_chooses_the_charts_on_the_tables_page(client, commission, alice, table):
    client.force_login(alice)
    page = client.get(table.get_absolute_url()).content.decode()
    assert "Graphiques du tableau" in page
    response = client.post(reverse("statistics:charts", args=[commission.slug, table.pk]), {"charts": ["regimes"]})
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.charts == ["regimes"]
    assert [chart.key for chart in table_charts(table_view(table))] == ["regimes"]
    page = client.get(table.get_absolute_url()).content.decode()
    assert 'aria-label="Répartition des montants par régime"' in page
    assert 'aria-label="Évolution des montants par poste (PCAP)"' not in page
    assert 'value="regimes" id="id_charts_2" checked' in page


def test_an_unknown_chart_is_refused_in_french(client, commission, alice, table):
    client.force_login(alice)
    response = client.post(
        reverse("statistics:charts", args=[commission.slug, table.pk]), {"charts": ["camembert"]}, follow=True
    )
    assert "Graphiques :" in response.content.decode()
    table.refresh_from_db()
    assert table.charts == []
    with pytest.raises(ValidationError, match="Choisissez au moins un graphique"):
        table_charts_set(table=table, keys=[])


def test_another_commissions_agent_cannot_choose_the_charts(client, commission, bob, table):
    client.force_login(bob)
    response = client.post(reverse("statistics:charts", args=[commission.slug, table.pk]), {"charts": ["regimes"]})
    assert response.status_code == 404
    table.refresh_from_db()
    assert table.charts == []


def test_a_member_cannot_choose_the_charts(client, commission, member_user, table):
    client.force_login(member_user)
    response = client.post(reverse("statistics:charts", args=[commission.slug, table.pk]), {"charts": ["regimes"]})
    assert response.status_code in (403, 404)
    table.refresh_from_db()
    assert table.charts == []
