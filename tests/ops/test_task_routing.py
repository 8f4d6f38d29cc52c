"""PDF renderings and imports run on their own Celery queues, so that each can have its own workers.

The broker test starts two real worker processes, one per queue (`-Q pdf`, `-Q imports`), as on two
machines, and sends the probe tasks of `ops.tasks` through the portal's routes; each probe writes
which worker ran it. The queue names get a random prefix (CELERY_QUEUE_PREFIX) so that no other test
run on the same Redis takes our tasks. (Two workers in threads of one process are no proof: they
share Celery's and kombu's process-wide state and take each other's messages.)
"""

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from kombu import Queue

from ops.tasks import import_probe, render_probe
from portal.celery import app

WAIT_SECONDS = 40
WORKER = """
from portal.celery import app
import django
django.setup()
app.conf.worker_enable_remote_control = False  # no pidbox queue left on the shared broker
app.worker_main(["worker", "-P", "solo", "-Q", "{queue}", "--hostname", "{host}",
                 "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "warning"])
"""


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("supports.tasks.render_support", "pdf"),
        ("ops.tasks.render_probe", "pdf"),
        ("stats.tasks.import_national_extract", "imports"),
        ("ops.tasks.import_probe", "imports"),
        ("commissions.tasks.send_convocation", "celery"),
        ("commissions.tasks.advance_meetings", "celery"),
        ("stats.tasks.redispatch_stale_imports", "celery"),
        ("supports.tasks.redispatch_stale_renders", "celery"),
        ("members.tasks.send_invitation", "celery"),
        ("decisions.tasks.notify_rdd_event", "celery"),
    ],
)
def test_tasks_are_routed_by_name(task_name, queue):
    assert queue_of(task_name) == queue


def test_a_worker_started_without_queue_option_consumes_every_queue():
    assert [queue.name for queue in settings.CELERY_TASK_QUEUES] == ["celery", "pdf", "imports"]


def test_each_queue_has_its_own_routing_key_so_a_message_goes_to_one_queue_only():
    keys = {queue.name: (queue.exchange.name, queue.routing_key) for queue in settings.CELERY_TASK_QUEUES}

    assert keys == {"celery": ("celery", "celery"), "pdf": ("celery", "pdf"), "imports": ("celery", "imports")}


def _forget_routing() -> None:
    # The queues and the router are cached on first use; drop them so that the overrides apply (and then go).
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)


def start_worker_process(queue: str, host: str, prefix: str) -> subprocess.Popen:
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "portal.settings_test", "CELERY_QUEUE_PREFIX": prefix}
    return subprocess.Popen(
        [sys.executable, "-c", WORKER.format(queue=queue, host=host)],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    process.terminate()  # warm shutdown
    try:
        _, errors = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return errors


@pytest.fixture
def two_workers():
    """A worker process on the pdf queue and one on the imports queue; the test's sender routes to them."""
    prefix = f"portal-test-{uuid.uuid4().hex[:8]}-"
    names = {name: prefix + name for name in ("celery", "pdf", "imports")}
    overrides = {
        "broker_url": os.environ["CELERY_BROKER_URL"],
        "task_always_eager": False,  # the test settings make tasks eager
        "task_default_queue": names["celery"],
        "task_queues": tuple(Queue(name, routing_key=name) for name in names.values()),
        # The real routes, towards the prefixed queues (what the workers' settings compute from the prefix).
        "task_routes": {
            pattern: {**route, "queue": prefix + route["queue"]}
            for pattern, route in settings.CELERY_TASK_ROUTES.items()
        },
    }
    saved = {key: app.conf[key] for key in overrides}
    app.conf.update(overrides)
    _forget_routing()
    hosts = {"pdf": f"pdf-{prefix}@test", "imports": f"imports-{prefix}@test"}
    workers = {kind: start_worker_process(names[kind], hosts[kind], prefix) for kind in ("pdf", "imports")}
    try:
        yield hosts, names, prefix
    finally:
        errors = {kind: stop(process) for kind, process in workers.items()}
        with app.connection_for_write() as connection:
            for name in names.values():
                bound = app.amqp.queues[name](connection.default_channel)
                bound.declare()
                bound.delete()
        app.conf.update(saved)
        _forget_routing()
        for kind, text in errors.items():
            if "Traceback" in text:
                print(f"worker {kind}:\n{text}", file=sys.stderr)


def wait_for(client, key: str, count: int) -> list[dict]:
    deadline = time.monotonic() + WAIT_SECONDS
    while client.llen(key) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"{client.llen(key)} probe(s) of {count} ran after {WAIT_SECONDS} s")
        time.sleep(0.2)
    return [json.loads(line) for line in client.lrange(key, 0, -1)]


@pytest.mark.broker
def test_a_pdf_job_and_an_import_job_run_on_the_worker_of_their_queue(two_workers):
    hosts, queues, prefix = two_workers
    key = f"{prefix}probes"
    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    try:
        # Sent through the portal's application and routes, as the web nodes do.
        render_probe.apply_async(args=[key])
        import_probe.apply_async(args=[key])
        render_probe.apply_async(args=[key])

        ran = wait_for(client, key, 3)
        time.sleep(1)  # and no copy of a message runs on the other worker
        assert client.llen(key) == 3
    finally:
        client.delete(key)
        client.close()
    assert sorted((line["task"], line["worker"], line["queue"]) for line in ran) == [
        ("ops.tasks.import_probe", hosts["imports"], queues["imports"]),
        ("ops.tasks.render_probe", hosts["pdf"], queues["pdf"]),
        ("ops.tasks.render_probe", hosts["pdf"], queues["pdf"]),
    ]
