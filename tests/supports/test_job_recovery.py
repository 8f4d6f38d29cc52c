"""No rendering lost: with the broker down the request is kept and says so in French, a job left waiting or
whose worker died is sent again by the periodic re-dispatch, and asking again re-queues a stale one at once."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from supports import tasks
from supports.models import SupportRender
from supports.services import support_request


@pytest.fixture
def broker_down():
    """Sending a task fails as kombu fails with Redis down; `.undo()` brings the broker back."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.render_support, "delay", refuse)
        yield patch


def _silent_for(render, seconds):
    SupportRender.objects.filter(pk=render.pk).update(updated_at=timezone.now() - datetime.timedelta(seconds=seconds))


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_request_is_kept_and_the_secretariat_told(
    client, alice, session, fake_renderer, broker_down
):
    client.force_login(alice)
    url = reverse("supports:support_generate", args=[session.commission.slug, session.pk])
    response = client.post(url, {"kind": "support", "version": "convocation"})
    assert response.status_code == 302
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert message.startswith("La file des tâches ne répond pas : la demande est enregistrée")
    [render] = SupportRender.objects.filter(meeting=session)
    assert render.status == SupportRender.Status.PENDING
    assert fake_renderer.calls == 0

    broker_down.undo()  # the broker is back
    assert tasks.redispatch_stale_renders() == 0  # not stale yet: its message may only be late
    _silent_for(render, 121)
    with override_settings(JOB_STALE_SECONDS=120):
        assert tasks.redispatch_stale_renders() == 1
    render.refresh_from_db()
    assert render.status == SupportRender.Status.READY
    assert fake_renderer.calls == 1


@override_settings(JOB_STALE_SECONDS=120)
def test_a_rendering_whose_worker_died_is_sent_again_by_the_re_dispatch(
    session, fake_renderer, django_capture_on_commit_callbacks
):
    render, _ = support_request(meeting=session, queue=False)
    SupportRender.objects.filter(pk=render.pk).update(status=SupportRender.Status.RUNNING)
    _silent_for(render, 359)  # a rendering beats only at its claim: stale after the time limit and a minute
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.redispatch_stale_renders() == 0
    _silent_for(render, 361)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.redispatch_stale_renders() == 1
    render.refresh_from_db()
    assert render.status == SupportRender.Status.READY
    assert fake_renderer.calls == 1


def test_asking_again_for_a_stale_rendering_sends_it_again_at_once(
    session, fake_renderer, django_capture_on_commit_callbacks
):
    render, _ = support_request(meeting=session, queue=False)  # its message was lost
    _silent_for(render, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = support_request(meeting=session)
    assert not created and again.pk == render.pk
    again.refresh_from_db()
    assert again.status == SupportRender.Status.READY
    assert fake_renderer.calls == 1


def test_asking_again_for_a_fresh_waiting_rendering_sends_nothing_more(
    session, fake_renderer, django_capture_on_commit_callbacks
):
    render, _ = support_request(meeting=session, queue=False)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = support_request(meeting=session)
    assert not created and again.pk == render.pk
    assert fake_renderer.calls == 0
