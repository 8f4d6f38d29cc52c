"""Background work of the commissions app: tasks take ids and call a service."""

from celery import shared_task

from .models_meetings import Meeting
from .services_meetings import convocation_deliver


@shared_task(acks_late=True)
def send_convocation(meeting_id: int) -> int:
    """Send the meeting's convocation to the members not yet sent to (safe to run twice)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    return convocation_deliver(meeting=meeting)
