"""The convocation carries the convocation support when it is current, and may open with the secretariat's message."""

import pytest
from django.core import mail
from django.urls import reverse

from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.convocation import meeting_convene
from supports import services
from supports.models import SupportRender
from tests.factories import PersonFactory, seat_member

pytestmark = pytest.mark.django_db

ATTACHMENT = "support-cpr-paca-2026-12-03.pdf"


@pytest.fixture
def members(commission):
    return [
        seat_member(commission, kind, person=PersonFactory(last_name=name, email=f"{name.lower()}@example.org")).person
        for kind, name in ((SectionKind.SOCIAL, "Kern"), (SectionKind.PROFESSIONAL, "Roussel"))
    ]


@pytest.fixture
def rendered(session, fake_renderer, django_capture_on_commit_callbacks):
    """The session's convocation support, rendered and current."""
    with django_capture_on_commit_callbacks(execute=True):
        render, _ = services.support_request(meeting=session, kind="support", version="convocation")
    render.refresh_from_db()
    assert render.status == SupportRender.Status.READY
    return render


def convene(meeting, callbacks, **kwargs):
    with callbacks(execute=True):
        return meeting_convene(meeting=meeting, **kwargs)


def test_the_current_support_is_attached_to_every_convocation(
    session, members, rendered, django_capture_on_commit_callbacks
):
    convene(session, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    stored = rendered.file.open("rb").read()
    for message in mail.outbox:
        [support] = [attachment for attachment in message.attachments if attachment[0].endswith(".pdf")]
        assert support == (ATTACHMENT, stored, "application/pdf")
        assert f"Le support de la séance est joint : {ATTACHMENT}." in message.body


def test_a_support_out_of_date_is_not_attached(session, members, rendered, django_capture_on_commit_callbacks):
    agenda_item_add(meeting=session, title="Point ajouté après le rendu du support")

    convene(session, django_capture_on_commit_callbacks)

    for message in mail.outbox:
        assert not [attachment for attachment in message.attachments if attachment[0].endswith(".pdf")]
        assert "Le support de la séance est joint" not in message.body
        assert "Les documents de la séance sont sur le portail" in message.body


def test_the_secretariat_message_opens_the_e_mail(session, members, django_capture_on_commit_callbacks):
    convene(session, django_capture_on_commit_callbacks, note="  Merci de confirmer votre présence avant lundi.  ")

    body = mail.outbox[0].body
    assert body.startswith(f"Bonjour {members[0].display_name},\n\nMerci de confirmer votre présence avant lundi.\n")
    session.refresh_from_db()
    assert session.convocation_note == "Merci de confirmer votre présence avant lundi."


def test_the_confirmation_page_lists_the_support_and_takes_the_message(
    client, alice, session, members, rendered, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    url = reverse("commissions:meeting_convene", args=[session.commission.slug, session.pk])

    page = client.get(url).content.decode()
    assert f"le support de la séance : {ATTACHMENT}" in page
    assert 'name="message"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"round": "0", "message": "Ordre du jour complété."})
    assert "Ordre du jour complété." in mail.outbox[0].body


def test_a_message_too_long_is_refused_in_french_and_nothing_sent(client, alice, session, members):
    client.force_login(alice)
    url = reverse("commissions:meeting_convene", args=[session.commission.slug, session.pk])

    response = client.post(url, {"round": "0", "message": "x" * 2001}, follow=True)

    assert "Le message du secrétariat dépasse 2000 caractères" in response.content.decode()
    assert mail.outbox == []
    session.refresh_from_db()
    assert session.convocation_round == 0
