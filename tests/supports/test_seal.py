"""The RDD document sealed by the portal at transmission (PAdES with pyHanko), and a failed seal stopping it."""

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Speaker
from decisions import services as decisions
from decisions.models import Rdd, TrailEntry, WorkflowError
from supports import seal
from supports.models import SupportRender
from supports.services import recorded_documents, support_request
from tests.supports.seal_ca import seal_settings


@pytest.fixture
def approved(commission, alice, presidents, frozen_today):
    meeting = agenda_meeting(commission)
    rdd = decisions.rdd_create(meeting=meeting, user=alice)
    decisions.rdd_submit(rdd=rdd, user=alice)
    for president in presidents:
        decisions.rdd_approve(rdd=rdd, user=president.user)
    rdd.refresh_from_db()
    return rdd


def agenda_meeting(commission):
    from tests.factories import make_session

    meeting = make_session(commission, datetime.date(2026, 10, 1))
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission", speaker=Speaker.SOCIAL)
    return meeting


def transmit(rdd, user, capture):
    with capture(execute=True):
        decisions.rdd_transmit(rdd=rdd, user=user)
    return SupportRender.objects.filter(meeting=rdd.meeting, kind="rdd", version="final").order_by("-pk").first()


def test_the_stored_document_is_sealed_and_the_trail_covers_the_sealed_bytes(
    approved, alice, presidents, fake_renderer, seal_certificate, django_capture_on_commit_callbacks
):
    document = transmit(approved, alice, django_capture_on_commit_callbacks)
    data = document.file.open("rb").read()

    check = seal.seal_validate(data, roots=[load_cert_from_pemder(str(seal_certificate.ca_file))])
    assert check.ok, check
    assert (check.intact, check.valid, check.trusted, check.whole_file) == (True, True, True, True)
    assert "Portail des commissions - cachet de test" in check.signer
    assert not check.timestamped  # PAdES B-B without TSA_URL
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert recorded_documents(approved.meeting) == {document.sha256: approved}


def test_the_visible_block_names_the_approvals(
    approved, alice, presidents, fake_renderer, django_capture_on_commit_callbacks
):
    document = transmit(approved, alice, django_capture_on_commit_callbacks)
    [signature] = PdfFileReader(io.BytesIO(document.file.open("rb").read())).embedded_signatures
    reason = str(signature.sig_object["/Reason"])
    social, professional = presidents
    assert reason.startswith("Cachet électronique du portail — approuvé en ligne par ")
    for person, section in ((social, "section sociale"), (professional, "section professionnelle")):
        title = "présidente" if person.civility == "Mme" else "président"
        assert f"{person.display_name}, {title} de la {section}, le 22/11/2026" in reason
    lines = seal.stamp_lines(approved)
    assert lines[0] == "Cachet électronique du portail - approuvé en ligne"
    assert lines[1].startswith("par ") and lines[2].startswith("et par ")
    # The block is drawn on the last page, in its appearance stream.
    widget = signature.sig_field["/Kids"][0] if "/Kids" in signature.sig_field else signature.sig_field
    appearance = widget["/AP"]["/N"].data
    assert b"approuv" in appearance


def test_one_changed_byte_inside_the_signed_range_makes_the_seal_invalid(
    approved, alice, fake_renderer, seal_certificate, django_capture_on_commit_callbacks
):
    data = bytearray(transmit(approved, alice, django_capture_on_commit_callbacks).file.open("rb").read())
    roots = [load_cert_from_pemder(str(seal_certificate.ca_file))]
    [signature] = PdfFileReader(io.BytesIO(bytes(data))).embedded_signatures
    start, length = signature.byte_range[0], signature.byte_range[1]
    position = data.index(b"(pypdf)") + 1  # the producer's name in the original document: still a readable PDF
    assert start <= position < start + length
    data[position] = ord("q")

    check = seal.seal_validate(bytes(data), roots=roots)
    assert check.signed and not check.intact and not check.ok


def test_an_unknown_root_leaves_the_seal_intact_but_untrusted(
    approved, alice, fake_renderer, tmp_path, django_capture_on_commit_callbacks
):
    from tests.supports.seal_ca import make_ca

    other = make_ca(tmp_path / "other", name="Autre AC")
    data = transmit(approved, alice, django_capture_on_commit_callbacks).file.open("rb").read()
    check = seal.seal_validate(data, roots=[load_cert_from_pemder(str(other.ca_file))])
    assert check.intact and not check.trusted and not check.ok


def test_with_a_time_stamping_authority_the_seal_is_pades_b_t(
    approved, alice, fake_renderer, seal_certificate, monkeypatch, django_capture_on_commit_callbacks
):
    tsa_cert, tsa_key = seal_certificate.issue("Horodatage de test", tsa=True)
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(tsa_cert)), tsa_key=load_private_key_from_pemder(str(tsa_key), None)
    )
    monkeypatch.setattr(seal, "timestamper", lambda: stamper)

    data = transmit(approved, alice, django_capture_on_commit_callbacks).file.open("rb").read()
    check = seal.seal_validate(data, roots=[load_cert_from_pemder(str(seal_certificate.ca_file))])
    assert check.ok and check.timestamped


@pytest.mark.parametrize("setup", ["missing", "expired"])
def test_without_a_usable_certificate_nothing_is_transmitted(
    setup, approved, alice, fake_renderer, seal_certificate, django_capture_on_commit_callbacks
):
    if setup == "missing":
        overrides = {"SEAL_CERT_FILE": "", "SEAL_KEY_FILE": "", "SEAL_PKCS12_FILE": ""}
        expected = "Le certificat du cachet électronique du portail n'est pas configuré"
    else:
        overrides = seal_settings(seal_certificate, *seal_certificate.issue("Cachet expiré", expired=True))
        expected = "Le certificat du cachet électronique a expiré le"
    with override_settings(**overrides), django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(WorkflowError) as refused:
            decisions.rdd_transmit(rdd=approved, user=alice)

    assert expected in " ".join(refused.value.messages)
    assert "le relevé n'est pas transmis" in " ".join(refused.value.messages)
    approved.refresh_from_db()
    assert approved.status == Rdd.Status.APPROVED and approved.transmitted_at is None
    assert not TrailEntry.objects.filter(rdd=approved, action=TrailEntry.Action.TRANSMIT).exists()
    assert callbacks == [] and mail.outbox == []
    assert not SupportRender.objects.filter(meeting=approved.meeting).exists()


def test_the_secretariat_reads_why_the_transmission_was_refused(client, approved, alice, fake_renderer):
    client.force_login(alice)
    with override_settings(SEAL_CERT_FILE="", SEAL_KEY_FILE="", SEAL_PKCS12_FILE=""):
        response = client.post(reverse("decisions:transmit", args=[approved.pk]), follow=True)
    assert "pas configuré" in response.text and "le relevé n&#x27;est pas transmis" in response.text
    approved.refresh_from_db()
    assert approved.status == Rdd.Status.APPROVED


def test_a_seal_failing_after_the_commit_leaves_the_job_failed_in_french_and_retryable(
    approved, alice, fake_renderer, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(pdf, *, rdd):
        raise seal.SealUnavailable("L'autorité d'horodatage ne répond pas.")

    with monkeypatch.context() as patch:
        patch.setattr(seal, "rdd_seal", unreachable)
        failed = transmit(approved, alice, django_capture_on_commit_callbacks)

    approved.refresh_from_db()
    assert approved.status == Rdd.Status.TRANSMITTED
    assert failed.status == SupportRender.Status.ERROR
    assert failed.error == "Le rendu a échoué : L'autorité d'horodatage ne répond pas."
    assert not TrailEntry.objects.filter(rdd=approved, action=TrailEntry.Action.DOCUMENT).exists()

    with django_capture_on_commit_callbacks(execute=True):
        retried, created = support_request(meeting=approved.meeting, kind="rdd", version="final", user=alice)
    retried.refresh_from_db()
    assert created and retried.status == SupportRender.Status.READY
    assert seal.seal_validate(retried.file.open("rb").read()).ok
    assert recorded_documents(approved.meeting) == {retried.sha256: approved}
