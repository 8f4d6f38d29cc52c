"""The secretariat agent keeps a commission's composition up to date, in a real browser."""

import datetime
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from commissions.composition.models import Commission, Mandate

pytestmark = pytest.mark.browser

PACA = "CPR PACA–Corse des fournisseurs LPP titres I et IV"


def fr(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


def seat_row(page, acronym: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=acronym, exact=True))


def test_the_agent_ends_a_mandate_adds_a_substitute_and_imports_a_composition(demo, log_in, tmp_path):
    today = Commission.objects.get(slug="cpr-paca-corse-lpp").today()
    yesterday = today - datetime.timedelta(days=1)
    page = log_in("secretariat")

    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")  # the login lands on the home page
    page.get_by_role("link", name=re.compile("CPR PACA–Corse")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PACA)
    expect(seat_row(page, "UPSADI")).to_contain_text("M. DAOULAS Didier")

    # The UPSADI substitute leaves: his mandate ended yesterday, the post is vacant today.
    page.get_by_role("link", name="Terminer le mandat de M. DAOULAS Didier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mettre fin à un mandat")
    page.get_by_label("Dernier jour du mandat").fill(yesterday.isoformat())
    page.get_by_role("button", name="Mettre fin au mandat").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Le mandat de M. DAOULAS Didier (UPSADI) prend fin le {fr(yesterday)}"
    )
    expect(seat_row(page, "UPSADI")).to_contain_text("à pourvoir")

    # The union designates a new substitute from today.
    page.get_by_role("link", name="Ajouter un mandat").click()
    page.get_by_label("Siège").select_option(label="Section professionnelle — UPSADI (siège n° 5)")
    page.get_by_label("Rôle").select_option(label="Suppléant")
    page.get_by_label("Civilité").select_option(label="Mme")
    page.get_by_label("Nom", exact=True).fill("Peyre")
    page.get_by_label("Prénom").fill("Sandrine")
    page.get_by_label("E-mail").fill("sandrine.peyre@upsadi.example.org")
    expect(page.get_by_label("Début du mandat")).to_have_value(today.isoformat())
    page.get_by_role("button", name="Ajouter le mandat").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Mandat de suppléant ajouté : Mme PEYRE Sandrine (UPSADI), à partir du {fr(today)}."
    )
    expect(seat_row(page, "UPSADI")).to_contain_text("Mme PEYRE Sandrine")
    expect(seat_row(page, "UPSADI")).not_to_contain_text("DAOULAS")

    # The agent exports the composition, fills the vacant DRSM substitute post in the spreadsheet
    # with a mistyped e-mail address, and imports it.
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter (Excel)").click()
    spreadsheet = tmp_path / download.value.suggested_filename
    download.value.save_as(spreadsheet)
    workbook = openpyxl.load_workbook(spreadsheet)
    sheet = workbook.active
    [line] = [
        row[0].row
        for row in sheet.iter_rows(min_row=2)
        if row[1].value == "DRSM PACA-Corse" and row[2].value == "suppléant"
    ]
    for column, value in (("D", "Mme"), ("E", "VIDAL"), ("F", "Anne"), ("G", "anne.vidal@")):
        sheet[f"{column}{line}"] = value
    workbook.save(spreadsheet)

    page.get_by_role("link", name="Importer une composition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer la composition")
    page.get_by_label("Fichier de composition (CSV, XLSX ou ODS)").set_input_files(spreadsheet)
    page.get_by_role("button", name="Voir l'aperçu").click()
    error = f"Ligne {line}, colonne « E-mail » : adresse e-mail invalide « anne.vidal@ »."
    # Only the broken row is named, and the file field says it is invalid.
    expect(page.get_by_text(re.compile(r"^Ligne \d+"))).to_have_text([error])
    # The message is tied to the file field, so that a screen reader announces it with the field.
    expect(page.get_by_label("Fichier de composition (CSV, XLSX ou ODS)")).to_have_accessible_description(
        re.compile(re.escape(error))
    )
    assert not Mandate.objects.filter(person__last_name="VIDAL").exists()

    # Corrected, the file gives a preview; nothing is saved before the agent confirms.
    sheet[f"G{line}"] = "anne.vidal@assurance-maladie.example.org"
    workbook.save(spreadsheet)
    page.get_by_label("Fichier de composition (CSV, XLSX ou ODS)").set_input_files(spreadsheet)
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import de la composition")
    created = page.get_by_role("table").filter(has_text="Mandats créés (1)")
    expect(created.get_by_role("rowheader")).to_have_text("Mme VIDAL Anne")
    assert not Mandate.objects.filter(person__last_name="VIDAL").exists()

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status")).to_contain_text(f"Composition importée au {fr(today)} : 1 mandat créé")
    expect(page.get_by_role("heading", level=1)).to_have_text(PACA)
    expect(seat_row(page, "DRSM PACA-Corse")).to_contain_text("Mme VIDAL Anne")
    expect(seat_row(page, "UPSADI")).to_contain_text("Mme PEYRE Sandrine")
