"""The secretariat's exports of a commission, as CSV or XLSX: its meetings (with the state of each one's RDD) and
the commitments taken in its sessions (with their last follow-up, closed or open, overdue).

Here rather than in commissions/ because both read RDDs, which the commissions app does not know. The tables are
written by portal.spreadsheets (`table_csv`, `table_xlsx`: texts never run as formulas), as the attendance list is.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone

from commissions.composition.access import commission_for
from commissions.composition.models import Commission
from commissions.meetings.models import Meeting
from portal.spreadsheets import table_csv, table_xlsx

from .models import Commitment, CommitmentUpdate, Rdd

# A commitment carries no due date: it is overdue when still open half a year after the session that took it (the
# commissions meet about twice a year, so it has missed its follow-up at the next session). The home page's to-do
# (home.selectors.OVERDUE_AFTER) counts the same.
OVERDUE_AFTER = datetime.timedelta(days=183)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MEETING_HEADERS = [
    "Date",
    "Heure de début",
    "Heure de fin",
    "Intitulé",
    "Type",
    "Statut",
    "Lieu",
    "Convoquée le",
    "Relevé de décisions",
]
COMMITMENT_HEADERS = [
    "Séance",
    "Engagement",
    "Porté par",
    "Dernier suivi le",
    "État au dernier suivi",
    "Clos ou ouvert",
    "En retard",
]


def _answer(table: list[list], *, extension: str, name: str, title: str, widths, date_columns: str) -> HttpResponse:
    if extension == "csv":
        data, content_type = table_csv(table), "text/csv; charset=utf-8"
    else:
        data, content_type = table_xlsx(table, title=title, widths=widths, date_columns=date_columns), XLSX
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


def _secretariat_commission(user, slug: str, extension: str) -> Commission:
    if extension not in ("csv", "xlsx"):
        raise Http404("Format inconnu.")
    return commission_for(user, slug, manage=True)


def _time(value: datetime.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _rdd_state(meeting: Meeting) -> str:
    """The state of the meeting's RDD in its current version (the meeting's `rdds`, latest version first)."""
    if meeting.kind == Meeting.Kind.INFORMATION:
        return "Sans relevé (réunion d'information)"
    rdds = meeting.latest_rdds
    if not rdds:
        return "Pas encore rédigé"
    rdd = rdds[0]
    label = rdd.get_status_display()
    return f"{label} (version {rdd.version})" if rdd.version > 1 else label


def meetings_table(commission: Commission) -> list[list]:
    """Every meeting of the commission, the latest first, in two queries."""
    meetings = (
        Meeting.objects.filter(commission=commission)
        .order_by("-date", "-start_time")
        .prefetch_related(
            Prefetch(
                "rdds",
                queryset=Rdd.objects.filter(next_version__isnull=True).only("meeting_id", "status", "version"),
                to_attr="latest_rdds",
            )
        )
    )
    zone = commission.zoneinfo
    return [MEETING_HEADERS] + [
        [
            meeting.date,
            _time(meeting.start_time),
            _time(meeting.end_time),
            meeting.title,
            meeting.get_kind_display(),
            meeting.get_status_display(),
            meeting.place,
            timezone.localtime(meeting.convened_at, zone).date() if meeting.convened_at else None,
            _rdd_state(meeting),
        ]
        for meeting in meetings
    ]


def commitments_table(commission: Commission, *, today: datetime.date) -> list[list]:
    """Every commitment taken in the commission's sessions (current RDD versions), the oldest session first, with
    its last follow-up: two queries whatever their number."""
    commitments = list(
        Commitment.objects.filter(rdd__meeting__commission=commission, rdd__next_version__isnull=True)
        .select_related("rdd__meeting")
        .order_by("rdd__meeting__date", "position", "pk")
    )
    updates: dict = {}
    for update in (
        CommitmentUpdate.objects.filter(
            commitment__key__in={commitment.key for commitment in commitments}, rdd__next_version__isnull=True
        )
        .order_by("date", "pk")
        .values("commitment__key", "date", "status", "closes")
    ):
        updates.setdefault(update["commitment__key"], []).append(update)
    cutoff = today - OVERDUE_AFTER
    rows = []
    for commitment in commitments:
        history = updates.get(commitment.key, [])
        last = history[-1] if history else None
        closed = any(update["closes"] for update in history)
        overdue = not closed and commitment.rdd.meeting.date < cutoff
        rows.append(
            [
                commitment.rdd.meeting.date,
                commitment.text,
                commitment.get_carried_by_display(),
                last["date"] if last else None,
                last["status"] if last else "Pas encore de suivi",
                "Clos" if closed else "Ouvert",
                "Oui" if overdue else "Non",
            ]
        )
    return [COMMITMENT_HEADERS] + rows


@login_required
def meetings_export(request, slug: str, extension: str):
    """The commission's meetings for its secretariat: date, times, title, kind, status, place, convened on, RDD."""
    commission = _secretariat_commission(request.user, slug, extension)
    return _answer(
        meetings_table(commission),
        extension=extension,
        name=f"reunions-{commission.slug}-{commission.today():%Y-%m-%d}",
        title="Réunions",
        widths=(12, 10, 10, 30, 26, 12, 36, 14, 34),
        date_columns="AH",
    )


@login_required
def commitments_export(request, slug: str, extension: str):
    """The commitments of the commission's sessions for its secretariat: text, carried by, session, last follow-up,
    closed or open, overdue."""
    commission = _secretariat_commission(request.user, slug, extension)
    today = commission.today()
    return _answer(
        commitments_table(commission, today=today),
        extension=extension,
        name=f"engagements-{commission.slug}-{today:%Y-%m-%d}",
        title="Engagements",
        widths=(12, 60, 24, 14, 40, 14, 10),
        date_columns="AD",
    )
