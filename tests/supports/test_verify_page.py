"""'Vérifier un relevé': an uploaded PDF recognised by its SHA-256 against the trails, its seal and its stored copy."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from supports.models import SupportRender
from tests.factories import one_page_pdf

URL = reverse("supports:rdd_verify")


@pytest.fixture
def document(transmitted):
    return SupportRender.objects.get(meeting=transmitted.meeting, kind="rdd", version="final", status="pret")


def upload(client, data: bytes, name: str = "releve.pdf"):
    return client.post(URL, {"document": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_a_member_recognises_the_transmitted_rdd_its_seal_and_its_stored_copy(client, member_user, document):
    client.force_login(member_user)
    response = upload(client, document.file.open("rb").read())

    assert response.status_code == 200
    text = response.text
    assert "Ce document est le relevé de décisions transmis par le portail" in text
    assert "CPR PACA–Corse LPP" in text and "01/10/2026" in text
    assert 'Transmis le</dt><dd class="col-sm-8">22/11/2026' in text
    assert "intact : son empreinte SHA-256 est celle enregistrée au journal" in text
    assert "valide : document intact depuis son scellement" in text
    assert document.sha256 in text


def test_the_page_says_when_the_stored_copy_was_altered(client, member_user, document):
    original = document.file.open("rb").read()
    storage, name = document.file.storage, document.file.name
    storage.delete(name)
    storage.save(name, ContentFile(original + b"\n% altered\n"))
    client.force_login(member_user)
    text = upload(client, original).text
    assert "Ce document est le relevé de décisions transmis" in text
    assert "<strong>altéré</strong> : le fichier stocké ne correspond plus" in text


def test_one_changed_byte_is_an_unknown_file_with_an_invalid_seal(client, member_user, document):
    data = bytearray(document.file.open("rb").read())
    position = data.index(b"(pypdf)") + 1
    data[position] = ord("q")
    client.force_login(member_user)
    text = upload(client, bytes(data)).text
    assert "n'est pas un relevé de décisions transmis d'une de vos commissions" in text
    assert "<strong>invalide</strong> : le document a été modifié après son scellement" in text


def test_an_unknown_pdf_is_said_unknown_in_french(client, member_user, document):
    client.force_login(member_user)
    text = upload(client, one_page_pdf(200, 200)).text
    assert "n'est pas un relevé de décisions transmis d'une de vos commissions" in text
    assert "aucun cachet du portail" in text


def test_another_commissions_rdd_is_answered_as_unknown(client, bob, document):
    client.force_login(bob)
    text = upload(client, document.file.open("rb").read()).text
    assert "n'est pas un relevé de décisions transmis d'une de vos commissions" in text
    assert "CPR PACA" not in text


def test_a_file_that_is_not_a_pdf_is_refused_by_its_content(client, member_user, document):
    client.force_login(member_user)
    response = upload(client, b"<html><script>alert(1)</script></html>", name="releve.pdf")
    assert response.status_code == 200
    assert "une page web (HTML)" in response.text
    assert "Résultat" not in response.text


def test_a_file_too_large_is_refused(client, member_user, document):
    client.force_login(member_user)
    with override_settings(VERIFY_UPLOAD_MAX_SIZE=100):
        response = upload(client, document.file.open("rb").read())
    assert "Mo au plus sont acceptés" in response.text
    assert "Résultat" not in response.text


def test_the_page_needs_a_login_and_a_commission(client, charlie):
    assert client.get(URL).status_code == 302
    client.force_login(charlie)
    assert client.get(URL).status_code == 403


def test_the_supports_page_links_to_it(client, member_user, document):
    client.force_login(member_user)
    page = client.get(
        reverse("supports:meeting_supports", args=[document.meeting.commission.slug, document.meeting.pk])
    )
    assert URL in page.text
