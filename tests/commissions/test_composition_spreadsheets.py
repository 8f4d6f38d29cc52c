"""Compositions as people save them: an ODS from LibreOffice, and dates read day first, a month-first file refused."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissions.composition.models import CompositionChange, Mandate
from commissions.composition.reading import parse_composition
from tests.factories import OrganisationFactory
from tests.ods import ods

D = datetime.date
HEADER = ["Section", "Organisation", "Rôle", "Civilité", "Nom", "Prénom", "E-mail", "Début", "Fin"]


def preview(client, commission, upload):
    url = reverse("commissions:composition_import", args=[commission.slug])
    return client.post(url, {"file": upload, "effective_on": "2027-01-01", "approved_on": ""})


def errors_of(response) -> list[str]:
    return [message for messages in response.context["form"].errors.values() for message in messages]


def csv_bytes(rows) -> bytes:
    return "\r\n".join(";".join(row) for row in [HEADER, *rows]).encode()


def test_an_ods_composition_saved_by_libreoffice_is_imported(client, alice, commission):
    OrganisationFactory(acronym="UNPDM")
    client.force_login(alice)
    rows = [
        ["professionnelle", "UNPDM", "titulaire", "Mme", "NOVAK", "Ida", "ida.novak@example.org", D(2027, 2, 1), None],
        ["professionnelle", "UNPDM", "suppléant", "M.", "ROUX", "Léo", None, "03/04/2027", "31/12/2029"],
    ]
    response = preview(client, commission, SimpleUploadedFile("composition.ods", ods([HEADER, *rows])))

    plan = response.context["plan"]
    assert [(item.person, item.start) for item in plan.created] == [
        ("Mme NOVAK Ida", D(2027, 2, 1)),
        ("M. ROUX Léo", D(2027, 4, 3)),  # a written date, day first
    ]
    client.post(
        reverse("commissions:composition_import_confirm", args=[commission.slug]), {"token": response.context["token"]}
    )
    roux = Mandate.objects.get(person__last_name="ROUX")
    assert (roux.start, roux.end) == (D(2027, 4, 3), D(2029, 12, 31))
    assert CompositionChange.objects.get().description == "Import de composition (fichier composition.ods)"


def test_written_dates_are_read_day_first(db, commission):
    OrganisationFactory(acronym="UNPDM")
    [row] = parse_composition(
        content=csv_bytes([["professionnelle", "UNPDM", "titulaire", "Mme", "NOVAK", "Ida", "", "03/04/2027", ""]])
    )
    assert row.start == D(2027, 4, 3)


def test_a_month_first_file_is_refused_in_french_and_nothing_read(client, alice, commission):
    """As an English-locale LibreOffice saves a CSV: 02/13/2027 is the 13th of February, and 03/04/2027 on the
    row above would have been read as the 3rd of April instead of the 4th of March."""
    OrganisationFactory(acronym="UNPDM")
    client.force_login(alice)
    rows = [
        ["professionnelle", "UNPDM", "titulaire", "Mme", "NOVAK", "Ida", "", "03/04/2027", ""],
        ["professionnelle", "UNPDM", "suppléant", "M.", "ROUX", "Léo", "", "01/02/2027", "02/13/2029"],
    ]
    response = preview(client, commission, SimpleUploadedFile("composition.csv", csv_bytes(rows)))

    [message] = errors_of(response)
    assert message.startswith("Les dates du fichier sont écrites mois/jour, à l'anglaise (ligne 3, colonne « Fin »")
    assert "« 02/13/2029 »" in message and "jj/mm/aaaa" in message and "n'a rien importé" in message
    assert "plan" not in response.context
    assert Mandate.objects.count() == 0


def test_an_ods_that_is_not_readable_is_refused_naming_the_formats(client, alice, commission):
    client.force_login(alice)
    content = ods([HEADER])[:200]  # cut short: the zip's directory is gone
    response = preview(client, commission, SimpleUploadedFile("composition.ods", content))
    [message] = errors_of(response)
    assert "XLSX ou ODS lisible" in message
