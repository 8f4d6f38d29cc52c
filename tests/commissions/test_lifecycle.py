"""The meeting's lifecycle: prévue → convoquée → tenue → close, annulée or reportée with the members told, and the
facts its RDD states locked by the lock that the decisions app sets (commissions.meetings.lifecycle)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissions.meetings import lifecycle
from commissions.meetings.agenda import Move, agenda_item_add, agenda_item_delete, agenda_item_move, agenda_item_update
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.models import AgendaItem, Attendance, Meeting
from commissions.meetings.services import attendance_record, meeting_create, meeting_update
from commissions.meetings.tasks import advance_meetings
from portal.celery import app
from tests.commissions.helpers import invitation, parsed

Status = Meeting.Status
Lock = Meeting.RecordLock


def convene(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_convene(meeting=meeting)


def started(meeting, minutes: int = 1):
    """The clock moved to a few minutes after the meeting's start."""
    return time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def held(agenda, members, django_capture_on_commit_callbacks):
    """The session of 03/12/2026, convened, then held at its start."""
    convene(agenda, django_capture_on_commit_callbacks)
    with started(agenda):
        assert lifecycle.meeting_advance() == 1
    agenda.refresh_from_db()
    return agenda


# The advance of convened meetings


def test_a_convened_meeting_becomes_held_at_its_start_and_not_before(
    agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    with started(agenda, minutes=-1):
        assert lifecycle.meeting_advance() == 0
    agenda.refresh_from_db()
    assert agenda.status == Status.CONVENED
    with started(agenda):
        assert advance_meetings.delay().get() == 1
        assert lifecycle.meeting_advance() == 0  # run twice: nothing more
    agenda.refresh_from_db()
    assert agenda.status == Status.HELD


def test_the_advance_reads_the_start_in_the_commissions_time_zone(other_meeting, django_capture_on_commit_callbacks):
    agenda_item_add(meeting=other_meeting, title="Questions diverses")
    convene(other_meeting, django_capture_on_commit_callbacks)
    # 09:00 in Saint-Denis (UTC+4) is 05:00 UTC: at 06:00 UTC it has started, though it is 07:00 in Paris.
    with time_machine.travel("2026-12-10 04:59:00+00:00", tick=False):
        assert lifecycle.meeting_advance() == 0
    with time_machine.travel("2026-12-10 05:01:00+00:00", tick=False):
        assert lifecycle.meeting_advance() == 1
    other_meeting.refresh_from_db()
    assert other_meeting.status == Status.HELD


def test_a_planned_meeting_is_not_advanced_but_the_secretariat_may_mark_it_held_once_started(meeting):
    with started(meeting):
        assert lifecycle.meeting_advance() == 0
    with pytest.raises(ValidationError, match="pas encore commencé"):
        meeting_update(meeting=meeting, status=Status.HELD)
    with started(meeting):
        meeting = meeting_update(meeting=meeting, status=Status.HELD)
    assert meeting.status == Status.HELD


def test_the_beat_advances_meetings_every_five_minutes():
    [entry] = [
        entry for entry in app.conf.beat_schedule.values() if entry["task"] == "commissions.tasks.advance_meetings"
    ]
    assert entry["schedule"] == 300.0
    assert "commissions.tasks.advance_meetings" in app.tasks


# Closing


def test_the_secretariat_closes_an_information_meeting_but_not_a_session(commission, held, frozen_today):
    with pytest.raises(ValidationError, match="approbation de son relevé"):
        meeting_update(meeting=held, status=Status.CLOSED)
    information = meeting_create(
        commission=commission, date=datetime.date(2026, 11, 2), start_time=datetime.time(14), kind="information"
    )
    assert lifecycle.allowed_statuses(information) == [Status.PLANNED, Status.HELD]
    information = meeting_update(meeting=information, status=Status.HELD)
    assert lifecycle.allowed_statuses(information) == [Status.HELD, Status.CLOSED]
    information = meeting_update(meeting=information, status=Status.CLOSED)
    assert information.status == Status.CLOSED
    assert lifecycle.allowed_statuses(held) == [Status.HELD]


# Cancelled and postponed


def test_a_convened_meeting_cancelled_tells_each_member_with_a_calendar_cancellation(
    agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = lifecycle.meeting_cancel(meeting=agenda, reason="Grève des transports")
    assert meeting.status == Status.CANCELLED and meeting.status_note == "Grève des transports"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dupont@example.org",
        "kern@example.org",
        "roussel@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith("Annulation — ")
    assert "est annulée" in message.body and "Motif : Grève des transports" in message.body
    calendar = invitation(message)
    [part] = [part for part in parsed(message).walk() if part.get_content_type() == "text/calendar"]
    assert part.get_params() == [("text/calendar", ""), ("charset", "utf-8"), ("method", "CANCEL")]
    [event] = calendar.walk("VEVENT")
    assert calendar["method"] == "CANCEL" and event["status"] == "CANCELLED" and event["sequence"] == 1


def test_a_cancellation_needs_a_reason_and_a_meeting_not_yet_held(held):
    with pytest.raises(ValidationError, match="motif"):
        lifecycle.meeting_cancel(meeting=held, reason="  ")
    with pytest.raises(ValidationError, match="« tenue » ne peut pas être annulée"):
        lifecycle.meeting_cancel(meeting=held, reason="Erreur")
    held.refresh_from_db()
    assert held.status == Status.HELD


def test_a_planned_meeting_cancelled_sends_nothing(agenda, members, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.meeting_cancel(meeting=agenda, reason="Doublon")
    assert mail.outbox == []


def test_a_postponed_meeting_is_convened_again_at_its_new_date(agenda, members, django_capture_on_commit_callbacks):
    convene(agenda, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.meeting_postpone(meeting=agenda, reason="Salle indisponible")
    assert [message.subject.split(" — ")[0] for message in mail.outbox] == ["Convocation"] * 3 + ["Report"] * 3
    assert "Une nouvelle convocation vous sera envoyée" in mail.outbox[-1].body
    mail.outbox.clear()
    meeting = meeting_update(meeting=agenda, date=datetime.date(2026, 12, 17))
    meeting = convene(meeting, django_capture_on_commit_callbacks)
    assert meeting.status == Status.CONVENED and meeting.status_note == ""
    assert {message.subject for message in mail.outbox} == {
        f"Convocation modifiée — {meeting.commission.name} — 17/12/2026"
    }


def test_alice_cancels_from_the_meeting_page(client, alice, agenda, members, django_capture_on_commit_callbacks):
    client.force_login(alice)
    convene(agenda, django_capture_on_commit_callbacks)
    page = client.get(agenda.get_absolute_url()).content.decode()
    url = reverse("commissions:meeting_cancel", args=[agenda.commission.slug, agenda.pk])
    assert url in page
    confirmation = client.get(url).content.decode()
    assert "sera envoyé aux <strong>3</strong> membres convoqués" in confirmation
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Grève"}, follow=True)
    page = response.content.decode()
    assert "Réunion annulée." in page and "Réunion annulée — motif : Grève." in page
    assert len(mail.outbox) == 6


def test_bob_cannot_cancel_alices_meeting(client, bob, agenda):
    client.force_login(bob)
    url = reverse("commissions:meeting_cancel", args=[agenda.commission.slug, agenda.pk])
    assert client.post(url, {"reason": "Grève"}).status_code == 404
    agenda.refresh_from_db()
    assert agenda.status == Status.PLANNED


# The lock of the RDD


@pytest.mark.parametrize("lock", [Lock.SUBMITTED, Lock.APPROVED])
def test_the_facts_an_rdd_holds_are_refused_by_every_service(held, members, lock):
    lifecycle.meeting_lock_record(meeting=held, lock=lock)
    held.refresh_from_db()
    item = AgendaItem.objects.filter(meeting=held, parent=None).first()
    attempts = {
        "date": lambda: meeting_update(meeting=held, date=datetime.date(2020, 1, 2)),
        "place": lambda: meeting_update(meeting=held, place="Ailleurs"),
        "presided_by": lambda: meeting_update(meeting=held, presided_by=members["roussel"]),
        "add": lambda: agenda_item_add(meeting=held, title="Point ajouté"),
        "retitle": lambda: agenda_item_update(item=item, title="Autre titre"),
        "move": lambda: agenda_item_move(item=item, direction=Move.DOWN),
        "delete": lambda: agenda_item_delete(item=item),
        "attendance": lambda: attendance_record(meeting=held, person=members["kern"], status="present"),
    }
    expected = "soumis : renvoyez-le au secrétariat" if lock == Lock.SUBMITTED else "approuvé : .* plus changer"
    for name, attempt in attempts.items():
        with pytest.raises(lifecycle.MeetingLocked, match=expected):
            attempt()
            pytest.fail(f"{name} was not refused")
    held.refresh_from_db()
    assert (held.date, held.place) == (datetime.date(2026, 12, 3), "CPAM des Bouches-du-Rhône, salle du conseil")
    assert AgendaItem.objects.filter(meeting=held).count() == 5 and not Attendance.objects.exists()
    # What the RDD does not state stays editable, and the same values pass.
    meeting = meeting_update(meeting=held, next_meeting_note="26/05/2027", date=held.date)
    assert meeting.next_meeting_note == "26/05/2027"


def test_sending_the_rdd_back_reopens_the_facts(held):
    lifecycle.meeting_lock_record(meeting=held, lock=Lock.SUBMITTED)
    lifecycle.meeting_lock_record(meeting=held, lock=Lock.OPEN)
    held.refresh_from_db()
    item = agenda_item_add(meeting=held, title="Point ajouté")
    assert item.number == "04"


def test_the_approval_closes_the_session(held):
    meeting = lifecycle.meeting_lock_record(meeting=held, lock=Lock.APPROVED)
    assert (meeting.status, meeting.record_lock) == (Status.CLOSED, Lock.APPROVED)


def test_only_a_held_session_can_be_locked(agenda, commission, frozen_today):
    with pytest.raises(ValidationError, match="séance tenue"):
        lifecycle.meeting_lock_record(meeting=agenda, lock=Lock.SUBMITTED)


def test_the_meeting_page_and_forms_say_what_is_locked(client, alice, held):
    lifecycle.meeting_lock_record(meeting=held, lock=Lock.SUBMITTED)
    client.force_login(alice)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "les présences sont verrouillés" in page
    assert reverse("commissions:agenda_item_add", args=[held.commission.slug, held.pk]) not in page
    edit = reverse("commissions:meeting_edit", args=[held.commission.slug, held.pk])
    form = client.get(edit).content.decode()
    assert form.count("Verrouillé par le relevé de décisions de la séance.") == 6
    add = client.post(
        reverse("commissions:agenda_item_add", args=[held.commission.slug, held.pk]), {"title": "Point ajouté"}
    )
    assert add.status_code in (200, 302)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Point ajouté" not in page
    assert AgendaItem.objects.filter(meeting=held).count() == 5


def test_the_admin_shows_a_locked_meeting_read_only(client, admin_user, held):
    lifecycle.meeting_lock_record(meeting=held, lock=Lock.APPROVED)
    client.force_login(admin_user)
    change = reverse("admin:commissions_meeting_change", args=[held.pk])
    page = client.get(change).content.decode()
    assert 'name="date"' not in page and 'name="place"' not in page
    item = AgendaItem.objects.filter(meeting=held).first()
    response = client.post(
        reverse("admin:commissions_agendaitem_change", args=[item.pk]), {"title": "Autre", "speaker": "", "content": ""}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title != "Autre"
    delete = client.post(reverse("admin:commissions_meeting_delete", args=[held.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Meeting.objects.filter(pk=held.pk).exists()
