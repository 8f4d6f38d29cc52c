"""Query budgets: every main page runs the same number of SQL queries on the demo data and on ten times more.

Each test loads the demo (demo.loader.load_all), counts the queries of one page, then multiplies what the
page lists by ten (`ten_times_the_demo`: seats and mandates, designations, agenda items and attachments,
item records, commitments, follow-ups and questions, pending and transmitted RDDs, tables, commissions)
and counts again. Both counts must equal the page's budget below: a query per row (N+1) would raise the
second one. django-zeal (portal/settings_test.py) also raises on a relation loaded lazily row by row.
A page that needs one more query on purpose raises its budget here, with the reason in the commit.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from commissions.composition.models import (
    Commission,
    CompositionChange,
    PresidencyDesignation,
    SectionKind,
    SectionPresidency,
)
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import AgendaAttachment, Attendance, Meeting
from decisions import content, services
from decisions.models import CarriedBy, Rdd
from demo.loader import load_all
from demo.meetings import COTE_DOR, PACA, PACA_2025_DAY, UPCOMING_TITLE
from members.models import Person
from stats.models import PendingUpload, StatTable
from tests.factories import CommissionFactory, MandateFactory, PersonFactory, SeatFactory, seat_member

# The queries of each page, measured on the demo data and on ten times more (they must be equal). Every page
# pays 3 for the request itself: the session, the user and the menu (the user's person and whether they may
# import national extracts, in one query: portal.context_processors). The session is saved again (3 more, with
# its transaction) only once a minute to renew the idle timeout (portal.middleware), not in these counts; with
# a cache server it is read from the cache (cached_db), one query less. A commission's page adds one for the
# commission and the user's roles in it.
BUDGETS = {
    "commission list": 5,  # with the pagination count
    "commission page": 13,  # with the presidency article in force on the date asked (PresidencyArticle, dated)
    # The quorum in one query of plain rows (commissions.meetings.selectors); the next meeting announced, one; the
    # statistics tables attached to the agenda's items, one (prefetched with the attachments).
    "meeting page": 10,
    # The header (status, versions) read apart from the cached body; the trail check reads no more. A draft states
    # its session's facts as the directory gives them (decisions.facts: the meeting, who presides, the attendance
    # with each member's organisation, the session's presidents): 9 queries whatever the data; a submitted RDD
    # reads its snapshot instead. The secretariat's page reads the trail's addresses (decisions.TrailAccess) once.
    "RDD page": 25,
    "inbox": 5,
    "transmitted RDDs": 5,  # with the pagination count
    "statistics page": 8,
    # The to-do of every commission served, each list one query for all of them (home.selectors): the roles, the
    # next meetings, the held ones with the quorum (3), the RDDs under way, the presidents, the open commitments.
    "home (secretariat)": 12,
    "home (president)": 8,  # the roles, the next meetings, the inbox (2), the last transmitted RDDs
    "search": 10,  # the roles, one query per kind (persons, meetings, agenda items, decisions, commitments, questions)
}

# The same pages once their cached parts are in the cache (portal.generations), as most requests find them:
# the menu, the access decision on a commission (commission_for), the commission list's and the commission
# page's content are read from the cache until their data changes; the session and the user remain.
CACHED_BUDGETS = {
    "commission list": 2,
    "commission page": 2,
    "meeting page": 3,
    "RDD page": 3,
    "inbox": 2,
    "transmitted RDDs": 2,
    "statistics page": 6,
    # Not cached: a to-do must be current (days waiting, a support just rendered); only the menu comes from the cache.
    "home (secretariat)": 11,
    "home (president)": 7,
    "search": 9,
}


@dataclass(frozen=True)
class Page:
    name: str
    username: str

    def url(self) -> str:
        paca = Commission.objects.get(slug=PACA)
        upcoming = Meeting.objects.get(commission=paca, title=UPCOMING_TITLE)
        match self.name:
            case "commission list":
                return reverse("commissions:list")
            case "commission page":
                return paca.get_absolute_url()
            case "meeting page":
                return upcoming.get_absolute_url()
            case "RDD page":
                # The upcoming session's draft: every block of the page (records, commitments, follow-up of the
                # earlier sessions' commitments, questions), as the secretariat reads it while writing.
                return Rdd.objects.get(meeting=upcoming).get_absolute_url()
            case "inbox":
                return reverse("decisions:inbox")
            case "transmitted RDDs":
                return reverse("decisions:transmitted")
            case "statistics page":
                return reverse("statistics:list", args=[PACA])
            case "home (secretariat)" | "home (president)":
                return reverse("home:index")
            case "search":
                return reverse("home:search") + "?q=PERFADOM+t%C3%A9l%C3%A9transmission"
        raise AssertionError(self.name)


PAGES = [
    Page("commission list", "secretariat"),
    Page("commission page", "secretariat"),
    Page("meeting page", "secretariat"),
    Page("RDD page", "secretariat"),
    Page("inbox", "kern"),
    Page("transmitted RDDs", "secretariat"),
    Page("statistics page", "secretariat"),
    Page("home (secretariat)", "secretariat"),
    Page("home (president)", "kern"),
    Page("search", "secretariat"),
]

TIMES = 10


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _more_commissions(secretariat, kern: Person) -> list[Commission]:
    """Ten times the commissions the secretariat serves; KERN presides the social section of ten times as many."""
    served = Commission.objects.filter(agents=secretariat).count()
    added = []
    for n in range(served * (TIMES - 1)):
        commission = CommissionFactory(name=f"Commission de charge {n:02}", slug=f"charge-{n:02}")
        commission.agents.add(secretariat)
        added.append(commission)
    for commission in added[: TIMES - 1]:
        mandate = seat_member(commission, SectionKind.SOCIAL, person=kern)
        SectionPresidency.objects.create(section=mandate.seat.section, person=kern, start=datetime.date(2024, 1, 1))
    return added


def _composition(paca: Commission) -> None:
    """Ten times the seats (a titular and a substitute each), designations, changes, contacts, past presidents."""
    for kind in SectionKind:
        section = paca.sections.get(kind=kind)
        for _ in range(section.seats.count() * (TIMES - 1)):
            seat = SeatFactory(section=section)
            MandateFactory(seat=seat)
            MandateFactory(seat=seat, role="suppleant")
        for year in range(2010, 2010 + TIMES - 1):
            SectionPresidency.objects.create(
                section=section,
                person=PersonFactory(),
                start=datetime.date(year, 1, 1),
                end=datetime.date(year, 12, 31),
            )
    for year in range(2010, 2010 + TIMES - 1):
        PresidencyDesignation.objects.create(
            commission=paca,
            year=year,
            president=PersonFactory(),
            president_section=SectionKind.SOCIAL,
            vice_president=PersonFactory(),
            designated_on=datetime.date(year, 2, 1),
        )
        CompositionChange.objects.create(
            commission=paca, effective_on=datetime.date(year, 3, 1), description=f"Changement {year}"
        )
    for _ in range(max(1, paca.secretariat_contacts.count()) * (TIMES - 1)):
        paca.secretariat_contacts.add(PersonFactory())


def _agenda_and_rdd(paca: Commission, secretariat) -> None:
    """The upcoming session: ten times the agenda items (with attachments), and its draft RDD ten times fuller."""
    meeting = Meeting.objects.get(commission=paca, title=UPCOMING_TITLE)
    rdd = Rdd.objects.get(meeting=meeting)
    items = list(meeting.agenda_items.all())
    for n in range(len(items) * (TIMES - 1)):
        parent = items[n % len(items)] if n % 3 else None
        item = agenda_item_add(meeting=meeting, parent=parent, title=f"Point de charge {n}", content="<p>Texte.</p>")
        AgendaAttachment.objects.create(
            item=item, original_name=f"annexe-{n}.pdf", file=ContentFile(b"%PDF-1.7\n", name=f"annexe-{n}.pdf")
        )
    for mandate in paca.sections.get(kind=SectionKind.SOCIAL).seats.first().mandates.all():
        Attendance.objects.get_or_create(meeting=meeting, person=mandate.person, defaults={"status": "present"})

    rdd = content.rdd_sync_items(rdd=rdd)
    for record in rdd.item_records.all()[: TIMES * 2]:
        content.item_record_save(record=record, summary="Échanges.", decisions=["Décision une.", "Décision deux."])
    for n in range(max(1, rdd.commitments.count()) * (TIMES - 1)):
        content.commitment_save(rdd=rdd, text=f"Engagement de charge {n}", carried_by=CarriedBy.SECRETARIAT)
    for n in range(max(1, rdd.questions.count()) * (TIMES - 1)):
        content.question_save(rdd=rdd, text=f"Question de charge {n}", answer="Réponse.")

    # Commitments of an earlier session still open at the upcoming one, each followed in its RDD.
    earlier = Meeting.objects.create(
        commission=paca, date=PACA_2025_DAY + datetime.timedelta(days=120), start_time=datetime.time(10, 0)
    )
    earlier_rdd = services.rdd_create(meeting=earlier, user=secretariat)
    followed = rdd.commitment_updates.count()
    for n in range(max(1, followed) * (TIMES - 1)):
        commitment = content.commitment_save(
            rdd=earlier_rdd, text=f"Engagement antérieur {n}", carried_by=CarriedBy.SOCIAL
        )
        content.commitment_follow(rdd=earlier_rdd, commitment=commitment, date=earlier.date, status="En cours.")
        content.commitment_follow(rdd=rdd, commitment=commitment, date=meeting.date, status="Toujours en cours.")


def _rdds(commissions: list[Commission], paca: Commission) -> None:
    """RDDs awaiting KERN's approval in each commission she presides; transmitted RDDs in each served one."""
    now = timezone.now()
    presided = [paca, *commissions[: TIMES - 1]]
    for n, commission in enumerate(presided):
        meeting = Meeting.objects.create(
            commission=commission, date=datetime.date(2026, 1, 10 + n), start_time=datetime.time(10, 0)
        )
        Rdd.objects.create(meeting=meeting, version=1, status=Rdd.Status.SUBMITTED, submitted_at=now)
    served = Rdd.objects.filter(
        status__in=[Rdd.Status.TRANSMITTED, Rdd.Status.VALIDATED], meeting__commission__agents__username="secretariat"
    ).count()
    for n in range(served * (TIMES - 1)):
        commission = commissions[n % len(commissions)]
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
        meeting = Meeting.objects.create(commission=commission, date=day, start_time=datetime.time(9))
        Rdd.objects.create(
            meeting=meeting,
            version=1,
            status=Rdd.Status.TRANSMITTED,
            submitted_at=now,
            approved_at=now,
            transmitted_at=now,
        )


def _tables(paca: Commission, secretariat) -> None:
    """Ten times the commission's tables (attached to agenda items) and pending uploads."""
    items = list(paca.meetings.get(date=PACA_2025_DAY).agenda_items.all())
    tables = StatTable.objects.filter(commission=paca).count()
    for n in range(tables * (TIMES - 1)):
        StatTable.objects.create(
            commission=paca,
            kind="montants",
            title=f"Tableau de charge {n}",
            territory="R93",
            period_start=datetime.date(2000 + n, 1, 1),
            period_end=datetime.date(2000 + n, 12, 31),
            warnings=["Total recalculé."] if n % 2 else [],
            agenda_item=items[n % len(items)] if n % 3 else None,
            imported_by=secretariat,
        )
    for n in range(max(1, PendingUpload.objects.filter(commission=paca).count()) * TIMES):
        PendingUpload.objects.create(
            commission=paca,
            uploaded_by=secretariat,
            file_name=f"depot-{n}.csv",
            content=b"a;b\n1;2\n",
            file_hash=f"{n:064}",
            kind="montants",
            title=f"Dépôt {n}",
            period_start=datetime.date(2024, 1, 1),
            period_end=datetime.date(2024, 12, 31),
        )


def ten_times_the_demo() -> None:
    """Multiply by ten what the main pages list, on top of the demo data."""
    paca = Commission.objects.get(slug=PACA)
    secretariat = _user("secretariat")
    kern = Person.objects.get(user__username="kern")
    commissions = _more_commissions(secretariat, kern)
    _composition(paca)
    _agenda_and_rdd(paca, secretariat)
    _rdds(commissions, paca)
    _tables(paca, secretariat)
    # The Côte-d'Or stays as it is: its secretariat is another agent (a page must not list it).
    assert not Commission.objects.filter(slug=COTE_DOR, agents=secretariat).exists()


def _count(client, page: Page, django_assert_max_num_queries) -> tuple[int, int]:
    """The page's queries with an empty cache, then once the page's cached parts are there (portal.generations)."""
    client.force_login(_user(page.username))
    url = page.url()
    # A first request fills the per-process caches (content types, the session's login time) for both counts.
    assert client.get(url).status_code == 200
    cache.clear()
    counts = []
    for budget in (BUDGETS[page.name], CACHED_BUDGETS[page.name]):
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    return counts[0], counts[1]


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_the_page_runs_the_same_queries_on_ten_times_the_demo_data(db, client, page, django_assert_max_num_queries):
    load_all()
    on_demo = _count(client, page, django_assert_max_num_queries)
    ten_times_the_demo()
    on_ten_times = _count(client, page, django_assert_max_num_queries)
    budgets = (BUDGETS[page.name], CACHED_BUDGETS[page.name])
    assert (on_demo, on_ten_times) == (budgets, budgets)
