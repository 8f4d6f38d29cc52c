"""The convocation: refused when it makes no sense, sent once to every current member with an .ics invitation."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.models import ConvocationDelivery, Meeting
from commissions.meetings.services import meeting_create, meeting_update
from commissions.meetings.tasks import send_convocation
from tests.commissions.helpers import invitation
from tests.concurrency import run_at_once


def convene(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_convene(meeting=meeting)


def parse_ics(message) -> icalendar.Calendar:
    return invitation(message)


def test_a_meeting_in_the_past_cannot_be_convened(commission, frozen_today, members):
    past = meeting_create(commission=commission, date=datetime.date(2026, 11, 2), start_time=datetime.time(10))
    agenda_item_add(meeting=past, title="Questions diverses")
    with pytest.raises(ValidationError, match="La réunion est passée"):
        meeting_convene(meeting=past)
    past.refresh_from_db()
    assert past.status == Meeting.Status.PLANNED


def test_a_meeting_earlier_today_cannot_be_convened(commission, frozen_today):
    # The clock says 12:00 in Paris.
    morning = meeting_create(commission=commission, date=datetime.date(2026, 11, 22), start_time=datetime.time(9))
    agenda_item_add(meeting=morning, title="Questions diverses")
    with pytest.raises(ValidationError, match="passée"):
        meeting_convene(meeting=morning)


def test_a_meeting_with_an_empty_agenda_cannot_be_convened(meeting, members):
    with pytest.raises(ValidationError, match="L'ordre du jour est vide"):
        meeting_convene(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert mail.outbox == []


def test_a_held_meeting_cannot_be_convened(agenda):
    Meeting.objects.filter(pk=agenda.pk).update(status=Meeting.Status.HELD)
    with pytest.raises(ValidationError, match="tenue » ne peut pas être convoquée"):
        meeting_convene(meeting=agenda)


def test_the_convocation_goes_to_every_current_member_with_an_email(
    agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    agenda.refresh_from_db()
    assert agenda.status == Meeting.Status.CONVENED
    assert agenda.convened_at is not None
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["dupont@example.org", "kern@example.org", "roussel@example.org"]
    message = next(message for message in mail.outbox if message.to == ["kern@example.org"])
    assert message.subject == "Convocation — CPR PACA–Corse LPP — 03/12/2026"
    assert "03/12/2026 à 10h00" in message.body
    assert "01  VALIDATION DU RELEVÉ DE DÉCISIONS" in message.body
    assert "1.2 – Suivi des engagements" in message.body
    assert "Intervenant : Les deux sections" in message.body
    assert "Mme KERN Claire" in message.body


def test_the_invitation_carries_the_commissions_time_zone(agenda, members, django_capture_on_commit_callbacks):
    convene(agenda, django_capture_on_commit_callbacks)
    calendar = parse_ics(mail.outbox[0])
    assert str(calendar["method"]) == "REQUEST"
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["tzid"]) == "Europe/Paris"
    [event] = calendar.walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event.decoded("dtstart").replace(tzinfo=None) == datetime.datetime(2026, 12, 3, 10, 0)
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=1)
    agenda.refresh_from_db()
    assert str(event["uid"]) == f"{agenda.calendar_uid}@commissions-paritaires"
    assert str(event["summary"]).startswith("CPR PACA–Corse LPP — Séance de la commission")
    assert str(event["location"]) == "CPAM des Bouches-du-Rhône, salle du conseil"
    assert "01 Validation du relevé de décisions" in str(event["description"])
    assert "mailto:" in str(event["attendee"])


def test_a_la_reunion_invitation_is_in_indian_reunion_time(
    other_meeting, other_commission, django_capture_on_commit_callbacks
):
    from commissions.composition.models import SectionKind
    from tests.factories import PersonFactory, seat_member

    seat_member(other_commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Hoarau"))
    agenda_item_add(meeting=other_meeting, title="Point facturation")
    convene(other_meeting, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    [event] = parse_ics(message).walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Indian/Reunion"
    assert event["dtstart"].to_ical() == b"20261210T090000"
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=4)


def test_nothing_is_sent_before_the_transaction_commits(agenda, members, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting_convene(meeting=agenda)
    assert mail.outbox == []
    for callback in callbacks:  # the commit
        callback()
    assert len(mail.outbox) == 3


def test_the_task_delivered_twice_sends_nothing_twice(agenda, members, django_capture_on_commit_callbacks):
    convene(agenda, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert send_convocation(agenda.pk) == 0
    send_convocation.delay(agenda.pk)
    assert len(mail.outbox) == 3
    assert ConvocationDelivery.objects.filter(meeting=agenda, sent_at__isnull=False).count() == 3


def test_a_member_added_later_gets_the_convocation_on_the_next_run_only(
    agenda, members, commission, django_capture_on_commit_callbacks
):
    from commissions.composition.models import SectionKind
    from tests.factories import PersonFactory, seat_member

    convene(agenda, django_capture_on_commit_callbacks)
    seat_member(commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Nouveau", email="nouveau@example.org"))
    assert send_convocation(agenda.pk) == 1
    assert mail.outbox[-1].to == ["nouveau@example.org"]


def test_a_failed_send_is_released_for_a_later_run(agenda, members, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail import EmailMessage

    original = EmailMessage.send

    def flaky(self, *args, **kwargs):
        if self.to == ["kern@example.org"]:
            raise ConnectionError("SMTP indisponible")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    convene(agenda, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    monkeypatch.setattr(EmailMessage, "send", original)
    assert send_convocation(agenda.pk) == 1
    assert mail.outbox[-1].to == ["kern@example.org"]


def test_convening_again_sends_a_modified_convocation_with_the_same_uid(
    agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    first = parse_ics(mail.outbox[0]).walk("VEVENT")[0]
    meeting_update(meeting=agenda, start_time=datetime.time(14))
    convene(agenda, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 6
    assert mail.outbox[-1].subject.startswith("Convocation modifiée")
    second = parse_ics(mail.outbox[-1]).walk("VEVENT")[0]
    assert str(second["uid"]) == str(first["uid"])
    assert second["sequence"] == 1 and first["sequence"] == 0
    assert second.decoded("dtstart").hour == 14


def test_a_task_for_a_deleted_meeting_does_nothing(db):
    assert send_convocation(999999) == 0


def test_alice_confirms_then_sends_the_convocation(client, alice, agenda, members, django_capture_on_commit_callbacks):
    client.force_login(alice)
    url = reverse("commissions:meeting_convene", args=[agenda.commission.slug, agenda.pk])
    page = client.get(url).content.decode()
    assert "kern@example.org" in page and "SANSMAIL" in page
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Convocation envoyée" in response.content.decode()
    assert len(mail.outbox) == 3


def test_the_view_explains_a_refused_convocation(client, alice, meeting, django_capture_on_commit_callbacks):
    client.force_login(alice)
    url = reverse("commissions:meeting_convene", args=[meeting.commission.slug, meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "L&#x27;ordre du jour est vide" in response.content.decode()


def test_a_second_confirmation_of_the_same_round_sends_nothing(
    client, alice, agenda, members, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    url = reverse("commissions:meeting_convene", args=[agenda.commission.slug, agenda.pk])
    assert 'name="round" value="0"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"round": "0"})
        response = client.post(url, {"round": "0"}, follow=True)
    assert "vient d&#x27;être envoyée" in response.content.decode()
    assert len(mail.outbox) == 3
    agenda.refresh_from_db()
    assert agenda.convocation_round == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"round": "1"})  # convening again, knowingly, from the page showing round 1
    assert len(mail.outbox) == 6
    assert all(message.subject.startswith("Convocation modifiée") for message in mail.outbox[3:])


@pytest.mark.postgres
def test_five_simultaneous_confirmations_send_one_round(alice, agenda, members):
    def confirm(_index):
        client = Client()
        client.force_login(alice)
        url = reverse("commissions:meeting_convene", args=[agenda.commission.slug, agenda.pk])
        return client.post(url, {"round": "0"}).status_code

    assert run_at_once(5, confirm) == [302] * 5
    agenda.refresh_from_db()
    assert agenda.convocation_round == 1
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dupont@example.org",
        "kern@example.org",
        "roussel@example.org",
    ]
    assert ConvocationDelivery.objects.filter(meeting=agenda).count() == 3
