"""The commissions app's tasks, gathered for Celery's autodiscovery (which imports `<app>.tasks`)."""

from commissions.meetings.tasks import advance_meetings, redeliver_convocations, send_convocation

__all__ = ["advance_meetings", "redeliver_convocations", "send_convocation"]
