"""Background work of the statistics app: tasks take ids and call a service (portal.jobs holds the rows).

Acknowledged late and rejected when their worker is lost, so that the broker delivers them again; the row's
claim makes a second delivery harmless. Named, so that messages already queued keep matching.
"""

from celery import shared_task

from .extract.jobs import JOBS as EXTRACT_JOBS
from .extract.jobs import extract_process
from .services import PENDING_JOBS, pending_process


@shared_task(name="stats.tasks.import_national_extract", acks_late=True, reject_on_worker_lost=True)
def import_national_extract(extract_id: int) -> str:
    """Parse and store an uploaded national extract (safe to run twice; a killed run leaves no line)."""
    extract = extract_process(extract_id=extract_id)
    return extract.status if extract is not None else "ignoré"


@shared_task(name="stats.tasks.import_pending_table", acks_late=True, reject_on_worker_lost=True)
def import_pending_table(pending_id: int) -> str:
    """Parse and store a large confirmed table (safe to run twice; a killed run leaves no table)."""
    pending = pending_process(pending_id=pending_id)
    return pending.status if pending is not None else "ignoré"


@shared_task(name="stats.tasks.redispatch_stale_imports")
def redispatch_stale_imports() -> int:
    """Send again the large tables and national extracts left waiting (broker down) or whose worker died
    (Celery beat, every minute); returns how many were sent."""
    return PENDING_JOBS.redispatch(import_pending_table) + EXTRACT_JOBS.redispatch(import_national_extract)
