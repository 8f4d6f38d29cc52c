"""Rendering off the request: claimed once, never twice for unchanged data, errors recorded."""

import datetime

from django.utils import timezone

from commissions.meetings.agenda import agenda_item_add
from supports.models import SupportRender
from supports.services import support_render, support_request
from supports.tasks import render_support


def test_a_request_queues_the_task_on_commit_and_stores_the_pdf(
    session, fake_renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        render, created = support_request(meeting=session)
    assert created and len(callbacks) == 1
    render.refresh_from_db()
    assert render.status == SupportRender.Status.READY
    assert render.page_count == 1 and len(render.sha256) == 64
    assert render.file.read().startswith(b"%PDF")
    assert fake_renderer.calls == 1


def test_the_task_is_idempotent(session, fake_renderer):
    render, _ = support_request(meeting=session, queue=False)
    render_support(render.pk)
    render_support(render.pk)
    assert support_render(render_id=render.pk) is None
    assert fake_renderer.calls == 1
    assert SupportRender.objects.get(pk=render.pk).status == SupportRender.Status.READY


def test_a_claim_of_a_dead_worker_is_taken_again_after_the_time_limit(session, fake_renderer):
    render, _ = support_request(meeting=session, queue=False)
    SupportRender.objects.filter(pk=render.pk).update(
        status=SupportRender.Status.RUNNING, updated_at=timezone.now() - datetime.timedelta(seconds=300 + 59)
    )
    assert support_render(render_id=render.pk) is None  # still within the time limit and its margin
    assert fake_renderer.calls == 0
    SupportRender.objects.filter(pk=render.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=361))
    assert support_render(render_id=render.pk).status == SupportRender.Status.READY
    assert fake_renderer.calls == 1


def test_an_unchanged_support_is_not_rendered_again(session, fake_renderer):
    first, _ = support_request(meeting=session, queue=False)
    support_render(render_id=first.pk)
    again, created = support_request(meeting=session, queue=False)
    assert not created and again.pk == first.pk
    assert fake_renderer.calls == 1


def test_a_changed_support_is_rendered_again_and_versions_are_kept(session, fake_renderer):
    first, _ = support_request(meeting=session, queue=False)
    support_render(render_id=first.pk)
    agenda_item_add(meeting=session, title="Questions diverses")
    second, created = support_request(meeting=session, queue=False)
    assert created and second.inputs_hash != first.inputs_hash
    support_render(render_id=second.pk)
    final, created = support_request(meeting=session, version="final", queue=False)
    assert created
    support_render(render_id=final.pk)
    assert fake_renderer.calls == 3
    assert SupportRender.objects.filter(meeting=session, status="pret").count() == 3


def test_a_failed_rendering_is_recorded_with_its_error(session, monkeypatch):
    def broken(context):
        raise RuntimeError("Pango introuvable")

    monkeypatch.setattr("supports.services.render_pdf", broken)
    render, _ = support_request(meeting=session, queue=False)
    render = support_render(render_id=render.pk)
    assert render.status == SupportRender.Status.ERROR
    assert "Pango introuvable" in render.error
    assert render.state_label == "erreur"
