"""Background work of the meetings room: tasks take ids and call a service (the rule of every app)."""

from celery import shared_task

from .convocation import convocation_deliver, convocation_redeliver
from .lifecycle import meeting_advance
from .models import Meeting


# The name is the one it had before the rooms, so that queued messages and the task routes still match.
@shared_task(name="commissions.tasks.send_convocation", acks_late=True)
def send_convocation(meeting_id: int) -> int:
    """Send the meeting's convocation to the members not yet sent to (safe to run twice)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    return convocation_deliver(meeting=meeting)


@shared_task(name="commissions.tasks.advance_meetings")
def advance_meetings() -> int:
    """Celery beat: convened meetings whose start has passed become held (safe to run twice at once)."""
    return meeting_advance()


@shared_task(name="commissions.tasks.redeliver_convocations")
def redeliver_convocations() -> int:
    """Celery beat: what remains unsent of the recent convocation rounds (safe beside a running delivery)."""
    return convocation_redeliver()
