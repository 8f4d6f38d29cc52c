"""Background jobs kept as database rows: one interface for the three jobs of the portal (a support's rendering,
a large statistics table's storage, a national extract's import).

The row is the truth, never the broker: a task is only a nudge to process a row. A worker *claims* the row
with a conditional update whose row count it checks, so a task delivered twice (late acknowledgement, a
re-dispatch) runs once; it sends a *heartbeat* while it works; a row whose heartbeat is older than
JOB_STALE_SECONDS is *stale* (its worker was killed, or its message lost) and may be claimed again or
*requeued*; a failure is stored in French on the row, for the page that shows it.

A job whose work runs in one transaction begins that transaction with a heartbeat: the update locks the row,
so a worker that finds the row stale meanwhile (its heartbeats inside the transaction are not seen) waits for
the commit and then finds it finished; a killed worker's lock goes with its connection.

Rule for tasks and services, everywhere (HackSoft's styleguide): the task is a thin function that calls one
service with ids; the service claims the row, does the work and records the outcome; views and commands call
the same service.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def send(task, pk: int) -> bool:
    """Send a job's task now; with the broker down the row stays waiting (logged) and `Jobs.redispatch`, run by
    Celery beat, sends it again once the broker is back. False when it could not be sent."""
    try:
        task.delay(pk)
    except OperationalError:
        logger.warning("File des tâches indisponible : %s(%s) partira à la prochaine relance.", task.name, pk)
        return False
    return True


@dataclass
class Dispatch:
    """What became of a job's message: `sent` is None until the transaction commits, then True or False."""

    sent: bool | None = None


def dispatch(task, pk: int) -> Dispatch:
    """Send a job's task once the transaction that wrote its row commits (never a message for a row that is
    not there)."""
    outcome = Dispatch()

    def run() -> None:
        outcome.sent = send(task, pk)

    transaction.on_commit(run)
    return outcome


@dataclass(frozen=True)
class Jobs:
    """How one model holds its jobs: its states, and the fields of the heartbeat, the error and the progress."""

    model: type[models.Model]
    waiting: tuple[str, ...]  # states a worker may claim (queued; failed, when a new try is allowed)
    running: str
    done: str
    failed: str
    queued: str = ""  # the state `requeue` puts a row back in (default: the first waiting state)
    heartbeat_field: str = "updated_at"
    error_field: str = "error_report"
    progress_fields: tuple[str, str] | None = ("progress", "stage")
    # How long a running row may go without a heartbeat (None: JOB_STALE_SECONDS); a waiting row is stale after
    # JOB_STALE_SECONDS whatever the job.
    running_stale_seconds: Callable[[], int] | None = None
    claim_fields: dict = field(default_factory=dict)  # set on the row when it is claimed (e.g. progress 0)

    # --- reading ---------------------------------------------------------------------------------------------

    def running_after(self) -> datetime.timedelta:
        custom = self.running_stale_seconds
        return datetime.timedelta(seconds=custom() if custom is not None else settings.JOB_STALE_SECONDS)

    def _stale_running(self, now: datetime.datetime, after: datetime.timedelta | None = None) -> Q:
        after = after if after is not None else self.running_after()
        return Q(status=self.running, **{f"{self.heartbeat_field}__lt": now - after})

    def _stale_waiting(self, now: datetime.datetime, after: datetime.timedelta | None = None) -> Q:
        after = after if after is not None else datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)
        return Q(status__in=self.waiting, **{f"{self.heartbeat_field}__lt": now - after})

    def stale(self, *, after: datetime.timedelta | None = None) -> models.QuerySet:
        """Rows that should be moving and are not: running with no heartbeat, or waiting (their message was lost
        with the broker, or never sent), for `after` or the job's delays."""
        now = timezone.now()
        return self.model.objects.filter(self._stale_running(now, after) | self._stale_waiting(now, after))

    # --- writing ---------------------------------------------------------------------------------------------

    def claim(self, pk: int, **fields) -> bool:
        """Take a waiting row, or a running one whose worker stopped beating; False when another worker has it
        or it is finished."""
        now = timezone.now()
        claimable = Q(status__in=self.waiting) | self._stale_running(now)
        values = {"status": self.running, self.heartbeat_field: now, **self.claim_fields, **fields}
        return self.model.objects.filter(claimable, pk=pk).update(**values) == 1

    def heartbeat(self, pk: int, progress: int | None = None, stage: str | None = None) -> None:
        """Say the worker is alive (and how far it is), only while the row is running."""
        values: dict = {self.heartbeat_field: timezone.now()}
        if self.progress_fields is not None:
            progress_field, stage_field = self.progress_fields
            if progress is not None:
                values[progress_field] = progress
            if stage is not None:
                values[stage_field] = stage[:100]
        self.model.objects.filter(pk=pk, status=self.running).update(**values)

    def finish(self, pk: int, **fields) -> bool:
        """Record the outcome of a running row; False when the row was no longer running (taken over)."""
        values = {"status": self.done, self.heartbeat_field: timezone.now(), **fields}
        return self.model.objects.filter(pk=pk, status=self.running).update(**values) == 1

    def fail(self, pk: int, message: str, **fields) -> bool:
        """Store a French message for the page that shows the job; only while the row is running."""
        values = {"status": self.failed, self.error_field: message[:4000], self.heartbeat_field: timezone.now()}
        return self.model.objects.filter(pk=pk, status=self.running).update(**values, **fields) == 1

    def requeue(self, pk: int) -> bool:
        """Put a stale row back in the queue (its task is sent again by the caller, after the commit)."""
        now = timezone.now()
        stale = self._stale_running(now) | self._stale_waiting(now)
        queued = self.queued or self.waiting[0]
        return self.model.objects.filter(stale, pk=pk).update(status=queued, **{self.heartbeat_field: now}) == 1

    def redispatch(self, task) -> int:
        """Requeue every stale row and send its task again (Celery beat, every minute); returns how many were
        sent. A row whose task was only late is claimed by one of the two messages; the other finds it taken."""
        sent = 0
        for pk in self.stale().values_list("pk", flat=True):
            if self.requeue(pk) and send(task, pk):
                sent += 1
        return sent
