"""The commissions app's tasks, gathered for Celery's autodiscovery (which imports `<app>.tasks`)."""

from commissions.meetings.tasks import send_convocation

__all__ = ["send_convocation"]
