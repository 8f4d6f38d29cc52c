"""The imports of large tables and national extracts as jobs (portal.jobs): asked again, a stale one is sent again
at once; the beat's re-dispatch sends the stale ones; the COPY works with DEBUG on."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from stats import services, tasks
from stats.extract.jobs import extract_create, extract_process
from stats.models import ExtractLine, NationalExtract, PendingUpload, StatTable
from tests.stats.helpers import extract_bytes, upload_post

pytestmark = [pytest.mark.django_db]

STALE = datetime.timedelta(seconds=121)  # JOB_STALE_SECONDS (120) and a second


@pytest.fixture
def statistician(alice):
    alice.user_permissions.add(Permission.objects.get(codename="import_national_extract"))
    return alice


def _extract_left_running(age: datetime.timedelta, lines: int = 30) -> NationalExtract:
    extract, _ = extract_create(data=extract_bytes(lines), file_name="extrait.csv", title="Extrait 2024")
    NationalExtract.objects.filter(pk=extract.pk).update(
        status=NationalExtract.Status.RUNNING, progress=40, updated_at=timezone.now() - age
    )
    return extract


def test_relancer_sends_a_stale_extract_again_at_once(client, statistician, django_capture_on_commit_callbacks):
    extract = _extract_left_running(STALE)  # its worker was killed a little over two minutes ago
    client.force_login(statistician)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("statistics_national:extract_retry", args=[extract.pk]), follow=True)
    assert len(callbacks) == 1
    assert "Le chargement a été relancé." in response.content.decode()
    extract.refresh_from_db()
    assert (extract.status, extract.rows_total) == (NationalExtract.Status.DONE, 30)
    assert ExtractLine.objects.filter(extract=extract).count() == 30


def test_relancer_leaves_an_extract_whose_worker_still_beats(client, statistician, django_capture_on_commit_callbacks):
    extract = _extract_left_running(datetime.timedelta(seconds=30))
    client.force_login(statistician)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("statistics_national:extract_retry", args=[extract.pk]), follow=True)
    assert callbacks == []
    assert "Le chargement est en cours" in response.content.decode()
    assert NationalExtract.objects.get(pk=extract.pk).status == NationalExtract.Status.RUNNING
    assert extract_process(extract_id=extract.pk) is None  # a second delivery finds it taken


def test_the_re_dispatch_sends_the_stale_tables_and_extracts_again(
    client, commission, alice, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "LARGE_TABLE_ROWS", 20)
    client.force_login(alice)
    lines = ["Département;Nb"] + [f"Département {number};{number}" for number in range(60)]
    upload_post(client, commission, name="grand.csv", content="\n".join(lines).encode(), kind="indicateurs")
    pending = PendingUpload.objects.get()
    with django_capture_on_commit_callbacks(execute=False):
        services.pending_queue(pending=pending)  # the broker lost the message
    extract = _extract_left_running(STALE)
    PendingUpload.objects.filter(pk=pending.pk).update(updated_at=timezone.now() - STALE)
    fresh = _extract_left_running(datetime.timedelta(seconds=10), lines=31)

    assert tasks.redispatch_stale_imports() == 2  # eager in the tests: both run at once
    assert PendingUpload.objects.get(pk=pending.pk).status == PendingUpload.Status.DONE
    assert StatTable.objects.get().rows.count() == 60
    assert NationalExtract.objects.get(pk=extract.pk).status == NationalExtract.Status.DONE
    assert NationalExtract.objects.get(pk=fresh.pk).status == NationalExtract.Status.RUNNING
    assert tasks.redispatch_stale_imports() == 0


def test_the_re_dispatch_runs_every_minute_under_its_name():
    entry = app.conf.beat_schedule["stats-redispatch-stale-imports"]
    assert (entry["task"], entry["schedule"]) == ("stats.tasks.redispatch_stale_imports", 60.0)
    assert entry["task"] in app.tasks
    for task in (tasks.import_national_extract, tasks.import_pending_table):
        assert task.acks_late and task.reject_on_worker_lost


def test_an_unexpected_failure_is_stored_in_french(monkeypatch):
    extract, _ = extract_create(data=extract_bytes(5), file_name="extrait.csv", title="Extrait")

    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr("stats.extract.jobs.extract_import", broken)
    extract = extract_process(extract_id=extract.pk)
    assert extract.status == NationalExtract.Status.FAILED
    assert extract.error_report == "Le chargement a échoué : disque plein"


@pytest.mark.postgres
def test_the_extract_is_copied_with_debug_on_postgresql(settings):
    settings.DEBUG = True  # Django wraps the cursor in CursorDebugWrapper, whose copy_expert takes no keyword
    extract, _ = extract_create(data=extract_bytes(500), file_name="extrait.csv", title="Extrait en DEBUG")
    extract = extract_process(extract_id=extract.pk)
    assert (extract.status, extract.rows_total, extract.error_report) == (NationalExtract.Status.DONE, 500, "")
    assert ExtractLine.objects.filter(extract=extract).count() == 500
