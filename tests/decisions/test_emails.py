"""E-mails of the workflow, sent by tasks queued on commit, each at most once."""

import datetime

import pytest
import time_machine
from django.core import mail

from decisions import services, tasks
from decisions.models import Notification, TrailEntry
from tests.factories import UserFactory
from tests.mail_checks import assert_automatic

pytestmark = pytest.mark.django_db


@pytest.fixture
def agents(commission, alice):
    alice.email = "alice@cpam13.example.org"
    alice.save()
    commission.agents.add(UserFactory(username="armandi", email="armandi@cpam13.example.org"))


def test_submission_mails_both_section_presidents_once_committed(
    rdd, alice, presidents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.rdd_submit(rdd=rdd, user=alice)
    assert mail.outbox == []  # nothing before the commit

    for callback in callbacks:
        callback()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in presidents)
    message = mail.outbox[0]
    assert message.subject == "Relevé de décisions à approuver — CPR PACA–Corse LPP — séance du 26/02/2025"
    assert "soumet à votre approbation le relevé de décisions de la séance du 26/02/2025" in message.body
    assert "/rdd/a-approuver/" in message.body
    assert_automatic(message)


def test_send_back_mails_the_secretariat_with_the_remark(
    submitted, presidents, agents, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.rdd_send_back(rdd=submitted, user=presidents[1].user, remark="Compléter le point 02 <svp>.")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@cpam13.example.org",
        "armandi@cpam13.example.org",
    ]
    assert mail.outbox[0].subject.startswith("Relevé de décisions renvoyé au secrétariat")
    assert "Compléter le point 02 <svp>." in mail.outbox[0].body


def test_the_second_approval_mails_the_secretariat(submitted, presidents, agents, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.rdd_approve(rdd=submitted, user=presidents[0].user)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.rdd_approve(rdd=submitted, user=presidents[1].user)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@cpam13.example.org",
        "armandi@cpam13.example.org",
    ]
    body = mail.outbox[0].body
    assert "a été approuvé par les présidents des deux sections" in body
    assert presidents[0].display_name in body and presidents[1].display_name in body


def test_transmission_mails_the_current_members(
    approved, alice, presidents, member_user, django_capture_on_commit_callbacks
):
    from members.models import Person

    with django_capture_on_commit_callbacks(execute=True):
        services.rdd_transmit(rdd=approved, user=alice)

    member = Person.objects.get(user=member_user)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [member.email, presidents[0].email, presidents[1].email]
    )
    assert "vous est transmis" in mail.outbox[0].body


def test_a_task_delivered_twice_sends_nothing_twice(submitted, presidents):
    entry = TrailEntry.objects.get(rdd=submitted, action="soumission")

    assert tasks.notify_rdd_event.delay(entry.pk).get() == 2
    assert tasks.notify_rdd_event.delay(entry.pk).get() == 0

    assert len(mail.outbox) == 2
    assert Notification.objects.filter(event=f"soumission-{entry.pk}", sent_at__isnull=False).count() == 2


def test_a_failed_sending_is_released_for_a_later_run(submitted, presidents, monkeypatch):
    entry = TrailEntry.objects.get(rdd=submitted, action="soumission")

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP indisponible")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert tasks.notify_rdd_event(entry.pk) == 0
    assert Notification.objects.filter(sent_at__isnull=True).count() == 2
    monkeypatch.undo()

    assert tasks.notify_rdd_event(entry.pk) == 2
    assert len(mail.outbox) == 2


def test_a_president_waiting_more_than_seven_days_is_reminded_once_a_day(rdd, alice, presidents):
    with time_machine.travel("2026-11-01 09:00:00+00:00", tick=False):
        services.rdd_submit(rdd=rdd, user=alice)
        services.rdd_approve(rdd=rdd, user=presidents[0].user)

    with time_machine.travel("2026-11-07 09:00:00+00:00", tick=False):
        assert tasks.remind_pending_approvals() == 0

    with time_machine.travel("2026-11-09 07:00:00+00:00", tick=False):
        assert tasks.remind_pending_approvals() == 1
        assert tasks.remind_pending_approvals() == 0

    with time_machine.travel("2026-11-10 07:00:00+00:00", tick=False):
        assert tasks.remind_pending_approvals() == 1

    assert [message.to for message in mail.outbox] == [[presidents[1].email], [presidents[1].email]]
    assert "attend votre approbation au titre de la section professionnelle depuis 7 jours" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("Rappel : relevé de décisions à approuver")


def test_no_reminder_once_approved(approved):
    with time_machine.travel(approved.submitted_at + datetime.timedelta(days=10)):
        assert tasks.remind_pending_approvals() == 0
    assert mail.outbox == []
