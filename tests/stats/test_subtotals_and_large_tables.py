"""Subtotal rows declared in the preview, and large small-table files stored by a Celery task."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stats import services
from stats.layouts import parse_table
from stats.models import PendingUpload, StatTable
from stats.parsing import read_grid
from tests.stats.helpers import data_file, upload_post

pytestmark = [pytest.mark.django_db]

PACA = "montants_paca_2023.csv"


def _pending(client, commission) -> PendingUpload:
    upload_post(client, commission)
    return PendingUpload.objects.get()


def _preview_url(commission, pending) -> str:
    return reverse("statistics:preview", args=[commission.slug, pending.pk])


def test_declared_subtotals_replace_the_recognised_ones_in_the_checks():
    grid = read_grid(data_file(PACA), "paca.csv")
    automatic = parse_table(grid, "montants")
    assert automatic.warnings == []
    lines = {row.label: row.line for row in automatic.rows}
    recognised = {row.line for row in automatic.rows if row.is_subtotal}
    assert lines["Total LPP Titre 1"] in recognised
    # "Appareils matériels de traitements" declared a subtotal: it is compared with the rows below it.
    declared = recognised | {lines["Appareils matériels de traitements"]}
    parsed = parse_table(read_grid(data_file(PACA), "paca.csv"), "montants", declared)
    row = next(row for row in parsed.rows if row.label == "Appareils matériels de traitements")
    assert row.is_subtotal
    assert any(
        warning.line == row.line and "sous-total « Appareils matériels de traitements »" in warning.message
        for warning in parsed.warnings
    )
    # Nothing declared: no subtotal, no subtotal check.
    bare = parse_table(read_grid(data_file(PACA), "paca.csv"), "montants", [])
    assert not any(row.is_subtotal for row in bare.rows)
    assert not any("sous-total" in warning.message for warning in bare.warnings)


def test_the_preview_declares_subtotals_and_the_import_keeps_them(client, commission, alice):
    client.force_login(alice)
    pending = _pending(client, commission)
    page = client.get(_preview_url(commission, pending)).content.decode()
    assert 'name="subtotal"' in page and "reconnues automatiquement" in page
    parsed = services.table_parse(data=data_file(PACA), file_name="paca.csv", kind="montants")
    lines = {row.label: row.line for row in parsed.rows}
    declared = [lines["Total LPP Titre 1"], lines["Orthèses"]]
    response = client.post(
        _preview_url(commission, pending), {"action": "declare", "subtotal": [str(line) for line in declared]}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.subtotal_lines == sorted(declared)
    page = client.get(_preview_url(commission, pending)).content.decode()
    assert "(déclarées)" in page
    assert "sous-total « Orthèses »" in page.replace("&#x27;", "'")  # the check uses the declaration
    client.post(reverse("statistics:confirm", args=[commission.slug, pending.pk]))
    table = StatTable.objects.get()
    assert set(table.rows.filter(is_subtotal=True).values_list("label", flat=True)) == {
        "Total LPP Titre 1",
        "Orthèses",
    }
    assert any("Orthèses" in warning for warning in table.warnings)


def test_the_automatic_recognition_can_be_restored(client, commission, alice):
    client.force_login(alice)
    pending = _pending(client, commission)
    client.post(_preview_url(commission, pending), {"action": "declare"})
    pending.refresh_from_db()
    assert pending.subtotal_lines == []
    client.post(_preview_url(commission, pending), {"action": "auto"})
    pending.refresh_from_db()
    assert pending.subtotal_lines is None


def test_bob_cannot_declare_subtotals_on_alices_upload(client, commission, alice, bob):
    client.force_login(alice)
    pending = _pending(client, commission)
    client.force_login(bob)
    assert client.post(_preview_url(commission, pending), {"action": "declare"}).status_code == 404
    pending.refresh_from_db()
    assert pending.subtotal_lines is None


def _large_indicateurs(rows: int) -> bytes:
    lines = ["Département;Nb de TROD;Nb d'entretiens"]
    lines += [f"Organisme {number};{number % 97};{number % 13}" for number in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def small_threshold(monkeypatch):
    monkeypatch.setattr(services, "LARGE_TABLE_ROWS", 20)


def _upload_large(client, commission) -> PendingUpload:
    upload_post(client, commission, name="grand.csv", content=_large_indicateurs(60), kind="indicateurs")
    return PendingUpload.objects.get()


def test_a_large_file_is_stored_by_the_task_with_its_progress_page(
    client, commission, alice, small_threshold, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    pending = _upload_large(client, commission)
    assert "volumineux" in client.get(_preview_url(commission, pending)).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("statistics:confirm", args=[commission.slug, pending.pk]))
    assert response.url == _preview_url(commission, pending)
    assert len(callbacks) == 1 and not StatTable.objects.exists()
    pending.refresh_from_db()
    assert pending.status == PendingUpload.Status.QUEUED
    page = client.get(_preview_url(commission, pending)).content.decode()
    assert "Avancement de l'import" in page and 'http-equiv="refresh"' in page
    callbacks[0]()  # the broker delivers the task (eager in the tests)
    pending.refresh_from_db()
    table = StatTable.objects.get()
    assert (pending.status, pending.progress, pending.table) == (PendingUpload.Status.DONE, 100, table)
    assert table.rows.count() == 60 and table.kind == "indicateurs"
    assert client.get(_preview_url(commission, pending)).url == table.get_absolute_url()


def test_the_progress_page_is_only_for_the_commission(client, commission, alice, bob, small_threshold):
    client.force_login(alice)
    pending = _upload_large(client, commission)
    PendingUpload.objects.filter(pk=pending.pk).update(status=PendingUpload.Status.RUNNING, progress=50)
    client.force_login(bob)
    assert client.get(_preview_url(commission, pending)).status_code == 404
    retry = reverse("statistics:retry", args=[commission.slug, pending.pk])
    assert client.post(retry).status_code == 404


def test_a_worker_killed_mid_way_leaves_no_table_and_the_import_is_retried(
    client, commission, alice, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    pending = _upload_large(client, commission)
    services.pending_queue(pending=pending)

    def killed(table, parsed):
        raise SystemExit("worker killed")  # the values were being written

    monkeypatch.setattr(services, "_store_cells", killed)
    with pytest.raises(SystemExit):
        services.pending_process(pending_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == PendingUpload.Status.RUNNING and not StatTable.objects.exists()
    # Still "running" for the others: a second delivery does nothing, and the page offers no retry yet.
    assert services.pending_process(pending_id=pending.pk) is None
    assert not services.pending_queue(pending=pending)
    monkeypatch.undo()
    monkeypatch.setattr(services, "LARGE_TABLE_ROWS", 20)
    stale = timezone.now() - datetime.timedelta(minutes=16)
    PendingUpload.objects.filter(pk=pending.pk).update(updated_at=stale)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("statistics:retry", args=[commission.slug, pending.pk]))
    pending.refresh_from_db()
    assert pending.status == PendingUpload.Status.DONE
    assert StatTable.objects.get().rows.count() == 60


def test_a_bad_large_file_fails_in_the_task_and_can_be_abandoned(client, commission, alice, small_threshold):
    client.force_login(alice)
    pending = _upload_large(client, commission)
    services.pending_queue(pending=pending)
    # The file changed kind between preview and task (simulates a file the task cannot read).
    PendingUpload.objects.filter(pk=pending.pk).update(kind="sesam_vitale")
    pending = services.pending_process(pending_id=pending.pk)
    assert pending.status == PendingUpload.Status.FAILED and "n'a pas pu être importé" in pending.error_report
    assert not StatTable.objects.exists()
    page = client.get(_preview_url(commission, pending)).content.decode()
    assert "Relancer l&#x27;import" in page or "Relancer l'import" in page
    client.post(reverse("statistics:discard", args=[commission.slug, pending.pk]))
    assert not PendingUpload.objects.exists()
