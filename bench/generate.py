"""The load benchmark's dataset on PostgreSQL: 100 commissions, 5,000 persons, 1,000 meetings, 20,000 decisions,
500 tables, and the accounts that bench/locustfile.py logs in with; BENCH_SCALE times more of each.

BENCH_SCALE (default 1): 20 is every commission of France on one deployment — 2,000 commissions, 100,000 persons,
five years of meetings (20 per commission: 40,000 meetings, 400,000 agenda items, 800,000 decisions), 400 agents
and 400 presidents whose scopes stay those of scale 1 (an agent serves five commissions, a president presides
the social section of five). Every RDD has its trail (keyed entries, as the portal writes them: creation,
submission, each approval bound to the content, approval, transmission), so that `verify_trails` has real
chains to check. The database is the one DATABASE_URL names, whose name must contain "bench".

Run by bench/run_bench.sh (`make bench`) against the database portal_bench, never `portal`. Bulk inserts, in
the order the PostgreSQL freeze triggers allow: RDD content is written while the RDDs are drafts, then the
RDDs move forward one workflow step at a time (submitted, approvals, approved, transmitted). Idempotent:
a database that already holds the dataset is left as it is. Written a hundred commissions at a time (the
memory stays that of scale 1). Writes bench/results/targets.json (what each
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
from decisions import trail  # noqa: E402
from decisions.models import (  # noqa: E402
    Approval,
    CarriedBy,
    Commitment,
    CommitmentUpdate,
    Decision,
    ItemRecord,
    Question,
    Rdd,
    TrailEntry,
)
from members.models import Organisation, Person  # noqa: E402
from portal import generations  # noqa: E402
from stats.models import StatTable  # noqa: E402

PASSWORD = "bench-portail-2026"
SCALE = int(os.environ.get("BENCH_SCALE", "1"))
CHUNK = 100  # commissions written at a time
COMMISSIONS = 100 * SCALE
SEATS_PER_SECTION = 12  # 100 × 2 × 12 seats, a titular and a substitute each: 4,800 mandates
PERSONS = 5000 * SCALE
# Scale 1: 1,000 meetings (9 past sessions with an RDD, 1 upcoming); national: five years of four sessions.
MEETINGS_PER_COMMISSION = 10 if SCALE == 1 else 20
ITEMS_PER_MEETING = 10
DECISIONS_PER_CHUNK = 20000 * (MEETINGS_PER_COMMISSION // 10)  # about two per item record
TABLES_PER_COMMISSION = 5  # 500 tables
COMMISSIONS_PER_ACCOUNT = 5
AGENTS = COMMISSIONS // COMMISSIONS_PER_ACCOUNT  # agent01…, five commissions each
PRESIDENTS = COMMISSIONS // COMMISSIONS_PER_ACCOUNT  # president01…: the social section of five commissions each
# What locust and bench/scale.py open; BENCH_TARGETS names another file (one per database of bench/scale.py).
TARGETS = Path(os.environ.get("BENCH_TARGETS", ROOT / "bench" / "results" / "targets.json"))
D = datetime.date


def _check_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"generate.py writes only to a PostgreSQL database named *bench* (not {connection.vendor} {name}).")


def _users() -> tuple[list, list]:
    User = get_user_model()
    password = make_password(PASSWORD)  # one hash for all: the hasher is slow on purpose
    agents = [User(username=f"agent{n:02}", email=f"agent{n:02}@bench.example.org") for n in range(1, AGENTS + 1)]
    presidents = [
        User(username=f"president{n:02}", email=f"president{n:02}@bench.example.org") for n in range(1, PRESIDENTS + 1)
    ]
    # The administrator of the admin's changelists (bench/scale.py).
    admin = User(username="benchadmin", email="admin@bench.example.org", is_staff=True, is_superuser=True)
    for user in [*agents, *presidents, admin]:
        user.password = password
    User.objects.bulk_create([*agents, *presidents, admin])
    return list(User.objects.filter(username__startswith="agent").order_by("username")), list(
        User.objects.filter(username__startswith="president").order_by("username")
    )


def _past_day(rank: int) -> datetime.date:
    if SCALE == 1:
        return D(2024, 1, 15) + datetime.timedelta(days=75 * rank)
    return D(2022, 1, 15) + datetime.timedelta(days=91 * rank)  # five years, a session a quarter


def _generate() -> None:
    agents, president_users = _users()

    organisations = Organisation.objects.bulk_create(
        Organisation(acronym=f"ORG {n:03}", name=f"Organisation {n:03}", kind="syndicat" if n % 2 else "organisme")
        for n in range(200)
    )
    persons = Person.objects.bulk_create(
        (
            Person(
                civility="Mme" if n % 2 else "M.",
                last_name=f"NOM{n:06}" if SCALE > 1 else f"NOM{n:04}",
                first_name="Camille",
                email=f"personne{n:06}@bench.example.org" if SCALE > 1 else f"personne{n:04}@bench.example.org",
                user=president_users[n] if n < PRESIDENTS else None,
            )
            for n in range(PERSONS)
        ),
        batch_size=5000,
    )
    presidents, others = persons[:PRESIDENTS], iter(persons[PRESIDENTS:])

    commissions = Commission.objects.bulk_create(
        Commission(
            name=f"Commission de charge {n:04}" if SCALE > 1 else f"Commission de charge {n:03}",
            slug=f"bench-{n:04}" if SCALE > 1 else f"bench-{n:03}",
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
        (
            Seat(section=section, organisation=organisations[(i * 7 + p) % 200], position=p)
            for i, section in enumerate(sections)
            for p in range(1, SEATS_PER_SECTION + 1)
        ),
        batch_size=5000,
    )
    mandates, presidencies = [], []
    for index, seat in enumerate(seats):
        section = sections[index // SEATS_PER_SECTION]
        n = index // (2 * SEATS_PER_SECTION)  # the commission's rank
        if seat.position == 1 and section.kind == SectionKind.SOCIAL:
            titular = presidents[n // COMMISSIONS_PER_ACCOUNT]  # president NN sits in and presides five commissions
        else:
            titular = next(others)
        start = D(2024, 1, 1) if SCALE == 1 else D(2022, 1, 1)
        mandates.append(Mandate(seat=seat, role=Mandate.Role.TITULAR, person=titular, start=start))
        mandates.append(Mandate(seat=seat, role=Mandate.Role.SUBSTITUTE, person=next(others), start=start))
        if seat.position == 1:
            presidencies.append(SectionPresidency(section=section, person=titular, start=start))
    Mandate.objects.bulk_create(mandates, batch_size=5000)
    SectionPresidency.objects.bulk_create(presidencies, batch_size=5000)
    section_presidents = {(p.section.commission_id, p.section.kind): p.person for p in presidencies}
    president_user = {person.pk: person.user_id for person in presidents}
    for first in range(0, COMMISSIONS, CHUNK):
        _meetings_and_records(commissions[first : first + CHUNK], section_presidents, president_user, agents[0])
        print(f"  {min(first + CHUNK, COMMISSIONS)} / {COMMISSIONS} commissions", flush=True)


def _meetings_and_records(commissions, section_presidents, president_user, fallback_user) -> None:
    """The meetings, agendas, RDDs (content, workflow, approvals and trails) and tables of some commissions."""
    now = timezone.now()
    today = timezone.localdate()
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
        (
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
        ),
        batch_size=5000,
    )

    # RDDs of the past sessions, written as drafts (the freeze triggers refuse content in any other state).
    past = [meeting for meeting in meetings if meeting.status == Meeting.Status.CLOSED]
    rdds = Rdd.objects.bulk_create(Rdd(meeting=meeting, version=1, preamble="Relevé de la séance.") for meeting in past)
    items_by_meeting: dict[int, list[AgendaItem]] = {}
    for item in items:
        items_by_meeting.setdefault(item.meeting_id, []).append(item)
    records = ItemRecord.objects.bulk_create(
        (
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
        ),
        batch_size=5000,
    )
    Decision.objects.bulk_create(
        (
            Decision(
                item_record=records[n % len(records)], position=n // len(records) + 1, text=f"Décision actée n° {n}."
            )
            for n in range(DECISIONS_PER_CHUNK * len(commissions) // CHUNK)
        ),
        batch_size=5000,
    )
    commitments = Commitment.objects.bulk_create(
        Commitment(rdd=rdd, position=p, text=f"Engagement {p} de la séance.", carried_by=CarriedBy.SECRETARIAT)
        for rdd in rdds
        for p in range(1, 4)
    )
    # Commitments followed up as a secretariat does: each session's RDD records the previous session's as under
    # way and closes those of the session before. An RDD's "suivi des engagements" then shows the two previous
    # sessions' commitments at either scale; never closed, they piled up with the years (24 open at scale 1, 54 at
    # scale 20, whose commissions have five years of sessions): the RDD page grew with a commission's age.
    taken: dict[int, list[Commitment]] = {}
    for commitment in commitments:
        taken.setdefault(commitment.rdd_id, []).append(commitment)
    sessions: dict[int, list[Rdd]] = {}
    for rdd in sorted(rdds, key=lambda rdd: (rdd.meeting.date, rdd.meeting.pk)):
        sessions.setdefault(rdd.meeting.commission_id, []).append(rdd)
    CommitmentUpdate.objects.bulk_create(
        (
            CommitmentUpdate(
                commitment=commitment,
                rdd=rdd,
                date=rdd.meeting.date,
                status="Réalisé" if back == 2 else "En cours",
                closes=back == 2,
            )
            for group in sessions.values()
            for rank, rdd in enumerate(group)
            for back in (1, 2)
            if rank >= back
            for commitment in taken[group[rank - back].pk]
        ),
        batch_size=5000,
    )
    Question.objects.bulk_create(
        Question(rdd=rdd, position=p, text=f"Question {p} de la profession.", answer="Réponse de la section sociale.")
        for rdd in rdds
        for p in range(1, 3)
    )

    # Workflow, step by step: all past sessions but the last three transmitted, the third last approved, the two
    # last submitted (awaiting the presidents).
    rank = {meeting.pk: (meeting.date, meeting.pk) for meeting in past}
    by_commission: dict[int, list[Rdd]] = {}
    for rdd, meeting in zip(rdds, past, strict=True):
        by_commission.setdefault(meeting.commission_id, []).append(rdd)
    submitted, approved, transmitted = [], [], []
    for group in by_commission.values():
        group.sort(key=lambda rdd: rank[rdd.meeting_id])
        transmitted += group[:-3]
        approved += group[-3:-2]
        submitted += group[-2:]
    advancing = [rdd.pk for rdd in transmitted + approved]
    Rdd.objects.filter(pk__in=advancing + [rdd.pk for rdd in submitted]).update(status="soumis", submitted_at=now)
    # Each approval bound to the content it approves, as the approval page posts it (trail.approval_hash).
    advanced = list(Rdd.objects.filter(pk__in=advancing))
    parts = trail.parts_of(advanced)
    approved_hash = {rdd.pk: trail._digest(trail._approved_v2(rdd, parts[rdd.pk])) for rdd in advanced}
    commission_of = {rdd.pk: rdd.meeting.commission_id for rdd in rdds}
    approvals = []
    for rdd in transmitted + approved:
        for kind in SectionKind:
            person = section_presidents[(commission_of[rdd.pk], kind)]
            approvals.append(
                Approval(
                    rdd=rdd,
                    section=kind,
                    person=person,
                    user_id=president_user.get(person.pk) or fallback_user.pk,
                    approved_on=today,
                    content_hash=approved_hash[rdd.pk],
                    format_version=trail.CONTENT_FORMAT,
                )
            )
    Approval.objects.bulk_create(approvals)
    Rdd.objects.filter(pk__in=advancing).update(status="approuve", approved_at=now)
    Rdd.objects.filter(pk__in=[rdd.pk for rdd in transmitted]).update(status="transmis", transmitted_at=now)
    _trails(rdds, now)

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


# The entries of each status, as the workflow writes them (decisions.services).
_STEPS = {
    Rdd.Status.SUBMITTED: ["creation", "soumission"],
    Rdd.Status.APPROVED: ["creation", "soumission", "approbation", "approbation", "approbation_complete"],
    Rdd.Status.TRANSMITTED: [
        "creation",
        "soumission",
        "approbation",
        "approbation",
        "approbation_complete",
        "transmission",
    ],
}


def _trails(rdds, at) -> None:
    """Each RDD's trail, chained and keyed as trail.trail_write chains it, each entry hashing the content with the
    approvals given by then (what trail_verify checks)."""
    key_id = trail.writing_key_id()
    entries = []
    written = list(Rdd.objects.filter(pk__in=[rdd.pk for rdd in rdds]))
    parts_by_rdd = trail.parts_of(written)
    for rdd in written:
        parts = parts_by_rdd[rdd.pk]
        approved = trail._approved_v2(rdd, parts)
        given: set[str] = set()
        previous = trail.GENESIS_HASH
        sections = iter([SectionKind.SOCIAL, SectionKind.PROFESSIONAL])
        for sequence, action in enumerate(_STEPS[rdd.status], start=1):
            note = ""
            if action == "approbation":
                section = next(sections)
                given.add(section.value)
                note = section.label
            then = [approval for approval in parts.approvals if approval.section in given]
            entry = TrailEntry(
                rdd=rdd,
                sequence=sequence,
                action=action,
                user_label="Système",
                at=at,
                note=note,
                content_hash=trail._digest(trail._with_approvals(approved, then)),
                format_version=trail.CONTENT_FORMAT,
                previous_hash=previous,
                key_id=key_id,
            )
            entry.entry_hash = trail.entry_hash(entry, previous)
            previous = entry.entry_hash
            entries.append(entry)
    TrailEntry.objects.bulk_create(entries, batch_size=5000)


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
        print("bench data already there: kept as it is (drop the database to generate it again)")
    else:
        with transaction.atomic():
            _generate()
        # VACUUM as well as ANALYZE: the autovacuum of a deployment has long vacuumed tables loaded months ago (the
        # visibility map that index-only scans read); this machine's PostgreSQL runs without it.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
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
