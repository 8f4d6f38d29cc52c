"""A worker killed with SIGKILL in the middle of a national extract's import: the import is taken up again and
completes, with every line stored exactly once and no partial table. A real worker process on PostgreSQL and
Redis, reading the extract by small blocks so that the kill lands while its heartbeat shows progress; the test
plays Celery beat by calling the re-dispatch task, with the heartbeat moved back past the stale window."""

import datetime
import time
from decimal import Decimal

import pytest
from django.db.models import Count, Max, Min
from django.test import override_settings
from django.utils import timezone

from stats import tasks
from stats.extract.derivation import montants_derive
from stats.extract.jobs import extract_create, extract_queue
from stats.models import CommissionTerritory, ExtractLine, NationalExtract, StatTable
from tests.faults.worker import wait_until
from tests.stats.helpers import extract_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.broker]

LINES = 60_000  # some 5 MB, read 32 KB at a time: about 170 heartbeats
BLOCK_BYTES = 32 * 1024
STALE = 121  # JOB_STALE_SECONDS (120) and a second
PERIOD = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


@pytest.fixture
def worker_env() -> dict[str, str]:
    return {"STATS_EXTRACT_BLOCK_BYTES": str(BLOCK_BYTES)}  # read by the worker's stats.conf


def _extract(extract_id: int) -> NationalExtract:
    return NationalExtract.objects.get(pk=extract_id)


def _uploaded_then_killed_mid_way(kill) -> NationalExtract:
    extract, created = extract_create(data=extract_bytes(LINES), file_name="extrait.csv", title="Extrait 2024")
    assert created
    extract_queue(extract)
    assert extract.dispatch.sent

    def progressing() -> bool:
        current = _extract(extract.pk)
        return current.status == NationalExtract.Status.RUNNING and current.progress > 5  # a block stored at least

    wait_until(progressing, what="importing")
    kill()
    killed = _extract(extract.pk)
    assert killed.status == NationalExtract.Status.RUNNING and killed.progress < 95  # killed mid-way
    assert not ExtractLine.objects.filter(extract=extract).exists()  # its transaction died with it
    return killed


def _taken_up_again_by_the_re_dispatch(extract) -> NationalExtract:
    assert _extract(extract.pk).status == NationalExtract.Status.RUNNING  # the killed worker said nothing
    NationalExtract.objects.filter(pk=extract.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=STALE))
    with override_settings(JOB_STALE_SECONDS=120):
        assert tasks.redispatch_stale_imports() == 1
    wait_until(lambda: _extract(extract.pk).status == NationalExtract.Status.DONE, seconds=120, what="loaded")
    return _extract(extract.pk)


def _every_line_once_and_whole_tables(extract, commission) -> None:
    assert (extract.rows_total, extract.progress, extract.error_report) == (LINES, 100, "")
    lines = ExtractLine.objects.filter(extract=extract).aggregate(
        count=Count("id"), distinct=Count("line", distinct=True), first=Min("line"), last=Max("line")
    )
    assert lines == {"count": LINES, "distinct": LINES, "first": 2, "last": LINES + 1}
    CommissionTerritory.objects.create(commission=commission, code="13")
    table, created = montants_derive(
        commission=commission, extract=extract, territory="13", period_start=PERIOD[0], period_end=PERIOD[1]
    )
    assert (
        created
        and not montants_derive(
            commission=commission, extract=extract, territory="13", period_start=PERIOD[0], period_end=PERIOD[1]
        )[1]
    )
    assert StatTable.objects.filter(commission=commission).count() == 1
    # Department 13 holds the lines n = 12, 107, 202… (n % 95 == 12), each worth n thousand euros and a half.
    expected = sum(Decimal(number * 1000) + Decimal("0.5") for number in range(12, LINES, 95))
    total = table.rows.get(label="TOTAL").values.get(column__header="TOTAL / Montants").value
    assert total == expected
    assert table.rows.count() == 7 + 1  # the seven postes and the total row


def test_the_pool_child_killed_during_an_import(worker, commission):
    extract = _uploaded_then_killed_mid_way(worker.kill_child)
    # The message comes back (rejected on worker lost) to a new pool child, which finds the row still beating.
    wait_until(lambda: "'ignoré'" in worker.log.read_text(), what="the redelivered message ignored")
    started = time.monotonic()
    loaded = _taken_up_again_by_the_re_dispatch(extract)
    print(f"import after the re-dispatch: {time.monotonic() - started:.1f} s")
    _every_line_once_and_whole_tables(loaded, commission)


def test_the_whole_worker_killed_during_an_import_then_started_again(worker, commission):
    extract = _uploaded_then_killed_mid_way(worker.kill_all)
    worker.start()
    loaded = _taken_up_again_by_the_re_dispatch(extract)
    _every_line_once_and_whole_tables(loaded, commission)
