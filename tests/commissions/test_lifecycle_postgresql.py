"""The lock of a meeting's facts against someone who writes to PostgreSQL past the portal (a database owner, a
script, the admin's queryset actions): the triggers of decisions/migrations/0004 refuse what the services refuse."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from commissions.meetings import lifecycle
from commissions.meetings.models import AgendaItem, Meeting

pytestmark = pytest.mark.postgres

Lock = Meeting.RecordLock


@pytest.fixture
def locked(agenda):
    Meeting.objects.filter(pk=agenda.pk).update(status=Meeting.Status.HELD)
    agenda.refresh_from_db()
    return lifecycle.meeting_lock_record(meeting=agenda, lock=Lock.SUBMITTED)


def refused(sql: str, params: list) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert "rdd_frozen" in str(caught.value)
    return str(caught.value)


def test_raw_sql_cannot_change_a_locked_meetings_date_place_or_president(locked, members):
    for column, value in (
        ("date", "2020-01-02"),
        ("place", "Ailleurs"),
        ("start_time", "08:00"),
        ("kind", "information"),
    ):
        refused(f"UPDATE commissions_meeting SET {column} = %s WHERE id = %s", [value, locked.pk])
    refused("UPDATE commissions_meeting SET presided_by_id = %s WHERE id = %s", [members["kern"].pk, locked.pk])
    refused("DELETE FROM commissions_meeting WHERE id = %s", [locked.pk])
    locked.refresh_from_db()
    assert locked.date == datetime.date(2026, 12, 3)


def test_raw_sql_cannot_touch_a_locked_meetings_agenda_or_attendance(locked, members):
    item = AgendaItem.objects.filter(meeting=locked).first()
    refused("UPDATE commissions_agendaitem SET title = 'Autre' WHERE id = %s", [item.pk])
    refused("DELETE FROM commissions_agendaitem WHERE id = %s", [item.pk])
    refused(
        "INSERT INTO commissions_agendaitem (meeting_id, level, position, title, speaker, content, created_at, "
        "updated_at) VALUES (%s, 1, 99, 'Ajouté', '', '', now(), now())",
        [locked.pk],
    )
    refused(
        "INSERT INTO commissions_attendance (meeting_id, person_id, status, updated_at) "
        "VALUES (%s, %s, 'present', now())",
        [locked.pk, members["kern"].pk],
    )
    assert AgendaItem.objects.filter(meeting=locked).count() == 5


def test_raw_sql_cannot_lift_an_approved_lock_without_a_new_version(locked):
    lifecycle.meeting_lock_record(meeting=locked, lock=Lock.APPROVED)
    refused("UPDATE commissions_meeting SET record_lock = '' WHERE id = %s", [locked.pk])
    refused("UPDATE commissions_meeting SET status = 'tenue' WHERE id = %s", [locked.pk])
    # Then nothing else stops a change of the date: the lock is what protects it.
    locked.refresh_from_db()
    assert (locked.record_lock, locked.status) == (Lock.APPROVED, Meeting.Status.CLOSED)


def test_what_the_lock_does_not_hold_stays_writable(locked):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commissions_meeting SET next_meeting_note = 'à fixer' WHERE id = %s", [locked.pk])
        # Locking is always allowed, and so is lifting a submitted lock while no RDD of the meeting is submitted.
        cursor.execute("UPDATE commissions_meeting SET record_lock = '' WHERE id = %s", [locked.pk])
        cursor.execute("UPDATE commissions_meeting SET place = 'Ailleurs' WHERE id = %s", [locked.pk])
    locked.refresh_from_db()
    assert (locked.next_meeting_note, locked.place) == ("à fixer", "Ailleurs")
