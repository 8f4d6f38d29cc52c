"""The secretariat agent imports a table of amounts, checks it and attaches it to the next session, in a browser."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from commissions.meetings.models import AgendaItem
from demo.meetings import UPCOMING_TITLE
from stats.models import StatTable

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[1] / "stats" / "data" / "montants_paca_2023.csv"
TITLE = "Montants remboursés en PACA – année 2023 (extraction CPAM)"
ITEM = "Point sur le déploiement de l'ordonnance numérique"


def test_the_agent_imports_a_table_of_amounts_and_attaches_it_to_an_agenda_item(full_demo, log_in, tmp_path):
    # The demo already holds the seed file as it is; the agent's copy comes from the CPAM in Windows-1252,
    # as extractions do (no-break spaces between thousands): other bytes, so a new table, with the same figures.
    spreadsheet = tmp_path / "montants_paca_2023_cpam.csv"
    spreadsheet.write_bytes(SEED.read_text(encoding="utf-8-sig").replace("\u202f", "\u00a0").encode("cp1252"))
    before = StatTable.objects.count()

    page = log_in("secretariat")
    page.get_by_role("link", name=re.compile("CPR PACA–Corse")).click()
    page.get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistiques")
    page.get_by_role("link", name="Importer un tableau").click()

    page.get_by_label("Fichier (CSV, XLSX ou ODS)").set_input_files(spreadsheet)
    page.get_by_label("Type de tableau").select_option(value="montants")
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Territoire").fill("R93")
    page.get_by_label("Début de période").fill("01/01/2023")
    page.get_by_label("Fin de période").fill("31/12/2023")
    page.get_by_role("button", name="Prévisualiser").click()

    # The preview: what was read, in French format; nothing is saved yet.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Vérifier l'import : {TITLE}")
    expect(page.get_by_text("du 01/01/2023 au 31/12/2023")).to_be_visible()
    expect(page.get_by_text("Ce fichier a déjà été importé")).to_have_count(0)
    preview = page.locator("table")
    appliances = preview.get_by_role("row").filter(has_text="Appareils matériels de traitements")
    expect(appliances.get_by_role("cell", name="261 355 100", exact=True)).to_be_visible()
    expect(appliances.get_by_role("cell", name="9,9 %", exact=True).first).to_be_visible()
    assert StatTable.objects.count() == before

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status")).to_have_text("Le tableau a été importé.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert StatTable.objects.count() == before + 1
    table = StatTable.objects.get(title=TITLE)
    assert table.kind == "montants"

    # The table, formatted, and its chart drawn inline.
    row = page.locator("table.stat-table tr").filter(has_text="Appareils matériels de traitements")
    expect(row.get_by_role("cell", name="261 355 100", exact=True)).to_be_visible()
    expect(row.get_by_role("cell", name="9,9 %", exact=True).first).to_be_visible()
    total = page.locator("table.stat-table tr").filter(has_text="TOTAL PRESTATIONS")
    expect(total.get_by_role("cell", name="300 177 994", exact=True)).to_be_visible()
    chart = page.locator("figure svg").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    expect(chart.locator("rect").first).to_be_attached()

    # Attached to an item of the upcoming session.
    item = AgendaItem.objects.get(meeting__title=UPCOMING_TITLE, title=ITEM)
    # The items offered under their meeting, numbered as its agenda.
    group = page.locator(f'optgroup[label="Séance du {item.meeting.date:%d/%m/%Y}"]')
    expect(group.locator(f'option[value="{item.pk}"]')).to_have_text(re.compile(rf"^\d[\d.]* – {re.escape(ITEM)}$"))
    page.get_by_label("Point de l'ordre du jour").select_option(value=str(item.pk))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Le tableau est rattaché au point.")
    expect(page.get_by_label("Point de l'ordre du jour")).to_have_value(str(item.pk))
    table.refresh_from_db()
    assert table.agenda_item == item

    page.get_by_role("link", name="Statistiques").click()
    listed = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    expect(listed).to_contain_text(f"{item.meeting.date:%d/%m/%Y} — {ITEM}")
