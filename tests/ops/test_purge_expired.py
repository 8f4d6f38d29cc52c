"""`manage.py purge_expired` deletes technical records past their retention period, and nothing else."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from commissions.composition.models import Commission, Mandate
from commissions.meetings.models import CalendarToken
from ops.retention import purge_expired
from ops.tasks import purge_expired as purge_task
from portal.celery import app
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.UTC)


def days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def backdate(model, pk, **fields) -> None:
    model.objects.filter(pk=pk).update(**fields)  # auto_now_add fields cannot be set at creation


@pytest.fixture
def records(db, presidents, alice):
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=days_ago(1))
    alive = SessionStore()
    alive.create()
    Session.objects.filter(session_key=alive.session_key).update(expire_date=NOW + datetime.timedelta(minutes=20))

    for days, kind in ((40, "old"), (3, "recent")):
        attempt = AccessAttempt.objects.create(
            username=f"{kind}-attempt", failures_since_start=2, ip_address="10.0.0.1"
        )
        backdate(AccessAttempt, attempt.pk, attempt_time=days_ago(days))
        failure = AccessFailureLog.objects.create(username=f"{kind}-failure", ip_address="10.0.0.1")
        backdate(AccessFailureLog, failure.pk, attempt_time=days_ago(days))
    for days, kind in ((400, "old"), (300, "recent")):
        log = AccessLog.objects.create(username=f"{kind}-log", ip_address="10.0.0.1")
        backdate(AccessLog, log.pk, attempt_time=days_ago(days))

    user = UserFactory(username="calendrier")
    CalendarToken.objects.create(user=user, revoked=days_ago(100))
    CalendarToken.objects.create(user=user, revoked=days_ago(10))
    CalendarToken.objects.create(user=user)  # active
    return alive.session_key


def test_records_past_their_retention_are_deleted_and_the_others_kept(records):
    counts = {purged.name: purged.count for purged in purge_expired(now=NOW)}

    assert counts == {
        "sessions": 1,
        "login_attempts": 1,
        "login_failures": 1,
        "access_logs": 1,
        "revoked_calendar_tokens": 1,
        "trail_ips": 0,
    }
    assert list(Session.objects.values_list("session_key", flat=True)) == [records]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["recent-attempt"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["recent-failure"]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent-log"]
    assert CalendarToken.objects.count() == 2
    assert CalendarToken.objects.filter(revoked__isnull=True).count() == 1


def test_business_records_are_never_touched(records):
    before = (Commission.objects.count(), Mandate.objects.count())

    purge_expired(now=NOW + datetime.timedelta(days=10_000))

    assert (Commission.objects.count(), Mandate.objects.count()) == before


def test_the_retention_periods_come_from_the_settings(records, settings):
    settings.RETENTION_DAYS = {
        "login_attempts": 1,
        "access_logs": 1000,
        "revoked_calendar_tokens": 5,
        "trail_ips": 365,
    }

    counts = {purged.name: purged.count for purged in purge_expired(now=NOW)}

    assert counts["login_attempts"] == 2
    assert counts["access_logs"] == 0
    assert counts["revoked_calendar_tokens"] == 2


def test_a_dry_run_counts_without_deleting(records):
    counts = {purged.name: purged.count for purged in purge_expired(now=NOW, dry_run=True)}

    assert counts["access_logs"] == 1
    assert AccessLog.objects.count() == 2
    assert Session.objects.count() == 2


def test_the_command_prints_what_it_deleted_in_french(records, capsys, time_machine):
    time_machine.move_to(NOW, tick=False)

    call_command("purge_expired")

    output = capsys.readouterr().out
    assert "sessions expirées : 1 supprimé(s)" in output
    assert "jetons de calendrier révoqués depuis plus de 90 jours : 1 supprimé(s)" in output
    assert timezone.now() == NOW


def test_celery_beat_runs_the_purge_daily_as_a_real_task(records, time_machine):
    entry = next(entry for entry in app.conf.beat_schedule.values() if entry["task"] == "ops.tasks.purge_expired")
    assert entry["schedule"].hour == {4}
    time_machine.move_to(NOW, tick=False)

    counts = purge_task.delay().get()

    assert counts["sessions"] == 1 and counts["login_attempts"] == 1 and counts["revoked_calendar_tokens"] == 1
    assert Session.objects.filter(session_key=records).exists()
    assert CalendarToken.objects.count() == 2
