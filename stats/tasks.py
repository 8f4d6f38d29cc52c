"""Background work of the statistics app: tasks take ids and call a service."""

from celery import shared_task

from .extract.jobs import extract_process
from .services import pending_process


@shared_task(acks_late=True)
def import_national_extract(extract_id: int) -> str:
    """Parse and store an uploaded national extract (safe to run twice; a killed run leaves no line)."""
    extract = extract_process(extract_id=extract_id)
    return extract.status if extract is not None else "ignoré"


@shared_task(acks_late=True)
def import_pending_table(pending_id: int) -> str:
    """Parse and store a large confirmed table (safe to run twice; a killed run leaves no table)."""
    pending = pending_process(pending_id=pending_id)
    return pending.status if pending is not None else "ignoré"
