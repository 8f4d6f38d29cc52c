"""Import of a composition from a spreadsheet: preview, confirmation, and every way a file can be wrong."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissions.composition.models import CompositionChange, Mandate, Seat, SectionKind
from commissions.composition.planning import composition_plan
from commissions.composition.reading import ImportRow, parse_composition
from members.models import OrganisationAlias, Person
from tests.factories import MandateFactory, OrganisationFactory, PersonFactory, SeatFactory

D = datetime.date
HEADER = ["Section", "Organisation", "Rôle", "Civilité", "Nom", "Prénom", "E-mail", "Début", "Fin"]
EFFECTIVE = D(2027, 1, 1)


def csv_upload(rows, *, header=HEADER, encoding="utf-8", delimiter=";", name="composition.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, *, header=HEADER, name="composition.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def import_url(commission):
    return reverse("commissions:composition_import", args=[commission.slug])


def confirm_url(commission):
    return reverse("commissions:composition_import_confirm", args=[commission.slug])


def preview(client, commission, upload, *, day=EFFECTIVE, approved_on=""):
    return client.post(
        import_url(commission),
        {"file": upload, "effective_on": day.isoformat(), "approved_on": approved_on},
    )


def errors_of(response) -> list[str]:
    form = response.context["form"]
    return [message for messages in form.errors.values() for message in messages]


def snapshot():
    """What an import may write: compared before and after a refused import."""
    return (
        list(Mandate.objects.order_by("pk").values_list("pk", "seat_id", "role", "person_id", "start", "end")),
        list(Seat.objects.order_by("pk").values_list("pk", "opened_on", "closed_on")),
        Person.objects.count(),
        CompositionChange.objects.count(),
    )


@pytest.fixture
def composition(commission):
    """CPAM 13 (social) holds one seat, KERN titular and MARTIN substitute; UNPDM (professional) one seat, ROUSSEL
    titular with a vacant substitute; FNAT, an organisation the new file will drop, one seat with BLANC."""
    cpam = OrganisationFactory(acronym="CPAM 13", name="Caisse primaire d'assurance maladie des Bouches-du-Rhône")
    unpdm = OrganisationFactory(acronym="UNPDM", name="Union nationale des prestataires de dispositifs médicaux")
    fnat = OrganisationFactory(acronym="FNAT")
    social = commission.sections.get(kind=SectionKind.SOCIAL)
    professional = commission.sections.get(kind=SectionKind.PROFESSIONAL)
    cpam_seat = SeatFactory(section=social, organisation=cpam, position=1)
    unpdm_seat = SeatFactory(section=professional, organisation=unpdm, position=1)
    fnat_seat = SeatFactory(section=professional, organisation=fnat, position=2)
    kern = PersonFactory(civility="Mme", last_name="KERN", first_name="Colette", email="colette.kern@example.org")
    martin = PersonFactory(civility="M.", last_name="MARTIN", first_name="Paul", email="")
    roussel = PersonFactory(civility="M.", last_name="ROUSSEL", first_name="Éric", email="eric.roussel@example.org")
    blanc = PersonFactory(civility="Dr", last_name="BLANC", first_name="Anne", email="")
    start = D(2024, 1, 1)
    MandateFactory(seat=cpam_seat, role=Mandate.Role.TITULAR, person=kern, start=start)
    MandateFactory(seat=cpam_seat, role=Mandate.Role.SUBSTITUTE, person=martin, start=start)
    MandateFactory(seat=unpdm_seat, role=Mandate.Role.TITULAR, person=roussel, start=start)
    MandateFactory(seat=fnat_seat, role=Mandate.Role.TITULAR, person=blanc, start=start)
    return {
        "cpam_seat": cpam_seat,
        "unpdm_seat": unpdm_seat,
        "fnat_seat": fnat_seat,
        "kern": kern,
        "martin": martin,
        "roussel": roussel,
        "blanc": blanc,
    }


# The file of the new composition on 01/01/2027: KERN and MARTIN stay, ROUSSEL is replaced by a newcomer, UNPDM
# gains a substitute (already known to the portal by name) and FNAT disappears.
NEW_ROWS = [
    ["Section sociale", "CPAM 13", "titulaire", "Mme", "KERN", "Colette", "colette.kern@example.org", "", ""],
    ["Section sociale", "cpam 13", "suppléant", "M.", "Martin", "Paul", "", "01/03/2024", ""],
    ["professionnelle", "UNPDM", "Titulaire", "Mme", "DURAND", "Léa", "lea.durand@example.org", "", "31/12/2029"],
    ["professionnelle", "UNPDM", "suppleant", "M", "ROUSSEL", "Eric", "", "", ""],
]


def test_the_upload_form_proposes_today_as_the_effective_date(client, alice, frozen_today, composition, commission):
    client.force_login(alice)

    response = client.get(import_url(commission))

    assert response.status_code == 200
    assert response.context["form"]["effective_on"].value() == D(2026, 11, 22)
    assert "Date d&#x27;effet" in response.content.decode() or "Date d'effet" in response.content.decode()


def test_the_preview_lists_created_unchanged_and_ended_mandates_and_saves_nothing(
    client, alice, composition, commission
):
    client.force_login(alice)
    before = snapshot()

    response = preview(client, commission, csv_upload(NEW_ROWS))

    assert response.status_code == 200
    plan = response.context["plan"]
    assert [(item.organisation, item.role, item.person) for item in plan.created] == [
        ("UNPDM", "titulaire", "Mme DURAND Léa"),
        ("UNPDM", "suppleant", "M. ROUSSEL Éric"),
    ]
    assert [item.person for item in plan.unchanged] == ["Mme KERN Colette", "M. MARTIN Paul"]
    assert sorted(item.person for item in plan.ended) == ["Dr BLANC Anne", "M. ROUSSEL Éric"]
    assert [(change.organisation, change.seat_number) for change in plan.seats_closed] == [("FNAT", 1)]
    page = response.content.decode()
    assert "Mandats créés (2)" in page
    assert "Mandats terminés au 31/12/2026 (2)" in page
    assert "Confirmer l&#x27;import" in page or "Confirmer l'import" in page
    assert snapshot() == before


def test_confirming_creates_ends_and_records_one_composition_change(client, alice, composition, commission):
    client.force_login(alice)
    response = preview(client, commission, csv_upload(NEW_ROWS, name="compo-2027.csv"), approved_on="2026-12-10")

    response = client.post(confirm_url(commission), {"token": response.context["token"]}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("commissions:detail", args=[commission.slug])
    change = CompositionChange.objects.get()
    assert change.effective_on == EFFECTIVE
    assert change.approved_on == D(2026, 12, 10)
    assert change.description == "Import de composition (fichier compo-2027.csv)"
    assert change.created_by == alice
    durand = Person.objects.get(last_name="DURAND")
    assert (durand.civility, durand.first_name, durand.email) == ("Mme", "Léa", "lea.durand@example.org")
    unpdm_seat = composition["unpdm_seat"]
    titular = Mandate.objects.get(seat=unpdm_seat, person=durand)
    assert (titular.role, titular.start, titular.end, titular.opened_by) == (
        "titulaire",
        EFFECTIVE,
        D(2029, 12, 31),
        change,
    )
    substitute = Mandate.objects.get(seat=unpdm_seat, role="suppleant")
    assert (substitute.person, substitute.start, substitute.end) == (composition["roussel"], EFFECTIVE, None)
    ended = Mandate.objects.get(seat=unpdm_seat, role="titulaire", person=composition["roussel"])
    assert (ended.end, ended.closed_by) == (D(2026, 12, 31), change)
    blanc = Mandate.objects.get(person=composition["blanc"])
    assert blanc.end == D(2026, 12, 31)
    assert Seat.objects.get(pk=composition["fnat_seat"].pk).closed_on == D(2026, 12, 31)
    assert Mandate.objects.get(person=composition["kern"]).end is None
    assert Person.objects.filter(last_name__iexact="ROUSSEL").count() == 1
    message = str(list(response.context["messages"])[0])
    assert (
        message == "Composition importée au 01/01/2027 : 2 mandats créés, 2 inchangés, 2 terminés le 31/12/2026 ; "
        "1 personne ajoutée, 1 siège supprimé."
    )


def test_importing_the_same_file_again_changes_nothing(client, alice, composition, commission):
    client.force_login(alice)
    response = preview(client, commission, csv_upload(NEW_ROWS))
    client.post(confirm_url(commission), {"token": response.context["token"]})
    after_first = snapshot()

    response = preview(client, commission, csv_upload(NEW_ROWS))

    plan = response.context["plan"]
    assert (len(plan.created), len(plan.unchanged), len(plan.ended)) == (0, 4, 0)
    assert not plan.seats_closed and not plan.seats_added
    response = client.post(confirm_url(commission), {"token": response.context["token"]}, follow=True)
    assert snapshot() == after_first
    assert "rien n&#x27;a changé" in response.content.decode() or "rien n'a changé" in response.content.decode()


def test_an_xlsx_file_with_date_cells_is_imported(client, alice, composition, commission):
    client.force_login(alice)
    rows = [
        ["sociale", "CPAM 13", "titulaire", "Mme", "KERN", "Colette", "colette.kern@example.org", None, None],
        ["sociale", "CPAM 13", "suppléant", "M.", "MARTIN", "Paul", None, None, None],
        ["professionnelle", "UNPDM", "titulaire", "M.", "ROUSSEL", "Éric", None, None, None],
        ["professionnelle", "UNPDM", "suppléant", "Mme", "NOVAK", "Ida", None, datetime.datetime(2027, 2, 1), None],
        ["professionnelle", "FNAT", "titulaire", "Dr", "BLANC", "Anne", None, None, None],
    ]
    response = preview(client, commission, xlsx_upload(rows, name="compo.xlsx"))

    plan = response.context["plan"]
    assert [(item.person, item.start) for item in plan.created] == [("Mme NOVAK Ida", D(2027, 2, 1))]
    assert len(plan.unchanged) == 4 and plan.ended == []
    client.post(confirm_url(commission), {"token": response.context["token"]})
    novak = Mandate.objects.get(person__last_name="NOVAK")
    assert (novak.seat, novak.role, novak.start) == (composition["unpdm_seat"], "suppleant", D(2027, 2, 1))
    assert CompositionChange.objects.get().description == "Import de composition (fichier compo.xlsx)"


def test_a_windows_1252_file_keeps_its_accents(client, alice, commission):
    OrganisationFactory(acronym="FÉDÉ")
    client.force_login(alice)
    rows = [["Section professionnelle", "fédé", "Titulaire", "Mme", "LEFÈVRE", "Hélène", "", "", ""]]

    response = preview(client, commission, csv_upload(rows, encoding="cp1252", delimiter=","))
    client.post(confirm_url(commission), {"token": response.context["token"]})

    person = Person.objects.get()
    assert (person.last_name, person.first_name) == ("LEFÈVRE", "Hélène")
    seat = Seat.objects.get()
    assert (seat.organisation.acronym, seat.section.kind, seat.opened_on) == ("FÉDÉ", "professionnelle", EFFECTIVE)


def test_columns_are_recognised_by_header_whatever_their_order_case_and_accents(db, commission):
    OrganisationFactory(acronym="UNPDM")
    text = (
        "\ufeffNOM;prenom;ROLE;courriel;Civilite;organisation;SECTION;date de début\r\n"
        "Dupont;Jean;suppléant;jean@example.org;M.;unpdm;Professionnelle;02/01/2027\r\n"
    )

    rows = parse_composition(content=text.encode("utf-8"))

    assert rows == [
        ImportRow(
            line=2,
            section="professionnelle",
            organisation_id=rows[0].organisation_id,
            organisation="UNPDM",
            role="suppleant",
            civility="M.",
            last_name="Dupont",
            first_name="Jean",
            email="jean@example.org",
            start=D(2027, 1, 2),
        )
    ]


def test_an_organisation_is_found_by_another_name_or_its_full_name(db, commission):
    organisation = OrganisationFactory(acronym="UNDPM", name="Union des distributeurs de produits médicaux")
    OrganisationAlias.objects.create(organisation=organisation, name="UNPDM")
    content = (
        "Section;Organisation;Rôle;Nom\n"
        "sociale;unpdm;titulaire;\n"
        "sociale;UNION DES DISTRIBUTEURS DE PRODUITS MEDICAUX;suppléant;à pourvoir\n"
    ).encode()

    rows = parse_composition(content=content)

    assert [(row.organisation_id, row.is_vacant) for row in rows] == [(organisation.pk, True), (organisation.pk, True)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (HEADER + ["Téléphone"], "Ligne 1, colonne J : colonne inconnue « Téléphone »"),
        ([name for name in HEADER if name != "Organisation"], "Colonne obligatoire manquante : « Organisation »."),
        ([name for name in HEADER if name != "Rôle"], "Colonne obligatoire manquante : « Rôle »."),
        (HEADER + ["role"], "Ligne 1 : la colonne « Rôle » apparaît deux fois."),
    ],
)
def test_an_unknown_repeated_or_missing_column_is_named(client, alice, composition, commission, header, expected):
    client.force_login(alice)
    before = snapshot()
    rows = [["sociale", "CPAM 13", "titulaire", "Mme", "KERN", "Colette", "", "", "", ""][: len(header)]]

    response = preview(client, commission, csv_upload(rows, header=header))

    assert any(message.startswith(expected) for message in errors_of(response)), errors_of(response)
    assert "plan" not in response.context
    assert snapshot() == before


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({7: "31/02/2025"}, "Ligne 2, colonne « Début » : date impossible « 31/02/2025 »."),
        ({8: "2027-13-01"}, "Ligne 2, colonne « Fin » : date impossible « 2027-13-01 »."),
        ({7: "demain"}, "Ligne 2, colonne « Début » : date illisible « demain » (format attendu : jj/mm/aaaa)."),
        (
            {7: "10/01/2027", 8: "09/01/2027"},
            "Ligne 2, colonne « Fin » : la fin (09/01/2027) précède le début (10/01/2027).",
        ),
        ({1: "XYZ"}, "Ligne 2, colonne « Organisation » : organisation inconnue « XYZ »."),
        (
            {0: "mixte"},
            "Ligne 2, colonne « Section » : section inconnue « mixte » (attendu : sociale ou professionnelle).",
        ),
        (
            {2: "président"},
            "Ligne 2, colonne « Rôle » : rôle inconnu « président » (attendu : titulaire ou suppléant).",
        ),
        ({3: ""}, "Ligne 2, colonne « Civilité » : la civilité manque (Mme, M. ou Dr)."),
        ({3: "Mlle"}, "Ligne 2, colonne « Civilité » : civilité inconnue « Mlle » (attendu : Mme, M. ou Dr)."),
        ({6: "pas-une-adresse"}, "Ligne 2, colonne « E-mail » : adresse e-mail invalide « pas-une-adresse »."),
    ],
)
def test_a_wrong_value_is_named_by_row_and_column_and_nothing_is_saved(
    client, alice, composition, commission, cells, expected
):
    client.force_login(alice)
    before = snapshot()
    row = ["sociale", "CPAM 13", "titulaire", "Mme", "KERN", "Colette", "", "", ""]
    for index, value in cells.items():
        row[index] = value

    response = preview(client, commission, csv_upload([row]))

    assert response.status_code == 200
    assert errors_of(response) == [expected]
    assert snapshot() == before


def test_every_wrong_row_is_reported_with_its_spreadsheet_row_number(db, commission):
    OrganisationFactory(acronym="UNPDM")
    content = (
        "Section;Organisation;Rôle;Civilité;Nom\n"
        "sociale;UNPDM;titulaire;Mme;KERN\n"
        "\n"
        "sociale;ABC;titulaire;Mme;LEROY\n"
        "sociale;UNPDM;suppléant;Mme;LEROY\n"
        "sociale;DEF;suppléant;Mme;PETIT\n"
    ).encode()

    with pytest.raises(ValidationError) as refused:
        parse_composition(content=content)

    assert refused.value.messages == [
        "Ligne 4, colonne « Organisation » : organisation inconnue « ABC ».",
        "Ligne 6, colonne « Organisation » : organisation inconnue « DEF ».",
    ]


def test_the_civility_column_may_be_left_out_only_when_every_role_is_vacant(db, commission):
    OrganisationFactory(acronym="UNPDM")
    vacant = "Section;Organisation;Rôle;Nom\nsociale;UNPDM;titulaire;\n".encode()
    named = "Section;Organisation;Rôle;Nom\nsociale;UNPDM;titulaire;DUPONT\n".encode()

    assert parse_composition(content=vacant)[0].is_vacant
    with pytest.raises(ValidationError) as refused:
        parse_composition(content=named)
    assert refused.value.messages == [
        "Colonne obligatoire manquante : « Civilité » (obligatoire dès qu'une ligne a un nom)."
    ]


def test_a_wholly_wrong_file_lists_twenty_errors_and_counts_the_rest(db, commission):
    content = ("Section;Organisation;Rôle;Nom\n" + "mixte;UNPDM;titulaire;\n" * 30).encode()

    with pytest.raises(ValidationError) as refused:
        parse_composition(content=content)

    assert len(refused.value.messages) == 21
    assert refused.value.messages[-1] == "… et 40 autres erreurs."


def test_an_unknown_organisation_is_named_in_the_page(client, alice, composition, commission):
    client.force_login(alice)
    rows = [NEW_ROWS[0], NEW_ROWS[1], ["sociale", "XYZ", "titulaire", "Mme", "NOVAK", "Ida", "", "", ""]]

    response = preview(client, commission, csv_upload(rows))

    assert "Ligne 4, colonne « Organisation » : organisation inconnue « XYZ »." in response.content.decode()


def test_duplicate_rows_are_refused_naming_both_rows(client, alice, composition, commission):
    client.force_login(alice)
    before = snapshot()
    rows = [NEW_ROWS[0], NEW_ROWS[1], ["Section sociale", "CPAM 13", "Titulaire", "Mme", "Kern", "Colette", "", "", ""]]
    rows[2][6] = "Colette.Kern@example.org"

    response = preview(client, commission, csv_upload(rows))

    assert errors_of(response) == [
        "Lignes 2 et 4 : même personne (Mme KERN Colette), même section, organisation et rôle — ligne en double."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    "content",
    [b"", b"   \r\n", "Section;Organisation;Rôle;Nom\r\n".encode(), "Section;Organisation;Rôle;Nom\n;;;\n".encode()],
    ids=["no-bytes", "blank", "header-only", "blank-rows"],
)
def test_an_empty_file_is_refused(client, alice, commission, content):
    client.force_login(alice)

    response = preview(client, commission, SimpleUploadedFile("vide.csv", content))

    assert len(errors_of(response)) == 1
    assert "vide" in errors_of(response)[0]
    assert CompositionChange.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        b"PK\x03\x04 this is not really a zip file",
        b"\x00\x01\x02binary",
    ],
    ids=["pdf", "xls", "broken-zip", "binary"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_clearly(client, alice, commission, content):
    client.force_login(alice)

    response = preview(client, commission, SimpleUploadedFile("composition.csv", content))

    assert response.status_code == 200
    [message] = errors_of(response)
    assert ".xlsx" in message
    assert CompositionChange.objects.count() == 0


def test_a_file_over_two_megabytes_is_refused(client, alice, commission):
    client.force_login(alice)
    big = SimpleUploadedFile("gros.csv", b"Section;Organisation;R\xc3\xb4le;Nom\n" + b"x" * (2 * 1024 * 1024))

    response = preview(client, commission, big)

    assert errors_of(response) == ["Le fichier pèse 2,0 Mo : 2 Mo au plus sont acceptés."]


def test_a_start_before_the_effective_date_is_refused_for_a_new_mandate(client, alice, composition, commission):
    client.force_login(alice)
    before = snapshot()
    rows = [*NEW_ROWS, ["Section sociale", "CPAM 13", "titulaire", "Mme", "NOVAK", "Ida", "", "15/12/2026", ""]]

    response = preview(client, commission, csv_upload(rows))

    assert errors_of(response) == [
        "Ligne 6, colonne « Début » : le début du mandat (15/12/2026) précède la date d'effet de l'import (01/01/2027)."
    ]
    assert snapshot() == before


def test_a_vacant_row_ends_the_current_holder_and_keeps_the_seat(db, composition, commission):
    rows = parse_composition(
        content=(
            "Section;Organisation;Rôle;Civilité;Nom;Prénom\n"
            "sociale;CPAM 13;titulaire;Mme;KERN;Colette\n"
            "sociale;CPAM 13;suppléant;;à pourvoir;\n"
            "professionnelle;UNPDM;titulaire;M.;ROUSSEL;Éric\n"
            "professionnelle;FNAT;titulaire;Dr;BLANC;Anne\n"
        ).encode()
    )

    plan = composition_plan(commission=commission, rows=rows, day=EFFECTIVE)

    assert [item.person for item in plan.ended] == ["M. MARTIN Paul"]
    assert [item.line for item in plan.vacant] == [3]
    assert plan.created == [] and plan.seats_closed == [] and plan.errors == []


def test_extra_rows_of_an_organisation_open_new_seats_in_order(client, alice, composition, commission):
    client.force_login(alice)
    rows = [
        *NEW_ROWS[:2],
        ["sociale", "CPAM 13", "titulaire", "Mme", "NOVAK", "Ida", "", "", ""],
        ["sociale", "CPAM 13", "suppléant", "", "", "", "", "", ""],
        *NEW_ROWS[2:],
    ]
    response = preview(client, commission, csv_upload(rows))
    assert [(seat.organisation, seat.seat_number) for seat in response.context["plan"].seats_added] == [("CPAM 13", 2)]

    client.post(confirm_url(commission), {"token": response.context["token"]})

    seats = list(Seat.objects.filter(organisation__acronym="CPAM 13").order_by("position"))
    assert [(seat.position, seat.opened_on) for seat in seats] == [(1, None), (2, EFFECTIVE)]
    assert Mandate.objects.get(person__last_name="NOVAK").seat == seats[1]
    response = preview(client, commission, csv_upload(rows))
    assert not response.context["plan"].has_changes


def test_a_mandate_starting_on_the_effective_date_cannot_be_ended_the_day_before(
    client, alice, composition, commission
):
    client.force_login(alice)
    response = preview(client, commission, csv_upload(NEW_ROWS))
    client.post(confirm_url(commission), {"token": response.context["token"]})
    before = snapshot()
    rows = [*NEW_ROWS[:2], ["professionnelle", "UNPDM", "titulaire", "M.", "ROUSSEL", "Éric", "", "", ""]]

    response = preview(client, commission, csv_upload(rows))

    advice = " Choisissez une date d'effet postérieure ou corrigez ce mandat."
    assert errors_of(response) == [
        "Le mandat de M. ROUSSEL Éric (suppléant, UNPDM) commence le 01/01/2027 : il ne peut se terminer le 31/12/2026."
        + advice,
        "Le mandat de Mme DURAND Léa (titulaire, UNPDM) commence le 01/01/2027 : il ne peut se terminer le 31/12/2026."
        + advice,
    ]
    assert snapshot() == before


def test_a_composition_changed_since_the_preview_is_previewed_again_not_applied(client, alice, composition, commission):
    client.force_login(alice)
    response = preview(client, commission, csv_upload(NEW_ROWS))
    # Meanwhile someone else ends BLANC's mandate by hand.
    Mandate.objects.filter(person=composition["blanc"]).update(end=D(2026, 6, 30))
    before = snapshot()

    response = client.post(confirm_url(commission), {"token": response.context["token"]})

    assert response.status_code == 200
    assert "La composition a changé depuis l'aperçu précédent" in response.content.decode()
    assert [item.person for item in response.context["plan"].ended] == ["M. ROUSSEL Éric"]
    assert snapshot() == before
    client.post(confirm_url(commission), {"token": response.context["token"]})
    assert CompositionChange.objects.count() == 1


def test_a_failure_while_applying_saves_nothing(client, alice, composition, commission):
    client.force_login(alice)
    response = preview(client, commission, csv_upload(NEW_ROWS))
    token = response.context["token"]
    # A successor recorded meanwhile for ROUSSEL makes the plan fail at confirmation: DURAND would overlap it.
    Mandate.objects.filter(person=composition["roussel"]).update(end=D(2027, 12, 31))
    MandateFactory(
        seat=composition["unpdm_seat"], role="titulaire", person=PersonFactory(last_name="FUTUR"), start=D(2028, 1, 1)
    )
    before = snapshot()

    response = client.post(confirm_url(commission), {"token": token})

    assert response.status_code == 200
    assert response.context["confirm_errors"] == [
        "Ligne 4 : ce siège a déjà un titulaire à partir du 01/01/2028 (Mme FUTUR Claire).",
    ]
    assert "L&#x27;import n&#x27;a pas été enregistré" not in response.content.decode()
    assert "L'import n'a pas été enregistré" in response.content.decode()
    assert snapshot() == before


def test_a_confirmation_without_a_valid_preview_is_refused(client, alice, composition, commission):
    client.force_login(alice)
    preview(client, commission, csv_upload(NEW_ROWS))

    response = client.post(confirm_url(commission), {"token": "forged"}, follow=True)

    assert response.redirect_chain[-1][0] == import_url(commission)
    assert "Cet aperçu n&#x27;est plus valable" in response.content.decode()
    assert CompositionChange.objects.count() == 0


def test_the_confirmation_accepts_only_post(client, alice, commission):
    client.force_login(alice)

    assert client.get(confirm_url(commission)).status_code == 405


@pytest.mark.parametrize(("user", "status"), [("bob", 404), ("charlie", 404), ("member_user", 403)])
def test_only_the_secretariat_may_import(client, commission, composition, user, status, request):
    # Another commission's agent and a stranger learn nothing (404); a member is told it is not for him (403).
    client.force_login(request.getfixturevalue(user))

    assert client.get(import_url(commission)).status_code == status
    assert preview(client, commission, csv_upload(NEW_ROWS)).status_code == status
    assert client.post(confirm_url(commission), {"token": "x"}).status_code == status
    assert CompositionChange.objects.count() == 0


def test_anonymous_visitors_are_asked_to_log_in(client, commission):
    response = client.get(import_url(commission))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_persons_are_matched_by_email_before_name(db, composition, commission):
    namesake = PersonFactory(civility="Mme", last_name="KERN", first_name="Colette", email="autre@example.org")
    rows = parse_composition(
        content=(
            "Section;Organisation;Rôle;Civilité;Nom;Prénom;E-mail\n"
            "sociale;CPAM 13;titulaire;Mme;KERN;Colette;autre@example.org\n"
            "sociale;CPAM 13;suppléant;M.;MARTIN;Paul;paul.martin@example.org\n"
        ).encode()
    )

    plan = composition_plan(commission=commission, rows=rows, day=EFFECTIVE)

    # The namesake with that e-mail is another person: KERN's seat changes hands.
    assert [item.person_obj for item in plan.created] == [namesake]
    # MARTIN has no e-mail in the portal: found by name, kept.
    assert [item.person_obj for item in plan.unchanged] == [composition["martin"]]


def test_a_name_written_otherwise_for_a_known_e_mail_is_remarked(client, alice, composition, commission):
    # "KERNN" for KERN, with her e-mail: the same person, kept, and the preview says how the file spells her.
    rows = [["Section sociale", "CPAM 13", "titulaire", "Mme", "KERNN", "Colette", "colette.kern@example.org", "", ""]]
    client.force_login(alice)

    response = preview(client, commission, csv_upload(rows))

    plan = response.context["plan"]
    [kept] = [item for item in plan.unchanged if item.person_obj == composition["kern"]]
    assert kept.note == (
        "nom écrit « KERNN Colette » dans le fichier pour l'adresse colette.kern@example.org : le portail garde "
        "« Mme KERN Colette » ; vérifiez l'orthographe"
    )
    assert "vérifiez l&#x27;orthographe" in response.text
    # The same spelling as the portal's, accents and case aside: no remark.
    rows[0][4] = "kern"
    plan = preview(client, commission, csv_upload(rows)).context["plan"]
    assert [item.note for item in plan.unchanged if item.person_obj == composition["kern"]] == [""]
