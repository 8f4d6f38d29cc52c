"""What PostgreSQL guarantees beyond the application: row locks under concurrency, triggers on frozen content."""

import threading

import pytest
from django.db import IntegrityError, InternalError, connection, connections, transaction

from decisions import services
from decisions.content import rdd_locked
from decisions.models import Approval, Decision, ItemRecord, Question, Rdd, TrailEntry, WorkflowError
from decisions.trail import trail_verify

pytestmark = pytest.mark.postgres

DatabaseRefusal = (IntegrityError, InternalError)


def run_at_once(count, target):
    """Run target(index) in `count` threads, each with its own connection, released together."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 — the outcome of each thread is what the test checks
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_simultaneous_approvals_by_the_same_president_give_exactly_one(submitted, presidents):
    social = presidents[0]

    results = run_at_once(2, lambda index: services.rdd_approve(rdd=Rdd.objects.get(pk=submitted.pk), user=social.user))

    assert Approval.objects.filter(rdd=submitted).count() == 1
    successes = [result for result in results if isinstance(result, list)]
    refusals = [result for result in results if isinstance(result, WorkflowError)]
    assert len(successes) == 1
    assert len(refusals) == 1
    assert "déjà été approuvé par la section sociale" in refusals[0].messages[0]
    assert TrailEntry.objects.filter(rdd=submitted, action="approbation").count() == 1
    assert trail_verify(submitted)


def test_both_presidents_approving_at_once_make_the_rdd_approved_once(submitted, presidents):
    results = run_at_once(
        2, lambda index: services.rdd_approve(rdd=Rdd.objects.get(pk=submitted.pk), user=presidents[index].user)
    )

    assert all(isinstance(result, list) for result in results), results
    submitted.refresh_from_db()
    assert submitted.status == Rdd.Status.APPROVED
    assert TrailEntry.objects.filter(rdd=submitted, action="approbation_complete").count() == 1
    assert trail_verify(submitted)


def test_the_trigger_refuses_a_queryset_update_of_an_approved_rdds_content(approved):
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        Decision.objects.filter(item_record__rdd=approved).update(text="Décision réécrite")
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        ItemRecord.objects.filter(rdd=approved).update(summary="Synthèse réécrite")
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        Question.objects.bulk_create([Question(rdd=approved, text="Ajoutée en douce")])
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        Approval.objects.filter(rdd=approved).delete()
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        Rdd.objects.filter(pk=approved.pk).update(preamble="Préambule réécrit")

    assert list(Decision.objects.filter(item_record__rdd=approved).values_list("text", flat=True)) == [
        "La nouvelle composition de la CPF est approuvée."
    ]
    assert Approval.objects.filter(rdd=approved).count() == 2


def test_the_trigger_refuses_raw_sql_too(approved):
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM decisions_decision")
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_rdd SET status = 'brouillon' WHERE id = %s", [approved.pk])
    assert Decision.objects.filter(item_record__rdd=approved).count() == 1


def test_the_trigger_lets_the_status_and_its_dates_advance(approved, alice):
    services.rdd_transmit(rdd=approved, user=alice)

    approved.refresh_from_db()
    assert approved.status == Rdd.Status.TRANSMITTED
    assert approved.transmitted_at is not None


def test_the_application_turns_the_database_refusal_into_french(approved, monkeypatch):
    # Bypass the application's own check to reach the database's.
    monkeypatch.setattr("decisions.models.RddContent._check_draft", lambda self: None)
    record = ItemRecord.objects.filter(rdd=approved).first()

    with pytest.raises(WorkflowError, match="n'est plus un brouillon"), rdd_locked(approved):
        record.summary = "Réécrit"
        record.save()

    record.refresh_from_db()
    assert record.summary == "La section sociale présente les aides à la télétransmission."


def test_the_trail_is_append_only_in_the_database(approved):
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        TrailEntry.objects.filter(rdd=approved).update(note="effacé")
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        TrailEntry.objects.filter(rdd=approved).delete()
    assert trail_verify(approved)


def test_a_draft_stays_freely_editable_and_losing_an_agenda_item_keeps_the_record(rdd, presidents, alice):
    ItemRecord.objects.filter(rdd=rdd).update(summary="Réécrit au brouillon")
    services.rdd_submit(rdd=rdd, user=alice)

    # What on_delete=SET_NULL does when the agenda item is deleted later: allowed, nothing recorded changes.
    ItemRecord.objects.filter(rdd=rdd).update(agenda_item=None)

    record = ItemRecord.objects.filter(rdd=rdd).order_by("position").first()
    assert (record.agenda_item, record.title, record.summary) == (
        None,
        "Aides à la télétransmission",
        "Réécrit au brouillon",
    )
    with pytest.raises(DatabaseRefusal, match="rdd_frozen"), transaction.atomic():
        ItemRecord.objects.filter(rdd=rdd).update(agenda_item=None, title="Autre titre")
