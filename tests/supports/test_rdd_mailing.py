"""The record reaches every member: once the transmitted RDD's document is sealed and recorded in its trail, each
current member receives it by e-mail — attached, or beyond the size limit behind a link that works without an
account for a limited time — with who approved and when, and the fingerprints to keep."""

import datetime
import hashlib
import io
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from commissions.composition.models import SectionKind
from decisions.models import Notification, TrailEntry
from supports import links
from supports.models import SupportRender
from supports.tasks import redeliver_rdd_documents
from tests.factories import PersonFactory, UserFactory, seat_member

pytestmark = pytest.mark.django_db

SUBJECT = "Relevé de décisions transmis aux membres — CPR PACA–Corse LPP — séance du 01/10/2026"


@pytest.fixture
def members(commission):
    """A member with an account and one without: both must receive the record."""
    with_account = seat_member(commission, SectionKind.PROFESSIONAL, user=UserFactory(username="marc")).person
    without = seat_member(commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Sanscompte")).person
    return with_account, without


@pytest.fixture
def document(members, transmitted):
    return SupportRender.objects.get(meeting=transmitted.meeting, kind="rdd", version="final", status="pret")


def mail_to(address: str):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def link_in(body: str) -> str:
    return re.search(r"http://\S+/releve/\S+/", body).group(0)


def test_every_member_receives_the_sealed_document_attached(members, document, presidents):
    with_account, without = members
    stored = document.file.open("rb").read()

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([with_account.email, without.email, presidents[0].email, presidents[1].email])
    message = mail_to(without.email)
    assert message.subject == SUBJECT
    [(filename, data, mimetype)] = message.attachments
    assert (filename, mimetype) == ("rdd-cpr-paca-2026-10-01-v1.pdf", "application/pdf")
    assert data == stored  # the very bytes the trail covers
    assert PdfReader(io.BytesIO(data)).pages
    assert f"Document PDF du relevé (SHA-256) : {hashlib.sha256(stored).hexdigest()}" in message.body
    head = TrailEntry.objects.filter(rdd=document.meeting.rdds.get()).order_by("-sequence").first()
    assert f"Tête de la chaîne du journal du relevé : {head.entry_hash}" in message.body


def test_the_e_mail_says_who_approved_and_when(members, document, presidents):
    body = mail_to(members[1].email).body

    social, professional = presidents
    assert "Il a été approuvé en ligne le " in body
    assert f"par {social.display_name} (section sociale)" in body
    assert f"par {professional.display_name} (section professionnelle)" in body


def test_only_members_with_an_account_get_the_portal_link(members, document, transmitted):
    page = reverse("decisions:detail", args=[transmitted.pk])

    assert page in mail_to(members[0].email).body
    assert page not in mail_to(members[1].email).body


def test_a_task_run_again_sends_nothing_twice(members, document):
    sent = len(mail.outbox)

    assert links.mail_rdd_document(render_id=document.pk) == 0
    assert redeliver_rdd_documents() == 0
    assert len(mail.outbox) == sent


def test_e_mails_not_sent_are_sent_again_by_the_beat_task(members, document):
    Notification.objects.filter(email=members[1].email).update(sent_at=None)
    mail.outbox.clear()

    assert redeliver_rdd_documents() == 1

    assert [message.to for message in mail.outbox] == [[members[1].email]]


@pytest.fixture
def large():
    """The same transmission with an attachment limit below the document's size."""
    with override_settings(RDD_EMAIL_ATTACHMENT_MAX_BYTES=100):
        yield


def test_beyond_the_size_limit_a_link_works_without_an_account(large, members, transmitted, client):
    message = mail_to(members[1].email)
    assert message.attachments == []
    until = timezone.localdate() + datetime.timedelta(days=60)
    assert f"téléchargez-le, sans compte, jusqu'au {until:%d/%m/%Y}" in message.body

    response = client.get(link_in(message.body))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    stored = SupportRender.objects.get(meeting=transmitted.meeting, kind="rdd", status="pret")
    assert b"".join(response.streaming_content) == stored.file.open("rb").read()


def test_the_link_expires(large, members, transmitted, client, time_machine):
    link = link_in(mail_to(members[1].email).body)

    time_machine.move_to(timezone.now() + datetime.timedelta(days=61))
    response = client.get(link)

    assert response.status_code == 410
    assert "Ce lien a expiré" in response.text
    assert "valable 60 jours" in response.text


def test_a_forged_or_truncated_link_is_refused_in_french(large, members, transmitted, client):
    link = link_in(mail_to(members[1].email).body)
    # A token of the right shape, not signed by the portal.
    forged = reverse("supports:rdd_document_link", args=["eyJyZW5kZXIiOjF9:1vXyZa:" + "A" * 43])

    for url in (link[:-6] + "/", forged):
        response = client.get(url)
        assert response.status_code == 404
        assert "Ce lien n'est pas valable" in response.text


def test_an_altered_stored_document_is_not_served_by_the_link(large, members, transmitted, client):
    link = link_in(mail_to(members[1].email).body)
    stored = SupportRender.objects.get(meeting=transmitted.meeting, kind="rdd", status="pret")
    with stored.file.storage.open(stored.file.name, "wb") as changed:
        changed.write(b"%PDF-1.7 autre contenu")

    response = client.get(link)

    assert response.status_code == 409
    assert "ne correspond plus à l'empreinte enregistrée au journal" in response.text


def test_a_document_rendered_long_after_its_transmission_is_not_mailed_by_itself(members, document, time_machine):
    Notification.objects.all().delete()
    mail.outbox.clear()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=61))

    assert links.mail_rdd_document(render_id=document.pk) == 0
    assert mail.outbox == []
