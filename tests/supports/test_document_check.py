"""The stored RDD document checked against the SHA-256 its trail records: on every download and by verify_trails."""

import datetime
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from decisions import services as decisions
from supports.models import SupportRender
from supports.services import rdd_document_check
from tests.factories import make_session


@pytest.fixture
def document(transmitted):
    return SupportRender.objects.get(meeting=transmitted.meeting, kind="rdd", version="final", status="pret")


def download_url(document):
    meeting = document.meeting
    return reverse("supports:support_download", args=[meeting.commission.slug, meeting.pk, document.pk])


def alter(document, data: bytes) -> None:
    """Someone with access to the storage (not the database) replaces the stored file's bytes."""
    storage, name = document.file.storage, document.file.name
    storage.delete(name)
    assert storage.save(name, ContentFile(data)) == name


def verify_trails() -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_trails", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def test_an_intact_document_is_downloaded_and_verify_trails_finds_nothing(client, member_user, document):
    client.force_login(member_user)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.file.open("rb").read()
    out, err, code = verify_trails()
    assert code == 0 and err == ""
    assert "leurs documents PDF aussi" in out


def test_an_altered_document_is_refused_in_french_and_logged(client, member_user, document, caplog):
    data = document.file.open("rb").read()
    alter(document, data.replace(b"%%EOF", b"%%EOF\n% changed", 1))
    client.force_login(member_user)
    with caplog.at_level(logging.ERROR, logger="portal.security"):
        response = client.get(download_url(document))

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "ne correspond plus à l&#x27;empreinte SHA-256 enregistrée au journal" in response.text
    assert document.sha256 in response.text
    [record] = [record for record in caplog.records if record.name == "portal.security"]
    assert f"render {document.pk}" in record.getMessage() and "user=marc" in record.getMessage()


def test_the_secretariat_is_refused_an_altered_document_too(client, alice, document):
    alter(document, b"%PDF-1.7\nnot the transmitted document\n%%EOF\n")
    client.force_login(alice)
    assert client.get(download_url(document)).status_code == 409


def test_a_document_whose_file_is_gone_is_refused(client, alice, document):
    document.file.storage.delete(document.file.name)
    client.force_login(alice)
    response = client.get(download_url(document))
    assert response.status_code == 409
    assert "le fichier stocké est introuvable" in response.text


def test_verify_trails_names_the_altered_document(document):
    alter(document, b"%PDF-1.7\nnot the transmitted document\n%%EOF\n")
    out, err, code = verify_trails()
    assert code == 1
    meeting = document.meeting
    assert f"{meeting.commission.name}, séance du 01/10/2026, version 1" in err
    assert f"rendu {document.pk}) : document PDF : le fichier stocké ne correspond plus" in err


def test_verify_trails_reports_a_recorded_document_no_rendering_carries(document):
    # Someone with database rights points the rendering at another hash: the trail's document is then missing.
    SupportRender.objects.filter(pk=document.pk).update(sha256="f" * 64)
    out, err, code = verify_trails()
    assert code == 1
    assert "aucun document stocké ne porte l'empreinte SHA-256 enregistrée au journal" in err


def test_a_working_copy_rendered_before_transmission_is_not_the_transmitted_document(
    alice, commission, presidents, frozen_today, fake_renderer, django_capture_on_commit_callbacks
):
    from supports.services import support_request

    meeting = make_session(commission, datetime.date(2026, 10, 1))
    rdd = decisions.rdd_create(meeting=meeting, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        copy, _ = support_request(meeting=meeting, kind="rdd", version="final")
    decisions.rdd_submit(rdd=rdd, user=alice)
    for president in presidents:
        decisions.rdd_approve(rdd=rdd, user=president.user)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.rdd_transmit(rdd=rdd, user=alice)

    transmitted = SupportRender.objects.filter(meeting=meeting, kind="rdd", version="final").exclude(pk=copy.pk).get()
    assert fake_renderer.calls == 2  # rendered anew at transmission, not the copy reused
    assert rdd_document_check(copy) is None
    assert rdd_document_check(transmitted).intact
