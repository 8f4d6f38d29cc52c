"""verify_trails at scale: RDDs read in batches, a fixed number of queries per batch whatever each RDD holds, and
every check of `trail_verify` kept (a trail broken in any batch is named, an incremental run reads only what the
portal changed)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Speaker
from decisions import content, services
from decisions.models import CarriedBy, Rdd, TrailEntry
from decisions.trail import trail_verify, trails_check
from tests.decisions.helpers import tamper
from tests.factories import make_session


def _rdds(commission, alice, presidents, count: int, first_day=datetime.date(2024, 1, 10)) -> list[Rdd]:
    """`count` RDDs of as many sessions, a week apart: each with two items, decisions, a commitment and a question,
    approved by both presidents except every third one (a draft) and every third plus one (submitted)."""
    social, professional = presidents
    rdds = []
    for n in range(count):
        meeting = make_session(commission, first_day + datetime.timedelta(days=7 * n))
        for title in ("Aides à la télétransmission", "Questions de la profession"):
            agenda_item_add(meeting=meeting, title=f"{title} {n}", speaker=Speaker.SOCIAL)
        rdd = services.rdd_create(meeting=meeting, user=alice)
        for record in rdd.item_records.all():
            content.item_record_save(record=record, summary=f"Résumé {n}", decisions=[f"Décision {n}", "Autre"])
        content.commitment_save(rdd=rdd, text=f"Engagement {n}", carried_by=CarriedBy.SECRETARIAT)
        content.question_save(rdd=rdd, text=f"Question {n}", answer="Réponse")
        if n % 3:
            services.rdd_submit(rdd=rdd, user=alice)
        if n % 3 == 2:
            services.rdd_approve(rdd=rdd, user=social.user)
            services.rdd_approve(rdd=rdd, user=professional.user)
        rdds.append(rdd)
    return rdds


def _queries_of_a_full_check(batch_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        checks = list(trails_check(batch_size=batch_size))
    assert all(check for _, check in checks)
    return len(checks), len(queries)


@pytest.mark.django_db
def test_the_queries_grow_with_the_batches_not_with_the_rdds(commission, alice, presidents):
    # The run's end: one read of the RDDs that finds none (and the transaction's savepoints inside a test).
    nothing, end = _queries_of_a_full_check(batch_size=10)
    assert nothing == 0
    _rdds(commission, alice, presidents, 3)
    checked, one_batch = _queries_of_a_full_check(batch_size=10)
    assert checked == 3
    per_batch = one_batch - end
    assert per_batch <= 11  # the RDDs, 6 kinds of content rows, the trails (and the savepoints of a test)

    _rdds(commission, alice, presidents, 6, first_day=datetime.date(2024, 6, 5))
    # Nine RDDs of every state, three times as many rows: the same queries in one batch, then per batch of three.
    assert _queries_of_a_full_check(batch_size=10) == (9, one_batch)
    assert _queries_of_a_full_check(batch_size=3) == (9, 3 * per_batch + end)


@pytest.mark.django_db
def test_each_rdd_is_checked_as_trail_verify_checks_it(commission, alice, presidents):
    rdds = _rdds(commission, alice, presidents, 5)
    by_batch = dict(trails_check(batch_size=2))
    assert [rdd.pk for rdd in by_batch] == [rdd.pk for rdd in rdds]
    for rdd, check in by_batch.items():
        assert check == trail_verify(rdd)
        assert check.entries == TrailEntry.objects.filter(rdd=rdd).count()


@pytest.mark.django_db
def test_a_broken_trail_in_a_later_batch_is_named(commission, alice, presidents):
    rdds = _rdds(commission, alice, presidents, 6)
    approved, submitted = rdds[5], rdds[4]
    assert approved.approvals.count() == 2
    # A decision of an approved RDD changed past the triggers, an entry of a submitted one rewritten.
    tamper(approved.item_records.first().decisions.all(), text="Décision changée")
    tamper(TrailEntry.objects.filter(rdd=submitted, sequence=2), note="x")
    stderr = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_trails", "--batch-size", "2", stdout=io.StringIO(), stderr=stderr)
    assert "2 relevé(s) au journal rompu" in str(error.value)
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 2
    assert f"(relevé {submitted.pk}) : chaîne rompue à l'entrée n° 2 : l'entrée a été modifiée" in lines[0]
    assert f"(relevé {approved.pk}) : chaîne rompue à l'entrée n° 5 : le contenu du relevé a changé" in lines[1]


@pytest.mark.django_db
def test_an_incremental_run_checks_the_rdds_written_since(commission, alice, presidents):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        (old,) = _rdds(commission, alice, presidents, 1)
    (recent,) = _rdds(commission, alice, presidents, 1, first_day=datetime.date(2024, 6, 5))
    assert old.pk < recent.pk
    since = timezone.now() - datetime.timedelta(days=1)
    assert [rdd.pk for rdd, _ in trails_check(since=since)] == [recent.pk]

    out = io.StringIO()
    call_command("verify_trails", "--since-days", "1", stdout=out)
    assert "1 relevé(s) vérifié(s) (depuis 1 jour(s))" in out.getvalue()
    out = io.StringIO()
    call_command("verify_trails", stdout=out)
    assert "2 relevé(s) vérifié(s) (vérification complète)" in out.getvalue()
    with pytest.raises(CommandError, match="au moins 1"):
        call_command("verify_trails", "--since-days", "0", stdout=io.StringIO())
