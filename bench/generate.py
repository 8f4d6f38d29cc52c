"""The load benchmark's dataset on PostgreSQL: 100 commissions, 5,000 persons, 1,000 meetings, 20,000 decisions,
500 tables, and the accounts that bench/locustfile.py logs in with.

Run by bench/run_bench.sh (`make bench`) against the database portal_bench, never `portal`. Bulk inserts, in
the order the PostgreSQL freeze triggers allow: RDD content is written while the RDDs are drafts, then the
RDDs move forward one workflow step at a time (submitted, approvals, approved, transmitted). Idempotent:
a database that already holds the dataset is left as it is. Writes bench/results/targets.json (what each
account may open, and the persons' primary keys for the reference page) for the locust scenario.

    DJANGO_SETTINGS_MODULE=portal.settings DATABASE_URL=postgres://…/portal_bench python bench/generate.py
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from commissions.composition.models import (  # noqa: E402
    Commission,
    Mandate,
    Seat,
    Section,
    SectionKind,
    SectionPresidency,
)
from commissions.meetings.models import AgendaItem, Meeting  # noqa: E402
from decisions.models import Approval, CarriedBy, Commitment, Decision, ItemRecord, Question, Rdd  # noqa: E402
from members.models import Organisation, Person  # noqa: E402
from portal import generations  # noqa: E402
from stats.models import StatTable  # noqa: E402

PASSWORD = "bench-portail-2026"
COMMISSIONS = 100
SEATS_PER_SECTION = 12  # 100 × 2 × 12 seats, a titular and a substitute each: 4,800 mandates
PERSONS = 5000
MEETINGS_PER_COMMISSION = 10  # 1,000 meetings: 9 past sessions with an RDD, 1 upcoming
ITEMS_PER_MEETING = 10
DECISIONS = 20000
TABLES_PER_COMMISSION = 5  # 500 tables
AGENTS = 20  # agent01…agent20, five commissions each
PRESIDENTS = 20  # president01…president20: the social section of five commissions each
COMMISSIONS_PER_ACCOUNT = COMMISSIONS // AGENTS
TARGETS = ROOT / "bench" / "results" / "targets.json"
D = datetime.date


def _check_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" or name != "portal_bench":
        sys.exit(f"generate.py writes only to the PostgreSQL database portal_bench (not {connection.vendor} {name}).")


def _users() -> tuple[list, list]:
    User = get_user_model()
    password = make_password(PASSWORD)  # one hash for all: the hasher is slow on purpose
    agents = [User(username=f"agent{n:02}", email=f"agent{n:02}@bench.example.org") for n in range(1, AGENTS + 1)]
    presidents = [
        User(username=f"president{n:02}", email=f"president{n:02}@bench.example.org") for n in range(1, PRESIDENTS + 1)
    ]
    for user in agents + presidents:
        user.password = password
    User.objects.bulk_create(agents + presidents)
    return list(User.objects.filter(username__startswith="agent").order_by("username")), list(
        User.objects.filter(username__startswith="president").order_by("username")
    )


def _past_day(rank: int) -> datetime.date:
    return D(2024, 1, 15) + datetime.timedelta(days=75 * rank)


def _generate() -> None:
    now = timezone.now()
    today = timezone.localdate()
    agents, president_users = _users()

    organisations = Organisation.objects.bulk_create(
        Organisation(acronym=f"ORG {n:03}", name=f"Organisation {n:03}", kind="syndicat" if n % 2 else "organisme")
        for n in range(200)
    )
    persons = Person.objects.bulk_create(
        Person(
            civility="Mme" if n % 2 else "M.",
            last_name=f"NOM{n:04}",
            first_name="Camille",
            email=f"personne{n:04}@bench.example.org",
            user=president_users[n] if n < PRESIDENTS else None,
        )
        for n in range(PERSONS)
    )
    presidents, others = persons[:PRESIDENTS], iter(persons[PRESIDENTS:])

    commissions = Commission.objects.bulk_create(
        Commission(
            name=f"Commission de charge {n:03}",
            slug=f"bench-{n:03}",
            level=Commission.Level.CPR,
            profession="Fournisseurs LPP",
            territory=f"Territoire {n:03}",
            presidency_article="article 48 paragraphe 1",
            presidency_reference_year=2024,
            presidency_reference_section=SectionKind.PROFESSIONAL,
            secretariat_organisation=organisations[n % 200],
        )
        for n in range(COMMISSIONS)
    )
    Agents = Commission.agents.through
    Agents.objects.bulk_create(
        Agents(commission_id=commission.pk, user_id=agents[n // COMMISSIONS_PER_ACCOUNT].pk)
        for n, commission in enumerate(commissions)
    )
    sections = Section.objects.bulk_create(
        Section(commission=commission, kind=kind) for commission in commissions for kind in SectionKind
    )
    seats = Seat.objects.bulk_create(
        Seat(section=section, organisation=organisations[(i * 7 + p) % 200], position=p)
        for i, section in enumerate(sections)
        for p in range(1, SEATS_PER_SECTION + 1)
    )
    mandates, presidencies = [], []
    for index, seat in enumerate(seats):
        section = sections[index // SEATS_PER_SECTION]
        n = index // (2 * SEATS_PER_SECTION)  # the commission's rank
        if seat.position == 1 and section.kind == SectionKind.SOCIAL:
            titular = presidents[n // COMMISSIONS_PER_ACCOUNT]  # president NN sits in and presides five commissions
        else:
            titular = next(others)
        mandates.append(Mandate(seat=seat, role=Mandate.Role.TITULAR, person=titular, start=D(2024, 1, 1)))
        mandates.append(Mandate(seat=seat, role=Mandate.Role.SUBSTITUTE, person=next(others), start=D(2024, 1, 1)))
        if seat.position == 1:
            presidencies.append(SectionPresidency(section=section, person=titular, start=D(2024, 1, 1)))
    Mandate.objects.bulk_create(mandates)
    SectionPresidency.objects.bulk_create(presidencies)

    meetings = Meeting.objects.bulk_create(
        Meeting(
            commission=commission,
            date=today + datetime.timedelta(days=30) if m == MEETINGS_PER_COMMISSION - 1 else _past_day(m),
            start_time=datetime.time(10, 0),
            place="Salle du conseil",
            status=Meeting.Status.PLANNED if m == MEETINGS_PER_COMMISSION - 1 else Meeting.Status.CLOSED,
        )
        for commission in commissions
        for m in range(MEETINGS_PER_COMMISSION)
    )
    speakers = ["sociale", "professionnelle", "secretariat", ""]
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            level=1,
            position=p,
            title=f"Point {p} de l'ordre du jour",
            speaker=speakers[p % 4],
            content="<p>Présentation du point, chiffres et échanges.</p>" * 3,
        )
        for meeting in meetings
        for p in range(1, ITEMS_PER_MEETING + 1)
    )

    # RDDs of the past sessions, written as drafts (the freeze triggers refuse content in any other state).
    past = [meeting for meeting in meetings if meeting.status == Meeting.Status.CLOSED]
    rdds = Rdd.objects.bulk_create(Rdd(meeting=meeting, version=1, preamble="Relevé de la séance.") for meeting in past)
    items_by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        items_by_meeting.setdefault(item.meeting_id, []).append(item)
    records = ItemRecord.objects.bulk_create(
        ItemRecord(
            rdd=rdd,
            agenda_item=item,
            position=item.position,
            number=f"{item.position:02}",
            title=item.title,
            speaker=item.speaker,
            summary="Les deux sections échangent sur le point présenté.",
        )
        for rdd in rdds
        for item in items_by_meeting[rdd.meeting_id]
    )
    Decision.objects.bulk_create(
        Decision(item_record=records[n % len(records)], position=n // len(records) + 1, text=f"Décision actée n° {n}.")
        for n in range(DECISIONS)
    )
    Commitment.objects.bulk_create(
        Commitment(rdd=rdd, position=p, text=f"Engagement {p} de la séance.", carried_by=CarriedBy.SECRETARIAT)
        for rdd in rdds
        for p in range(1, 4)
    )
    Question.objects.bulk_create(
        Question(rdd=rdd, position=p, text=f"Question {p} de la profession.", answer="Réponse de la section sociale.")
        for rdd in rdds
        for p in range(1, 3)
    )

    # Workflow, step by step: sessions 0-5 transmitted, 6 approved, 7-8 submitted (awaiting the presidents).
    rank = {meeting.pk: (meeting.date, meeting.pk) for meeting in past}
    by_commission: dict[int, list[Rdd]] = {}
    for rdd, meeting in zip(rdds, past, strict=True):
        by_commission.setdefault(meeting.commission_id, []).append(rdd)
    submitted, approved, transmitted = [], [], []
    for group in by_commission.values():
        group.sort(key=lambda rdd: rank[rdd.meeting_id])
        transmitted += group[:6]
        approved += group[6:7]
        submitted += group[7:9]
    advancing = [rdd.pk for rdd in transmitted + approved]
    Rdd.objects.filter(pk__in=advancing + [rdd.pk for rdd in submitted]).update(status="soumis", submitted_at=now)
    section_presidents = {(p.section.commission_id, p.section.kind): p.person for p in presidencies}
    president_user = {person.pk: person.user_id for person in presidents}
    approvals = []
    for rdd in transmitted + approved:
        commission_id = rdd.meeting.commission_id
        for kind in SectionKind:
            person = section_presidents[(commission_id, kind)]
            approvals.append(
                Approval(
                    rdd=rdd,
                    section=kind,
                    person=person,
                    user_id=president_user.get(person.pk) or agents[0].pk,
                    approved_on=today,
                )
            )
    Approval.objects.bulk_create(approvals)
    Rdd.objects.filter(pk__in=advancing).update(status="approuve", approved_at=now)
    Rdd.objects.filter(pk__in=[rdd.pk for rdd in transmitted]).update(status="transmis", transmitted_at=now)

    StatTable.objects.bulk_create(
        StatTable(
            commission=commission,
            kind="montants",
            title=f"Montants remboursés {2019 + t}",
            territory="R93",
            period_start=D(2019 + t, 1, 1),
            period_end=D(2019 + t, 12, 31),
            source="SNDS",
            agenda_item=items[(n * MEETINGS_PER_COMMISSION + t) * ITEMS_PER_MEETING] if t % 2 else None,
        )
        for n, commission in enumerate(commissions)
        for t in range(TABLES_PER_COMMISSION)
    )


def _targets() -> dict:
    """What each account opens: its commissions, their meetings and RDDs (pages the scenario requests), and the
    persons whose primary keys the reference page gets."""
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    targets = {"password": PASSWORD, "agents": {}, "presidents": {}, "persons": persons}
    rdds = Rdd.objects.select_related("meeting").order_by("meeting__date", "pk")
    meetings_by_commission: dict[int, list[int]] = {}
    for meeting_id, commission_id in Meeting.objects.values_list("pk", "commission_id").order_by("date"):
        meetings_by_commission.setdefault(commission_id, []).append(meeting_id)
    rdds_by_commission: dict[int, list[int]] = {}
    for rdd in rdds:
        rdds_by_commission.setdefault(rdd.meeting.commission_id, []).append(rdd.pk)
    for commission in Commission.objects.filter(slug__startswith="bench-").prefetch_related("agents").order_by("slug"):
        for agent in commission.agents.all():
            entry = targets["agents"].setdefault(agent.username, {"commissions": []})
            entry["commissions"].append(
                {
                    "slug": commission.slug,
                    "meetings": meetings_by_commission.get(commission.pk, []),
                    "rdds": rdds_by_commission.get(commission.pk, []),
                }
            )
    for presidency in SectionPresidency.objects.filter(person__user__isnull=False).select_related(
        "person__user", "section__commission"
    ):
        entry = targets["presidents"].setdefault(presidency.person.user.username, {"commissions": []})
        commission = presidency.section.commission
        entry["commissions"].append({"slug": commission.slug, "rdds": rdds_by_commission.get(commission.pk, [])})
    return targets


def main() -> None:
    _check_database()
    started = time.monotonic()
    if Commission.objects.filter(slug__startswith="bench-").exists():
        print("bench data already there: kept as it is (drop the database portal_bench to generate it again)")
    else:
        with transaction.atomic():
            _generate()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # Written in bulk, without the signals: what an earlier run left in the cache is of another database.
        generations.bump_all()
    counts = {
        "commissions": Commission.objects.count(),
        "persons": Person.objects.count(),
        "meetings": Meeting.objects.count(),
        "agenda items": AgendaItem.objects.count(),
        "RDDs": Rdd.objects.count(),
        "decisions": Decision.objects.count(),
        "tables": StatTable.objects.count(),
    }
    TARGETS.parent.mkdir(parents=True, exist_ok=True)
    TARGETS.write_text(json.dumps(_targets(), indent=1))
    print(", ".join(f"{count} {name}" for name, count in counts.items()), f"({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
