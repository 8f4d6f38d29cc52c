"""portal.jobs: the claim, heartbeat, staleness, requeue and failure of a job row, on the support renderings'
table (any model with a status and an updated_at would do)."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from commissions.meetings.services import meeting_create
from portal.jobs import Jobs
from supports.models import SupportRender

Status = SupportRender.Status
READY = {"file": "supports/support.pdf", "sha256": "f" * 64, "page_count": 3}
JOBS = Jobs(
    model=SupportRender,
    waiting=(Status.PENDING,),
    running=Status.RUNNING,
    done=Status.READY,
    failed=Status.ERROR,
    error_field="error",
    progress_fields=None,
)


@pytest.fixture
def render(commission):
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    return SupportRender.objects.create(meeting=meeting, inputs_hash="0" * 64)


def _silent_for(render, seconds: int) -> None:
    SupportRender.objects.filter(pk=render.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))


def _status(render) -> str:
    return SupportRender.objects.get(pk=render.pk).status


def test_a_row_is_claimed_once(render):
    assert JOBS.claim(render.pk, started_at=timezone.now()) is True
    assert JOBS.claim(render.pk) is False
    assert _status(render) == Status.RUNNING
    assert SupportRender.objects.get(pk=render.pk).started_at is not None


def test_a_finished_row_is_not_claimed(render):
    JOBS.claim(render.pk)
    assert JOBS.finish(render.pk, **READY) is True
    assert JOBS.claim(render.pk) is False
    row = SupportRender.objects.get(pk=render.pk)
    assert (row.status, row.page_count) == (Status.READY, 3)


@override_settings(JOB_STALE_SECONDS=120)
def test_a_running_row_without_heartbeat_is_claimed_again_after_the_stale_delay(render):
    JOBS.claim(render.pk)
    _silent_for(render, 100)
    assert JOBS.claim(render.pk) is False
    _silent_for(render, 121)
    assert JOBS.claim(render.pk) is True


@override_settings(JOB_STALE_SECONDS=120)
def test_a_heartbeat_keeps_a_running_row_its_own(render):
    JOBS.claim(render.pk)
    _silent_for(render, 121)
    JOBS.heartbeat(render.pk)
    assert JOBS.claim(render.pk) is False
    assert list(JOBS.stale()) == []


def test_a_heartbeat_of_a_row_no_longer_running_changes_nothing(render):
    JOBS.claim(render.pk)
    JOBS.finish(render.pk, **READY)
    _silent_for(render, 500)
    JOBS.heartbeat(render.pk)
    assert SupportRender.objects.get(pk=render.pk).updated_at < timezone.now() - datetime.timedelta(seconds=400)


def test_progress_and_stage_are_kept_with_the_heartbeat(db):
    from stats.models import NationalExtract

    jobs = Jobs(
        model=NationalExtract,
        waiting=(NationalExtract.Status.PENDING,),
        running=NationalExtract.Status.RUNNING,
        done=NationalExtract.Status.DONE,
        failed=NationalExtract.Status.FAILED,
    )
    fields = {field.name for field in NationalExtract._meta.get_fields()}
    assert {"progress", "stage", "updated_at", "error_report"} <= fields
    extract = NationalExtract.objects.create(title="Extrait national", file_name="extrait.csv", file_hash="a" * 64)
    assert jobs.claim(extract.pk)
    jobs.heartbeat(extract.pk, progress=40, stage="Enregistrement des lignes")
    extract.refresh_from_db()
    assert (extract.progress, extract.stage) == (40, "Enregistrement des lignes")


def test_a_failure_is_stored_in_french_only_while_running(render):
    assert JOBS.fail(render.pk, "Le rendu a échoué : Pango introuvable") is False  # not claimed yet
    JOBS.claim(render.pk)
    assert JOBS.fail(render.pk, "Le rendu a échoué : Pango introuvable") is True
    row = SupportRender.objects.get(pk=render.pk)
    assert (row.status, row.error) == (Status.ERROR, "Le rendu a échoué : Pango introuvable")


def test_a_worker_taken_over_cannot_record_its_outcome(render):
    JOBS.claim(render.pk)
    JOBS.fail(render.pk, "interrompu")
    assert JOBS.finish(render.pk, **READY) is False
    assert SupportRender.objects.get(pk=render.pk).page_count is None


@override_settings(JOB_STALE_SECONDS=120)
def test_stale_rows_are_running_or_waiting_ones_without_news_and_are_requeued(render, commission):
    fresh = SupportRender.objects.create(meeting=render.meeting, inputs_hash="1" * 64)
    lost = SupportRender.objects.create(meeting=render.meeting, inputs_hash="2" * 64)
    JOBS.claim(render.pk)
    _silent_for(render, 130)
    _silent_for(lost, 130)  # queued while the broker was down: never taken
    assert set(JOBS.stale()) == {render, lost}
    assert set(JOBS.stale(after=datetime.timedelta(seconds=200))) == set()
    assert JOBS.requeue(render.pk) is True
    assert JOBS.requeue(fresh.pk) is False
    assert _status(render) == Status.PENDING
    assert set(JOBS.stale()) == {lost}
