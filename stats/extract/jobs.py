"""The import of a national extract as a job: kept on upload, claimed by the task, its progress on its page."""

from __future__ import annotations

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import NationalExtract
from ..parsing import MAX_EXTRACT_BYTES, FileRejected
from .reading import Progress
from .storage import extract_import, extract_summarise


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


def extract_queue(extract: NationalExtract) -> None:
    """Queue the parsing once the upload is committed (never before: the worker would not see the row)."""
    from ..tasks import import_national_extract  # here: the task module imports this one

    transaction.on_commit(lambda: import_national_extract.delay(extract.pk))


def _progress_saver(extract: NationalExtract) -> Progress:
    def save(percent: int, stage: str) -> None:
        NationalExtract.objects.filter(pk=extract.pk).update(progress=percent, stage=stage, updated_at=timezone.now())

    return save


def extract_process(*, extract_id: int) -> NationalExtract | None:
    """Parse and store an uploaded extract; safe to run again (a failed or interrupted run leaves no line)."""
    stale = timezone.now() - datetime.timedelta(minutes=15)
    claimed = (
        NationalExtract.objects.filter(pk=extract_id)
        .filter(
            Q(status__in=[NationalExtract.Status.PENDING, NationalExtract.Status.FAILED])
            | Q(status=NationalExtract.Status.RUNNING, updated_at__lt=stale)
        )
        .update(status=NationalExtract.Status.RUNNING, progress=0, stage="Démarrage", updated_at=timezone.now())
    )
    if claimed != 1:
        return None  # already done, or being processed by another worker
    extract = NationalExtract.objects.get(pk=extract_id)
    progress = _progress_saver(extract)
    try:
        with extract.file.open("rb") as handle:
            data = handle.read()
        with transaction.atomic():
            count, periods = extract_import(extract, data, extract.file_name or extract.file.name, progress)
            del data
            NationalExtract.objects.filter(pk=extract.pk).update(
                status=NationalExtract.Status.DONE,
                progress=100,
                stage="Terminé",
                rows_total=count,
                periods=[list(period) for period in periods],
                error_report="",
                updated_at=timezone.now(),
            )
        extract_summarise()
    except FileRejected as error:
        NationalExtract.objects.filter(pk=extract.pk).update(
            status=NationalExtract.Status.FAILED, stage="Fichier refusé", error_report=error.report()
        )
    extract.refresh_from_db()
    return extract
