"""Data kept no longer than needed: what `manage.py purge_expired` deletes, and after how long.

Only technical records are purged: expired sessions, login attempts and access logs (IP addresses,
user names), revoked calendar tokens, the IP addresses of the RDD trails (decisions.TrailAccess: the
trail itself keeps only their keyed digest, so its chain stays intact). Business records —
commissions, mandates, meetings, records of decisions and their approvals — are never deleted or
changed here: an approved record is archived by its own app, not purged.
"""

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from commissions.meetings.models import CalendarToken
from decisions.models import TrailAccess


@dataclass(frozen=True)
class Purged:
    name: str
    label: str
    count: int


def purge_expired(*, now: datetime.datetime | None = None, dry_run: bool = False) -> list[Purged]:
    """Delete what is past its retention period (RETENTION_DAYS); with dry_run, only count it."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS

    def before(name: str) -> datetime.datetime:
        return now - datetime.timedelta(days=days[name])

    targets = [
        ("sessions", "sessions expirées", Session.objects.filter(expire_date__lt=now)),
        (
            "login_attempts",
            f"tentatives de connexion de plus de {days['login_attempts']} jours",
            AccessAttempt.objects.filter(attempt_time__lt=before("login_attempts")),
        ),
        (
            "login_failures",
            f"échecs de connexion journalisés de plus de {days['login_attempts']} jours",
            AccessFailureLog.objects.filter(attempt_time__lt=before("login_attempts")),
        ),
        (
            "access_logs",
            f"journaux de connexion de plus de {days['access_logs']} jours",
            AccessLog.objects.filter(attempt_time__lt=before("access_logs")),
        ),
        (
            "revoked_calendar_tokens",
            f"jetons de calendrier révoqués depuis plus de {days['revoked_calendar_tokens']} jours",
            CalendarToken.objects.filter(revoked__lt=before("revoked_calendar_tokens")),
        ),
        (
            "trail_ips",
            f"adresses IP du journal des relevés de plus de {days['trail_ips']} jours",
            TrailAccess.objects.filter(entry__at__lt=before("trail_ips")),
        ),
    ]
    results = []
    with transaction.atomic():
        for name, label, queryset in targets:
            count = queryset.count() if dry_run else queryset.delete()[1].get(queryset.model._meta.label, 0)
            results.append(Purged(name=name, label=label, count=count))
    return results
