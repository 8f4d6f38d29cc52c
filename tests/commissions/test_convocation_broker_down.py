"""No convocation lost with the broker down: the round is recorded, the secretariat told in French, and the beat's
re-delivery sends it once the broker is back — once to each member."""

import pytest
from django.core import mail
from django.urls import reverse
from kombu.exceptions import OperationalError

from commissions.meetings import lifecycle
from commissions.meetings.models import ConvocationDelivery, Meeting
from commissions.meetings.tasks import redeliver_convocations, send_convocation
from portal.celery import app


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(send_convocation, "delay", refuse)
    return monkeypatch


# Transactional: the message goes when the service's transaction commits, before the view answers, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_convocation_sent_with_the_broker_down_leaves_once_it_is_back(client, alice, agenda, members, broker_down):
    client.force_login(alice)
    url = reverse("commissions:meeting_convene", args=[agenda.commission.slug, agenda.pk])
    response = client.post(url, {"round": "0"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "La file d&#x27;envoi est momentanément indisponible" in page and "Rien n&#x27;est à refaire" in page
    agenda.refresh_from_db()
    assert (agenda.status, agenda.convocation_round) == (Meeting.Status.CONVENED, 1)
    assert mail.outbox == [] and not ConvocationDelivery.objects.exists()

    broker_down.undo()  # the broker is back: the beat's next run
    assert redeliver_convocations.delay().get() == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dupont@example.org",
        "kern@example.org",
        "roussel@example.org",
    ]
    assert redeliver_convocations.delay().get() == 0  # and never twice
    assert len(mail.outbox) == 3


def test_a_cancellation_sent_with_the_broker_down_leaves_once_it_is_back(
    agenda, members, broker_down, django_capture_on_commit_callbacks
):
    broker_down.undo()
    with django_capture_on_commit_callbacks(execute=True):
        from commissions.meetings.convocation import meeting_convene

        meeting_convene(meeting=agenda)
    mail.outbox.clear()
    broker_down.setattr(send_convocation, "delay", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down")))
    with django_capture_on_commit_callbacks(execute=True):
        meeting = lifecycle.meeting_cancel(meeting=agenda, reason="Grève")
    assert meeting.convocation_dispatch.sent is False and mail.outbox == []
    broker_down.undo()
    assert redeliver_convocations() == 3
    assert {message.subject.split(" — ")[0] for message in mail.outbox} == {"Annulation"}


def test_the_beat_redelivers_every_five_minutes():
    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == "commissions.tasks.redeliver_convocations"]
    assert entry["schedule"] == 300.0 and "commissions.tasks.redeliver_convocations" in app.tasks
