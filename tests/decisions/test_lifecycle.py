"""An RDD records a held session: drafted early, submitted, approved and transmitted only once the session is held;
its submission locks the facts it states on the meeting, its approval freezes them and closes the session."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.lifecycle import MeetingLocked
from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.services import meeting_update
from decisions import content, services
from decisions.models import Rdd, WorkflowError
from tests.factories import make_session

Lock = Meeting.RecordLock


@pytest.fixture
def coming(commission, frozen_today):
    """A session of 03/12/2026 at 14:00 (Paris), eleven days after the frozen today, with one agenda item."""
    meeting = make_session(commission, datetime.date(2026, 12, 3))
    agenda_item_add(meeting=meeting, title="Ordonnance numérique")
    return meeting


def test_the_rdd_of_a_session_to_come_is_drafted_but_not_submitted(coming, alice, presidents):
    rdd = services.rdd_create(meeting=coming, user=alice)
    content.question_save(rdd=rdd, text="Calendrier du déploiement ?", answer="Publié en janvier.")
    with pytest.raises(WorkflowError, match="n'est pas tenue .*prévue.* qu'une fois la séance tenue"):
        services.rdd_submit(rdd=rdd, user=alice)
    rdd.refresh_from_db()
    coming.refresh_from_db()
    assert (rdd.status, coming.record_lock) == (Rdd.Status.DRAFT, Lock.OPEN)


def test_a_convened_session_is_held_at_its_start_and_its_rdd_submitted_without_waiting_for_beat(
    coming, alice, presidents, django_capture_on_commit_callbacks
):
    rdd = services.rdd_create(meeting=coming, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_convene(meeting=coming)
    with time_machine.travel(coming.starts_at - datetime.timedelta(minutes=1), tick=False):
        with pytest.raises(WorkflowError, match="convoquée"):
            services.rdd_submit(rdd=rdd, user=alice)
    with time_machine.travel(coming.starts_at + datetime.timedelta(hours=3), tick=False):
        submitted = services.rdd_submit(rdd=rdd, user=alice)
    coming.refresh_from_db()
    assert submitted.status == Rdd.Status.SUBMITTED
    assert (coming.status, coming.record_lock) == (Meeting.Status.HELD, Lock.SUBMITTED)


def test_the_submission_locks_the_facts_and_sending_back_reopens_them(submitted, presidents, alice):
    meeting = submitted.meeting
    meeting.refresh_from_db()
    assert meeting.record_lock == Lock.SUBMITTED
    with pytest.raises(MeetingLocked, match="soumis : renvoyez-le au secrétariat pour modifier l'ordre du jour"):
        agenda_item_add(meeting=meeting, title="Point oublié")
    services.rdd_send_back(rdd=submitted, user=presidents[0].user, remark="Il manque un point.")
    meeting.refresh_from_db()
    assert meeting.record_lock == Lock.OPEN
    assert agenda_item_add(meeting=meeting, title="Point oublié").number == "03"


def test_the_approval_freezes_the_facts_and_closes_the_session(approved):
    meeting = Meeting.objects.get(pk=approved.meeting_id)
    assert (meeting.status, meeting.record_lock) == (Meeting.Status.CLOSED, Lock.APPROVED)
    with pytest.raises(MeetingLocked, match="approuvé : la date, l'horaire, le lieu ou la présidence"):
        meeting_update(meeting=meeting, date=datetime.date(2020, 1, 2))
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, status=Meeting.Status.HELD)


def test_the_date_of_a_transmitted_session_cannot_be_changed_by_the_secretariats_form(client, alice, transmitted):
    """The case of the issue: the approved RDD then read "séance du 02/01/2020" with its trail "intacte"."""
    meeting = transmitted.meeting
    client.force_login(alice)
    url = reverse("commissions:meeting_edit", args=[meeting.commission.slug, meeting.pk])
    response = client.post(
        url, {"kind": "seance", "date": "2020-01-02", "start_time": "14:00", "status": meeting.status}
    )
    assert response.status_code in (200, 302)
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2025, 2, 26)
    page = client.get(reverse("decisions:meeting", args=[meeting.commission.slug, meeting.pk]), follow=True)
    assert "26/02/2025" in page.content.decode() and "02/01/2020" not in page.content.decode()


def test_a_correction_is_a_new_version_that_reopens_the_facts_for_itself(approved, alice):
    new = services.rdd_new_version(rdd=approved, user=alice)
    meeting = Meeting.objects.get(pk=approved.meeting_id)
    assert (new.status, meeting.record_lock) == (Rdd.Status.DRAFT, Lock.OPEN)
    agenda_item_add(meeting=meeting, title="Point corrigé")
    services.rdd_submit(rdd=new, user=alice)
    meeting.refresh_from_db()
    assert meeting.record_lock == Lock.SUBMITTED
    approved.refresh_from_db()
    assert approved.status == Rdd.Status.APPROVED


@pytest.mark.postgres
def test_raw_sql_cannot_lift_the_lock_of_a_submitted_rdd(submitted):
    with pytest.raises(IntegrityError, match="rdd_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE commissions_meeting SET record_lock = '' WHERE id = %s", [submitted.meeting_id])
    with pytest.raises(IntegrityError, match="rdd_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM commissions_agendaitem WHERE meeting_id = %s", [submitted.meeting_id])
    assert AgendaItem.objects.filter(meeting_id=submitted.meeting_id).count() == 2


@pytest.mark.postgres
def test_raw_sql_lifts_an_approved_lock_only_beside_a_new_draft_version(approved, alice):
    with pytest.raises(IntegrityError, match="rdd_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE commissions_meeting SET record_lock = '' WHERE id = %s", [approved.meeting_id])
    services.rdd_new_version(rdd=approved, user=alice)  # the service lifts it, beside the new draft
    assert Meeting.objects.get(pk=approved.meeting_id).record_lock == Lock.OPEN
