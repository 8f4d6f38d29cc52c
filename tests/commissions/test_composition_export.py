"""Export of a composition in the import format, and the round trip export → import."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissions.composition.models import CompositionChange, Mandate, SectionKind
from tests.factories import MandateFactory, OrganisationFactory, PersonFactory, SeatFactory

D = datetime.date


def export_url(commission):
    return reverse("commissions:composition_export", args=[commission.slug])


@pytest.fixture
def composition(commission):
    """CPAM 13 with KERN titular and a vacant substitute; UNPDM with two seats; one mandate over by 2026."""
    cpam = OrganisationFactory(acronym="CPAM 13")
    unpdm = OrganisationFactory(acronym="UNPDM")
    social = commission.sections.get(kind=SectionKind.SOCIAL)
    professional = commission.sections.get(kind=SectionKind.PROFESSIONAL)
    cpam_seat = SeatFactory(section=social, organisation=cpam, position=1)
    first = SeatFactory(section=professional, organisation=unpdm, position=1)
    second = SeatFactory(section=professional, organisation=unpdm, position=2)
    kern = PersonFactory(civility="Mme", last_name="KERN", first_name="Colette", email="colette.kern@example.org")
    MandateFactory(seat=cpam_seat, person=kern, start=D(2024, 1, 1))
    MandateFactory(
        seat=first,
        person=PersonFactory(civility="M.", last_name="LEFÈVRE", first_name="Éric", email=""),
        start=D(2024, 1, 1),
        end=D(2028, 12, 31),
    )
    MandateFactory(
        seat=first,
        role=Mandate.Role.SUBSTITUTE,
        person=PersonFactory(civility="Dr", last_name="NOVAK", first_name="Ida", email=""),
        start=D(2025, 3, 1),
    )
    MandateFactory(seat=second, person=PersonFactory(last_name="PARTI"), start=D(2020, 1, 1), end=D(2025, 12, 31))
    MandateFactory(
        seat=second,
        role=Mandate.Role.SUBSTITUTE,
        person=PersonFactory(civility="M.", last_name="ROUX", first_name="Jean", email="jean.roux@example.org"),
        start=D(2024, 1, 1),
    )
    return commission


EXPECTED_ROWS = [
    ["Section", "Organisation", "Rôle", "Civilité", "Nom", "Prénom", "E-mail", "Début", "Fin"],
    ["Section sociale", "CPAM 13", "titulaire", "Mme", "KERN", "Colette", "colette.kern@example.org", "01/01/2024", ""],
    ["Section sociale", "CPAM 13", "suppléant", "", "", "", "", "", ""],
    ["Section professionnelle", "UNPDM", "titulaire", "M.", "LEFÈVRE", "Éric", "", "01/01/2024", "31/12/2028"],
    ["Section professionnelle", "UNPDM", "suppléant", "Dr", "NOVAK", "Ida", "", "01/03/2025", ""],
    ["Section professionnelle", "UNPDM", "titulaire", "", "", "", "", "", ""],
    ["Section professionnelle", "UNPDM", "suppléant", "M.", "ROUX", "Jean", "jean.roux@example.org", "01/01/2024", ""],
]


def test_the_csv_export_is_the_import_format_with_a_bom_and_semicolons(client, alice, composition, frozen_today):
    client.force_login(alice)

    response = client.get(export_url(composition), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="composition-cpr-paca-2026-11-22.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert [line.split(";") for line in lines[:-1]] == EXPECTED_ROWS
    assert lines[-1] == ""


def test_the_xlsx_export_has_real_date_cells(client, alice, composition, frozen_today):
    client.force_login(alice)

    response = client.get(export_url(composition), {"format": "xlsx"})

    assert response["Content-Disposition"] == 'attachment; filename="composition-cpr-paca-2026-11-22.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == EXPECTED_ROWS[0]
    assert values[3] == [
        "Section professionnelle",
        "UNPDM",
        "titulaire",
        "M.",
        "LEFÈVRE",
        "Éric",
        None,
        datetime.datetime(2024, 1, 1),
        datetime.datetime(2028, 12, 31),
    ]
    assert sheet["H2"].number_format == "DD/MM/YYYY"
    assert len(values) == len(EXPECTED_ROWS)


@pytest.mark.parametrize("date", ["31/12/2025", "2025-12-31"])
def test_the_export_shows_the_composition_on_the_date_asked(client, alice, composition, date):
    client.force_login(alice)

    response = client.get(export_url(composition), {"date": date, "format": "csv"})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert "Section professionnelle;UNPDM;titulaire;Mme;PARTI;Claire;parti@example.org;01/01/2020;31/12/2025" in lines
    assert response["Content-Disposition"].endswith('2025-12-31.csv"')


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date": "31/02/2025"}, "Date d&#x27;export illisible « 31/02/2025 »"),
        ({"format": "pdf"}, "Format d&#x27;export inconnu"),
    ],
)
def test_a_wrong_date_or_format_brings_back_to_the_commission_with_a_message(
    client, alice, composition, params, message
):
    client.force_login(alice)

    response = client.get(export_url(composition), params, follow=True)

    assert response.redirect_chain[-1][0] == reverse("commissions:detail", args=[composition.slug])
    assert message in response.content.decode()


def test_a_member_may_export_but_not_import(client, member_user, composition):
    client.force_login(member_user)

    assert client.get(export_url(composition), {"format": "csv"}).status_code == 200
    assert client.get(reverse("commissions:composition_import", args=[composition.slug])).status_code == 403


@pytest.mark.parametrize("user", ["bob", "charlie"])
def test_others_get_404_for_the_export(client, composition, user, request):
    client.force_login(request.getfixturevalue(user))

    assert client.get(export_url(composition), {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_importing_an_export_at_the_same_date_changes_nothing(client, alice, composition, kind):
    client.force_login(alice)
    exported = client.get(export_url(composition), {"date": "01/01/2027", "format": kind})
    mandates = list(Mandate.objects.order_by("pk").values())

    response = client.post(
        reverse("commissions:composition_import", args=[composition.slug]),
        {"file": SimpleUploadedFile(f"export.{kind}", exported.content), "effective_on": "2027-01-01"},
    )

    plan = response.context["plan"]
    assert (len(plan.created), len(plan.unchanged), len(plan.ended)) == (0, 4, 0)
    assert [item.line for item in plan.vacant] == [3, 6]
    assert not plan.seats_added and not plan.seats_closed
    client.post(
        reverse("commissions:composition_import_confirm", args=[composition.slug]), {"token": response.context["token"]}
    )
    assert list(Mandate.objects.order_by("pk").values()) == mandates
    assert CompositionChange.objects.count() == 0
