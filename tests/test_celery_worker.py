"""The invitation e-mail goes through a real Redis broker to a real Celery worker.

The worker runs in a thread of the test process, so the locmem e-mail backend
(process-wide `mail.outbox`) sees what it sends. The test is transactional
(see the `broker` marker in conftest): the worker's own database connection
reads what the test committed.
"""

import os
import re
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.contrib.auth.models import User
from django.core import mail

from commissions.composition.models import SectionKind
from members.models import Person
from members.services import person_invite
from members.tasks import send_invitation
from portal.celery import app
from tests.factories import PersonFactory, seat_member

WAIT_SECONDS = 20


@pytest.fixture
def worker():
    """A solo worker consuming a queue of its own, so that no other worker on the same Redis takes our tasks."""
    queue = f"portal-test-{uuid.uuid4().hex[:12]}"
    overrides = {
        "broker_url": os.environ["CELERY_BROKER_URL"],
        "task_always_eager": False,  # the test settings make tasks eager
        "task_default_queue": queue,
        "worker_enable_remote_control": False,  # no pidbox queue left on the shared broker
    }
    saved = {key: app.conf[key] for key in overrides}
    app.conf.update(overrides)
    _forget_routing(app)
    ran: list[tuple[str, int]] = []

    def record(sender=None, **kwargs):
        ran.append((sender.name, threading.get_ident()))

    task_prerun.connect(record, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=15):
            yield ran
    finally:
        task_prerun.disconnect(record)
        with app.connection_for_write() as connection:
            # Declared again so that this channel knows the bindings to remove along with the queue.
            bound = app.amqp.queues[queue](connection.default_channel)
            bound.declare()
            bound.delete()
        app.conf.update(saved)
        _forget_routing(app)


def _forget_routing(app) -> None:
    # The default queue and router are cached on first use; drop them so the test queue is used (and then forgotten).
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)


def wait_for_mail(count: int = 1) -> list:
    deadline = time.monotonic() + WAIT_SECONDS
    while len(mail.outbox) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"No e-mail from the worker after {WAIT_SECONDS} s (outbox: {len(mail.outbox)}).")
        time.sleep(0.1)
    return mail.outbox


@pytest.mark.broker
def test_the_worker_sends_the_invitation_queued_by_the_service(worker, client, commission, alice, settings):
    settings.PORTAL_BASE_URL = "https://commissions.example.org"
    person = PersonFactory(
        civility=Person.Civility.MME, last_name="Kern", first_name="Colette", email="kern@example.org"
    )
    seat_member(commission, SectionKind.SOCIAL, person=person)

    user = person_invite(person=person, invited_by=alice)

    [message] = wait_for_mail()
    assert worker == [("members.tasks.send_invitation", worker[0][1])]
    assert worker[0][1] != threading.get_ident(), "the task ran in the test's thread, not in the worker"
    assert message.to == ["kern@example.org"]
    assert message.subject == "Invitation au portail des commissions paritaires"
    link = re.search(r"https://commissions\.example\.org/compte/invitation/[^/\s]+/[^/\s]+/", message.body)
    assert link, message.body
    assert user.username == "kern@example.org"
    assert not Person.objects.get(pk=person.pk).user.has_usable_password()
    page = client.get(urlsplit(link.group(0)).path, follow=True)
    assert page.context["validlink"] is True


@pytest.mark.broker
def test_a_task_queued_directly_reaches_the_worker(worker):
    person = PersonFactory(last_name="Roussel", email="roussel@example.org")
    user = User.objects.create(username="roussel@example.org", email="roussel@example.org")
    user.set_unusable_password()
    user.save()
    person.user = user
    person.save()

    result = send_invitation.delay(person.pk)

    assert result.id
    [message] = wait_for_mail()
    assert [name for name, _ in worker] == ["members.tasks.send_invitation"]
    assert message.to == ["roussel@example.org"]
    assert "/compte/invitation/" in message.body
