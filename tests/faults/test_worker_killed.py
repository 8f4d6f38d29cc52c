"""A worker killed with SIGKILL in the middle of a PDF rendering: the job is taken up again and completes, with one
whole file and nothing partial. A real worker process on PostgreSQL and Redis; the test plays Celery beat by
calling the re-dispatch task, with the rendering's heartbeat moved back past its stale window."""

import datetime
import hashlib

import pytest
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create
from supports import tasks
from supports.models import SupportRender
from supports.services import support_request
from tests.faults.worker import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.broker]

STALE = 361  # SUPPORTS_RENDER_TIME_LIMIT (300) and a minute, plus one second


@pytest.fixture
def session(commission):
    meeting = meeting_create(
        commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10), place="CPAM 13"
    )
    for title in ("Validation du relevé de décisions", "Ordonnance numérique", "Questions diverses"):
        agenda_item_add(meeting=meeting, title=title)
    return meeting


def _render(render_id: int) -> SupportRender:
    return SupportRender.objects.get(pk=render_id)


def _requested_then_killed_while_running(session, kill) -> SupportRender:
    render, created = support_request(meeting=session)
    assert created
    wait_until(lambda: _render(render.pk).status == SupportRender.Status.RUNNING, what="rendering")
    kill()
    return render


def _taken_up_again_by_the_re_dispatch(render) -> SupportRender:
    assert _render(render.pk).status == SupportRender.Status.RUNNING  # the killed worker said nothing
    SupportRender.objects.filter(pk=render.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=STALE))
    with override_settings(JOB_STALE_SECONDS=120):
        assert tasks.redispatch_stale_renders() == 1
    wait_until(lambda: _render(render.pk).status == SupportRender.Status.READY, what="ready")
    return _render(render.pk)


def _one_whole_file(render, media) -> None:
    files = [path for path in media.rglob("*") if path.is_file()]
    assert len(files) == 1, files
    data = files[0].read_bytes()
    assert hashlib.sha256(data).hexdigest() == render.sha256
    assert len(PdfReader(files[0]).pages) == render.page_count > 0


def test_the_pool_child_killed_during_a_rendering(worker, session, media):
    render = _requested_then_killed_while_running(session, worker.kill_child)
    ready = _taken_up_again_by_the_re_dispatch(render)
    _one_whole_file(ready, media)


def test_the_whole_worker_killed_during_a_rendering_then_started_again(worker, session, media):
    render = _requested_then_killed_while_running(session, worker.kill_all)
    worker.start()
    ready = _taken_up_again_by_the_re_dispatch(render)
    _one_whole_file(ready, media)
