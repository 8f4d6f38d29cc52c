"""Query budgets of the API's lists: each list runs the same number of SQL queries on a small commission and on
one three times larger, and no more than its budget (django-zeal, on in the tests, also raises on a relation
loaded row by row). Every answer pays 3 for the request: the token (with its user), the commissions the caller
sees with their roles (api.access, one query), the page's count and its rows. The token's last use is written at
most every five minutes (api.tokens): a first call, not counted, writes it."""

import datetime

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Attendance
from commissions.meetings.services import meeting_create
from members.models import OrganisationAlias
from stats.models import StatTable
from supports.models import SupportRender
from tests.api.conftest import client_for
from tests.api.helpers import transmit_session
from tests.factories import seat_member

BUDGETS = {
    "bodies": 4,
    "sections": 4,
    "organizations": 5,  # the other names, prefetched
    "posts": 4,  # vacancies as EXISTS subqueries of the same query
    "memberships": 4,
    "persons": 4,  # visibility and the right to personal data as EXISTS subqueries
    "meetings": 5,  # the attendance, prefetched
    "agendaItems": 7,  # the transmitted records' items and their decisions (2), the numbers of the page's meetings
    # Items, decisions, commitments, follow-ups (with their commitment), questions, approvals (with their person);
    # then the documents: the trail's DOCUMENT entries and the renderings they name.
    "records": 13,
    "files": 4,
    "tables": 4,
    "deleted": 4,
}


def grow(commission, secretariat, presidents, times: int, start: int) -> None:
    """`times` more of everything the lists show: seats and mandates with aliases, meetings with agenda items and
    attendance, transmitted records with their documents, files and tables."""
    for index in range(start, start + times):
        day = datetime.date(2019, 1, 1) + datetime.timedelta(days=index)
        mandate = seat_member(commission, SectionKind.PROFESSIONAL)
        OrganisationAlias.objects.create(organisation=mandate.seat.organisation, name=f"Autre nom {index}")
        meeting = meeting_create(
            commission=commission,
            date=datetime.date(2027, 1, 1) + datetime.timedelta(days=index),
            start_time=datetime.time(9),
        )
        parent = agenda_item_add(meeting=meeting, title=f"Point {index}")
        agenda_item_add(meeting=meeting, parent=parent, title=f"Sous-point {index}")
        Attendance.objects.create(meeting=meeting, person=mandate.person, status=Attendance.Status.EXCUSED)
        transmit_session(
            commission,
            datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            secretariat=secretariat,
            presidents=presidents,
        )
        SupportRender.objects.create(
            meeting=meeting,
            status=SupportRender.Status.READY,
            inputs_hash=f"{index:064d}",
            sha256=f"{index:064x}",
            page_count=1,
            file=ContentFile(b"%PDF-1.4", name="support.pdf"),
        )
        StatTable.objects.create(  # one more, deleted: a tombstone
            commission=commission, kind="montants", title="Supprimé", period_start=day, period_end=day
        ).delete()
        StatTable.objects.create(
            commission=commission,
            kind="montants",
            title=f"Montants {index}",
            period_start=datetime.date(2020 + index, 1, 1),
            period_end=datetime.date(2020 + index, 12, 31),
        )


def queries(client, url: str) -> tuple[int, int]:
    """The queries of one answer, and the number of objects it gives."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200
    return len(captured), len(response.json()["data"])


def test_every_list_runs_the_same_queries_whatever_the_amount_of_data(
    commission, alice, presidents, fake_renderer, frozen_today, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    client.get("/api/v1/")  # writes the token's last use
    with django_capture_on_commit_callbacks(execute=True):
        grow(commission, alice, presidents, times=1, start=0)
    small = {endpoint: queries(client, f"/api/v1/{endpoint}/") for endpoint in BUDGETS}
    with django_capture_on_commit_callbacks(execute=True):
        grow(commission, alice, presidents, times=2, start=1)
    large = {endpoint: queries(client, f"/api/v1/{endpoint}/") for endpoint in BUDGETS}
    assert {endpoint: count for endpoint, (count, _) in small.items()} == BUDGETS
    assert {endpoint: count for endpoint, (count, _) in large.items()} == BUDGETS
    # The lists did grow (the one commission and its two sections excepted).
    grown = {endpoint for endpoint in BUDGETS if large[endpoint][1] > small[endpoint][1]}
    assert grown == set(BUDGETS) - {"bodies", "sections"}
