"""Uploads are recognised by their content, not their name, and limited in size."""

import io
import zipfile

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import FileContentValidator, Kind, check_upload, detect_kind
from tests.factories import one_page_pdf

PDF = one_page_pdf()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
CSV = "Section;Organisation;Rôle\nsociale;CPAM 13;titulaire\n".encode()
CSV_WINDOWS = "Section;Organisation;Rôle\nsociale;Mutualité;suppléant\n".encode("cp1252")


def ooxml(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<root/>")
    return buffer.getvalue()


def upload(content: bytes, name: str = "fichier.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, Kind.PDF),
        (PNG, Kind.PNG),
        (JPEG, Kind.JPEG),
        (ooxml("xl/workbook.xml"), Kind.XLSX),
        (ooxml("word/document.xml"), Kind.DOCX),
        (ooxml("ppt/presentation.xml"), Kind.PPTX),
        (CSV, Kind.CSV),
        (CSV_WINDOWS, Kind.CSV),
    ],
)
def test_the_kind_comes_from_the_content(content, kind):
    assert detect_kind(upload(content, name="sans-extension")) == kind


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        b"<!DOCTYPE html><script>alert(1)</script>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"PK\x03\x04 not really a zip",
        ooxml("random/part.xml"),
        b"",
    ],
)
def test_unknown_or_dangerous_contents_have_no_kind(content):
    assert detect_kind(upload(content)) is None


def test_a_file_named_pdf_that_is_a_web_page_is_refused():
    fake = upload(b"<html><body>phishing</body></html>", name="ordre-du-jour.pdf")

    with pytest.raises(ValidationError) as error:
        check_upload(fake, kinds=[Kind.PDF])

    assert error.value.messages == [
        "Le fichier « ordre-du-jour.pdf » n'est pas d'un type accepté (PDF) : c'est une page web (HTML)."
    ]


def test_a_png_named_xlsx_is_refused_where_a_spreadsheet_is_expected():
    with pytest.raises(ValidationError):
        check_upload(upload(PNG, name="composition.xlsx"), kinds=[Kind.XLSX, Kind.CSV])


def test_a_file_too_large_is_refused_before_its_content_is_read(settings):
    settings.UPLOAD_MAX_SIZE = 1024 * 1024
    big = upload(PDF + b"0" * (3 * 1024 * 1024), name="annexe.pdf")

    with pytest.raises(ValidationError) as error:
        check_upload(big, kinds=[Kind.PDF])

    assert error.value.messages == ["Le fichier « annexe.pdf » pèse 3 Mo : 1 Mo au plus sont acceptés."]


def test_the_validator_serves_a_form_field_and_leaves_the_file_readable():
    class AttachmentForm(forms.Form):
        file = forms.FileField(validators=[FileContentValidator(kinds=[Kind.PDF, Kind.PNG])])

    good = AttachmentForm(files={"file": upload(PDF, name="a.pdf")})
    bad = AttachmentForm(files={"file": upload(CSV, name="a.pdf")})

    assert good.is_valid()
    assert good.cleaned_data["file"].read() == PDF
    assert not bad.is_valid()
    assert bad.errors["file"] == ["Le fichier « a.pdf » n'est pas d'un type accepté (PDF, PNG)."]


def test_the_validator_can_be_used_in_a_migration():
    validator = FileContentValidator(kinds=["pdf"], max_size=10)

    path, args, kwargs = validator.deconstruct()

    assert path == "portal.uploads.FileContentValidator"
    assert FileContentValidator(*args, **kwargs) == validator
