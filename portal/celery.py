"""The Celery application of the portal (tasks are discovered in every app)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks run by `celery -A portal beat`.
app.conf.beat_schedule = {
    "decisions-remind-pending-approvals": {
        "task": "decisions.tasks.remind_pending_approvals",
        "schedule": crontab(hour=8, minute=0),
    },
    "supports-redispatch-stale-renders": {
        "task": "supports.tasks.redispatch_stale_renders",
        "schedule": 60.0,
    },
    "supports-redeliver-rdd-documents": {
        "task": "supports.tasks.redeliver_rdd_documents",
        "schedule": 300.0,
    },
    "commissions-redeliver-convocations": {
        "task": "commissions.tasks.redeliver_convocations",
        "schedule": 300.0,
    },
    "commissions-advance-meetings": {
        "task": "commissions.tasks.advance_meetings",
        "schedule": 300.0,
    },
    "stats-redispatch-stale-imports": {
        "task": "stats.tasks.redispatch_stale_imports",
        "schedule": 60.0,
    },
    "ops-purge-expired": {
        "task": "ops.tasks.purge_expired",
        "schedule": crontab(hour=4, minute=15),
    },
    "decisions-verify-trails": {
        "task": "decisions.tasks.verify_trails",
        "schedule": crontab(hour=3, minute=30),
    },
}
