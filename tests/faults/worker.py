"""A real Celery worker in its own process group, on the test database and a Redis database of its own, that a
fault test can kill with SIGKILL (its pool child or the whole group) and start again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 60


class Worker:
    """`celery -A portal worker` with one prefork child, consuming every queue of the portal."""

    def __init__(self, *, broker_url: str, media_root: Path, log: Path):
        self.broker_url = broker_url
        self.media_root = media_root
        self.log = log
        self.process: subprocess.Popen | None = None

    def _env(self) -> dict:
        database = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
                f"{database['NAME']}"
            ),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "MEDIA_ROOT": str(self.media_root),
            "CACHE_URL": "",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("CELERY_QUEUE_PREFIX", None)
        return env

    def start(self) -> None:
        lines_before = self._log_text().count("ready.")
        handle = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=1", "--pool=prefork"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
            + [f"--hostname=faults-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=ROOT,
            env=self._env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as a whole
        )
        deadline = time.monotonic() + READY_SECONDS
        while self._log_text().count("ready.") <= lines_before:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The worker did not start:\n{self._log_text()[-3000:]}")
            time.sleep(0.1)

    def _log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def children(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def kill_child(self) -> None:
        """SIGKILL the pool process running the task; the worker's main process stays and starts another."""
        for pid in self.children():
            os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """SIGKILL the whole worker: its main process and its pool, as a machine's crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def wait_until(condition, *, seconds: float = 60, what: str = "the condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still not {what} after {seconds} s.")
        time.sleep(0.02)


def use_broker(broker_url: str):
    """Make this process send tasks to the worker's broker instead of running them eagerly; returns an undo."""
    # broker_url itself is read once from the Django settings; the read and write URLs take precedence over it.
    # close() drops the producer pool, which an earlier test may have opened on the other broker.
    overrides = {"broker_read_url": broker_url, "broker_write_url": broker_url, "task_always_eager": False}
    saved = {key: app.conf[key] for key in overrides}
    # close() also takes the app off Celery's list of active apps, so a task module imported later would not
    # register its shared tasks with it (NotRegistered in a later test): import every task module first.
    app.loader.import_default_modules()
    _drop_connections()
    app.conf.update(overrides)

    def undo() -> None:
        _drop_connections()
        app.conf.update(saved)

    return undo


def _drop_connections() -> None:
    """Forget the broker connections made so far, so that the next message goes to the broker now configured.

    close() drops the connection pool, but not the producer pool that Celery's amqp keeps beside it: once an
    earlier test has sent a task (tests/ops/test_task_routing.py does), messages would still go to its broker,
    where no worker of ours listens (the CI failure "Still not rendering after 60 s").
    """
    app.close()
    # No public way to forget it. Not closed: kombu keeps one producer pool per broker (kombu.pools.producers),
    # which the next test on that broker takes again.
    app.amqp._producer_pool = None
