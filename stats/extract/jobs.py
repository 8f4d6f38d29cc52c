"""The import of a national extract as a job: kept on upload, claimed by the task, its progress on its page."""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.jobs import Jobs, dispatch

from ..models import NationalExtract
from ..parsing import MAX_EXTRACT_BYTES, FileRejected
from .storage import extract_import

logger = logging.getLogger(__name__)


def extract_create(
    *, data: bytes, file_name: str, title: str, source: str = "", extraction_date=None, user=None
) -> tuple[NationalExtract, bool]:
    """Keep an uploaded extract (the same file twice gives the first one back); the task parses it."""
    if not data.strip():
        raise FileRejected("Le fichier est vide.")
    if len(data) > MAX_EXTRACT_BYTES:
        raise FileRejected("Le fichier dépasse la taille autorisée pour un extrait national.")
    digest = hashlib.sha256(data).hexdigest()
    existing = NationalExtract.objects.filter(file_hash=digest).first()
    if existing is not None:
        return existing, False
    extract = NationalExtract(
        title=title.strip() or file_name,
        source=source.strip(),
        extraction_date=extraction_date,
        file_name=file_name[:255],
        file_hash=digest,
        imported_by=user if user is not None and user.is_authenticated else None,
    )
    extract.file.save(f"{digest[:16]}.csv", ContentFile(data), save=False)
    extract.save()
    return extract, True


# Heartbeats come from the thread that reads the file, after a block (stats.conf STATS_EXTRACT_BLOCK_BYTES), at most
# every HEARTBEAT_SECONDS.
HEARTBEAT_SECONDS = 0.5
JOBS = Jobs(
    model=NationalExtract,
    waiting=(NationalExtract.Status.PENDING,),
    running=NationalExtract.Status.RUNNING,
    done=NationalExtract.Status.DONE,
    failed=NationalExtract.Status.FAILED,
    claim_fields={"progress": 0, "stage": "Démarrage"},
)


def extract_queue(extract: NationalExtract) -> bool:
    """Send the import once the upload is committed (never before: the worker would not see the row).

    Also the retry of a failed import, or of one whose worker stopped beating (killed): it is sent again at
    once. False when there is nothing to send (loaded, or running). The extract's `dispatch` (portal.jobs.Dispatch)
    says whether the broker took the task; when it did not, the re-dispatch sends it later.
    """
    from ..tasks import import_national_extract  # here: the task module imports this one

    with transaction.atomic():
        waiting = (NationalExtract.Status.PENDING, NationalExtract.Status.FAILED)
        queued = NationalExtract.objects.filter(pk=extract.pk, status__in=waiting).update(
            status=NationalExtract.Status.PENDING, updated_at=timezone.now()
        ) or JOBS.requeue(extract.pk)
        if queued:
            NationalExtract.objects.filter(pk=extract.pk).update(progress=0, stage="", error_report="")
            extract.dispatch = dispatch(import_national_extract, extract.pk)
    return bool(queued)


def extract_process(*, extract_id: int) -> NationalExtract | None:
    """Parse and store an uploaded extract; safe to run again (a failed or interrupted run leaves no line).

    The lines are written in one transaction: a worker killed in the middle leaves none, and its row stale once
    its heartbeats stop (JOB_STALE_SECONDS); the re-dispatch, or the secretariat's "Relancer", takes it up
    again. A worker that was only slow, and whose row was taken over meanwhile, cannot record its outcome: the
    first of the two to finish keeps its lines, the other's are rolled back.
    """
    if not JOBS.claim(extract_id):
        logger.info("Extrait national %s déjà pris ou chargé : rien à faire.", extract_id)
        return None
    extract = NationalExtract.objects.get(pk=extract_id)

    last_beat = [0.0]

    def progress(percent: int, stage: str) -> None:
        # Each heartbeat commits, and a commit waits for the write-ahead log to be flushed up to it: the COPY's
        # megabytes too. Twice a second at most, so that the reading thread does not wait on it after each block.
        now = time.monotonic()
        if now - last_beat[0] >= HEARTBEAT_SECONDS:
            last_beat[0] = now
            JOBS.heartbeat(extract_id, percent, stage)

    try:
        with extract.file.open("rb") as handle, transaction.atomic():
            # Read from the file a block at a time: the worker's memory does not grow with the file's size.
            count, periods = extract_import(extract, handle, extract.file_name or extract.file.name, progress)
            finished = JOBS.finish(
                extract_id,
                progress=100,
                stage="Terminé",
                rows_total=count,
                periods=[list(period) for period in periods],
                error_report="",
            )
            if not finished:
                transaction.set_rollback(True)  # taken over by another worker: its lines stand, not these
    except FileRejected as error:
        JOBS.fail(extract_id, error.report(), stage="Fichier refusé")
    except Exception as error:  # noqa: BLE001 - any failure is shown on the page, with the details in the log
        logger.exception("Échec du chargement de l'extrait national %s", extract_id)
        JOBS.fail(extract_id, f"Le chargement a échoué : {error}", stage="Échec")
    extract.refresh_from_db()
    return extract
