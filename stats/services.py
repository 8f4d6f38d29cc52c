"""Writes of the statistics app: import a table (all or nothing), attach it, derive tables from extracts."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commissions.composition.models import Commission
from commissions.meetings.models import AgendaItem
from portal.jobs import Jobs, dispatch

from .layouts import AUTO, ParsedTable, parse_table
from .models import PendingUpload, StatColumn, StatRow, StatTable, StatValue
from .parsing import FileRejected, read_grid
from .territories import normalise_territory

logger = logging.getLogger(__name__)


@dataclass
class TableMeta:
    """What the secretariat tells about a table besides its file."""

    title: str
    period_start: datetime.date
    period_end: datetime.date
    territory: str = ""
    source: str = ""
    extraction_date: datetime.date | None = None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Above this many rows, a confirmed file is parsed and stored by a Celery task (its progress on the page).
LARGE_TABLE_ROWS = 5000


def table_parse(
    *, data: bytes, file_name: str, kind: str = AUTO, sheet: str = "", subtotals: list[int] | None = None
) -> ParsedTable:
    """The parsed table of a file (FileRejected with French problems by line and column).

    `subtotals`: lines declared as subtotals in the preview (None: recognised automatically).
    """
    return parse_table(read_grid(data, file_name, sheet=sheet or None), kind, subtotals)


def preamble_hints(preamble: list[str]) -> dict:
    """Source line and period found in the lines above a table ("Source SNDS AMOS le 05/02/2025", "du … au …")."""
    hints: dict = {}
    for text in preamble:
        if re.match(r"^\s*source\b", text, re.IGNORECASE):
            hints["source"] = text.strip()
            found = re.search(r"(\d{2})/(\d{2})/(\d{4})", text)
            if found:
                hints["extraction_date"] = datetime.date(int(found[3]), int(found[2]), int(found[1]))
        found = re.search(r"du\s+(\d{2})/(\d{2})/(\d{4})\s+au\s+(\d{2})/(\d{2})/(\d{4})", text, re.IGNORECASE)
        if found:
            hints["period_start"] = datetime.date(int(found[3]), int(found[2]), int(found[1]))
            hints["period_end"] = datetime.date(int(found[6]), int(found[5]), int(found[4]))
        else:
            found = re.search(r"ann[ée]e\s+(\d{4})", text, re.IGNORECASE)
            if found and "period_start" not in hints:
                year = int(found[1])
                hints["period_start"], hints["period_end"] = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return hints


def _validate_meta(meta: TableMeta) -> None:
    if not meta.title.strip():
        raise ValidationError("Le titre est obligatoire.")
    if meta.period_end < meta.period_start:
        raise ValidationError("La fin de période doit être postérieure ou égale au début.")


def table_store(
    *, commission: Commission, parsed: ParsedTable, meta: TableMeta, digest: str = "", file_name: str = "", user=None
) -> tuple[StatTable, bool]:
    """Store a parsed table in one transaction; the same file twice gives back the first table (created=False)."""
    _validate_meta(meta)
    with transaction.atomic():
        if digest:
            existing = StatTable.objects.filter(commission=commission, file_hash=digest).first()
            if existing is not None:
                return existing, False
        table = StatTable(
            commission=commission,
            kind=parsed.kind,
            title=meta.title.strip(),
            territory=normalise_territory(meta.territory) if meta.territory.strip() else "",
            period_start=meta.period_start,
            period_end=meta.period_end,
            source=meta.source.strip(),
            extraction_date=meta.extraction_date,
            file_name=file_name[:255],
            file_hash=digest,
            label_header=parsed.label_header[:200],
            warnings=[str(problem) for problem in parsed.warnings],
            imported_by=user if user is not None and user.is_authenticated else None,
        )
        table.full_clean(exclude=["commission", "imported_by", "derived_from", "agenda_item"])
        table.save()
        _store_cells(table, parsed)
    return table, True


def _store_cells(table: StatTable, parsed: ParsedTable) -> None:
    columns = StatColumn.objects.bulk_create(
        StatColumn(
            table=table,
            position=position,
            header=column.header[:300],
            group=column.group,
            measure=column.measure,
            percent=column.percent,
        )
        for position, column in enumerate(parsed.columns)
    )
    rows = StatRow.objects.bulk_create(
        StatRow(
            table=table,
            position=position,
            label=row.label[:300],
            group_label=row.group_label[:300],
            code=row.code,
            is_subtotal=row.is_subtotal,
            line=row.line,
        )
        for position, row in enumerate(parsed.rows)
    )
    values = [
        StatValue(row=stored_row, column=column, value=cell.value, flag=cell.flag, decimals=min(cell.decimals, 6))
        for stored_row, row in zip(rows, parsed.rows, strict=True)
        for column, cell in zip(columns, row.values, strict=True)
        if cell.value is not None or cell.flag
    ]
    StatValue.objects.bulk_create(values, batch_size=2000)


def table_import(
    *,
    commission: Commission,
    data: bytes,
    file_name: str,
    kind: str,
    meta: TableMeta,
    sheet: str = "",
    user=None,
    subtotals: list[int] | None = None,
) -> tuple[StatTable, bool]:
    """Parse and store a file in one go (the command line and the confirm step)."""
    parsed = table_parse(data=data, file_name=file_name, kind=kind, sheet=sheet, subtotals=subtotals)
    return table_store(
        commission=commission, parsed=parsed, meta=meta, digest=file_hash(data), file_name=file_name, user=user
    )


def pending_create(
    *, commission: Commission, user, data: bytes, file_name: str, kind: str, meta: TableMeta, sheet: str = ""
) -> PendingUpload:
    """Keep an uploaded file until the preview is confirmed (the file was parsed without error)."""
    _validate_meta(meta)
    return PendingUpload.objects.create(
        commission=commission,
        uploaded_by=user,
        file_name=file_name[:255],
        content=data,
        file_hash=file_hash(data),
        kind=kind,
        sheet=sheet,
        title=meta.title.strip(),
        territory=meta.territory.strip(),
        period_start=meta.period_start,
        period_end=meta.period_end,
        source=meta.source.strip(),
        extraction_date=meta.extraction_date,
    )


def pending_meta(pending: PendingUpload) -> TableMeta:
    return TableMeta(
        title=pending.title,
        period_start=pending.period_start,
        period_end=pending.period_end,
        territory=pending.territory,
        source=pending.source,
        extraction_date=pending.extraction_date,
    )


def pending_declare_subtotals(*, pending: PendingUpload, lines: list[int] | None) -> PendingUpload:
    """Keep the subtotal rows declared in the preview (lines of the file), or None for automatic recognition."""
    pending.subtotal_lines = None if lines is None else sorted({int(line) for line in lines})
    pending.save(update_fields=["subtotal_lines", "updated_at"])
    return pending


def pending_row_count(pending: PendingUpload) -> int:
    """Rows of the uploaded file (lines of a CSV, rows of the sheet), to choose between now and a task."""
    data = bytes(pending.content)
    if data[:4] != b"PK\x03\x04":
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return len(read_grid(data, pending.file_name, sheet=pending.sheet or None).rows)


def pending_is_large(pending: PendingUpload) -> bool:
    return pending_row_count(pending) > LARGE_TABLE_ROWS


def pending_confirm(*, pending: PendingUpload, user) -> tuple[StatTable, bool]:
    """Store the previewed file and forget the upload, all in one transaction."""
    with transaction.atomic():
        locked = PendingUpload.objects.select_for_update().filter(pk=pending.pk).first()
        if locked is None or locked.status != PendingUpload.Status.PREVIEW:
            raise FileRejected("Ce dépôt a déjà été confirmé ou abandonné.")
        table, created = table_import(
            commission=locked.commission,
            data=bytes(locked.content),
            file_name=locked.file_name,
            kind=locked.kind,
            meta=pending_meta(locked),
            sheet=locked.sheet,
            user=user,
            subtotals=locked.subtotal_lines,
        )
        locked.delete()
    return table, created


# Heartbeats at the claim, before the storage and when the storage's transaction begins.
PENDING_JOBS = Jobs(
    model=PendingUpload,
    waiting=(PendingUpload.Status.QUEUED,),
    running=PendingUpload.Status.RUNNING,
    done=PendingUpload.Status.DONE,
    failed=PendingUpload.Status.FAILED,
    claim_fields={"progress": 5, "stage": "Lecture du fichier"},
)


def pending_queue(*, pending: PendingUpload) -> bool:
    """Confirm a large file: a Celery task parses and stores it (sent once this transaction commits).

    Also the retry of a failed import, or of one whose worker stopped beating (killed): it is sent again at once.
    False when there is nothing to queue (stored, or running). The upload's `dispatch` (portal.jobs.Dispatch)
    says whether the broker took the task; when it did not, the re-dispatch sends it later.
    """
    from .tasks import import_pending_table  # here: the task module imports this one

    with transaction.atomic():
        waiting = (PendingUpload.Status.PREVIEW, PendingUpload.Status.QUEUED, PendingUpload.Status.FAILED)
        queued = PendingUpload.objects.filter(pk=pending.pk, status__in=waiting).update(
            status=PendingUpload.Status.QUEUED, updated_at=timezone.now()
        ) or PENDING_JOBS.requeue(pending.pk)
        if queued:
            PendingUpload.objects.filter(pk=pending.pk).update(progress=0, stage="En attente", error_report="")
            pending.dispatch = dispatch(import_pending_table, pending.pk)
    return bool(queued)


def pending_process(*, pending_id: int) -> PendingUpload | None:
    """The task's work: parse and store a confirmed file, all or nothing; safe to run again.

    A worker killed in the middle leaves no table (one transaction) and the upload "en cours": once its
    heartbeats stop (JOB_STALE_SECONDS) the re-dispatch, or the secretariat's "Relancer", takes it up again.
    """
    if not PENDING_JOBS.claim(pending_id):
        logger.info("Dépôt %s déjà pris, importé ou abandonné : rien à faire.", pending_id)
        return None
    pending = PendingUpload.objects.select_related("commission", "uploaded_by").get(pk=pending_id)
    try:
        data = bytes(pending.content)
        parsed = table_parse(
            data=data,
            file_name=pending.file_name,
            kind=pending.kind,
            sheet=pending.sheet,
            subtotals=pending.subtotal_lines,
        )
        PENDING_JOBS.heartbeat(pending_id, 50, f"Enregistrement de {len(parsed.rows)} lignes")
        with transaction.atomic():
            # Locks the row: a worker that finds it stale meanwhile waits for the commit, then finds it done.
            PENDING_JOBS.heartbeat(pending_id)
            table, _ = table_store(
                commission=pending.commission,
                parsed=parsed,
                meta=pending_meta(pending),
                digest=file_hash(data),
                file_name=pending.file_name,
                user=pending.uploaded_by,
            )
            PENDING_JOBS.finish(pending_id, progress=100, stage="Terminé", table=table, content=b"", error_report="")
    except (FileRejected, ValidationError) as error:
        report = error.report() if isinstance(error, FileRejected) else " ".join(error.messages)
        PENDING_JOBS.fail(pending_id, report, stage="Fichier refusé")
    except Exception as error:  # noqa: BLE001 - any failure is shown on the page, with the details in the log
        logger.exception("Échec de l'import du dépôt %s", pending_id)
        PENDING_JOBS.fail(pending_id, f"L'import a échoué : {error}", stage="Échec")
    pending.refresh_from_db()
    return pending


def table_attach(*, table: StatTable, agenda_item: AgendaItem | None) -> StatTable:
    """Attach a table to an agenda item of a meeting of its own commission (or detach it with None)."""
    if agenda_item is not None and agenda_item.meeting.commission_id != table.commission_id:
        raise ValidationError("Ce point de l'ordre du jour appartient à une autre commission.")
    table.agenda_item = agenda_item
    table.save(update_fields=["agenda_item"])
    return table


def table_charts_set(*, table: StatTable, keys: list[str]) -> StatTable:
    """The charts the secretariat chose for a table (shown on its page and in the supports); at least one."""
    from .chart import CHARTS

    known = [key for key, _ in CHARTS.get(table.kind, ())]
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(f"Graphique inconnu pour ce type de tableau : {', '.join(unknown)}.")
    if not keys:
        raise ValidationError("Choisissez au moins un graphique.")
    table.charts = [key for key in known if key in keys]
    table.save(update_fields=["charts"])
    return table


def table_delete(*, table: StatTable) -> None:
    table.delete()


FileRejected = FileRejected  # re-exported for the views and commands
