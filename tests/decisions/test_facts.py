"""The record states its own facts: the session as the RDD states it, kept from its submission on, so that the
directory (persons, organisations, mandates) stays editable without changing a submitted or approved record."""

import datetime

import pytest
from django.db import IntegrityError, InternalError, transaction

from commissions.composition.models import Mandate, SectionKind
from commissions.meetings.models import Attendance, Meeting
from decisions import services, trail
from decisions.facts import rdd_facts
from decisions.models import Rdd, TrailEntry
from decisions.trail import CONTENT_FORMAT, content_hash, rdd_content, trail_verify
from members.models import Organisation, Person
from supports.context import support_context
from tests.decisions.helpers import tamper
from tests.factories import seat_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def stated(commission, session, presidents, alice):
    """The session presided by the social president, with an attendance list: who sits, where, how."""
    social, professional = presidents
    substitute = seat_member(commission, SectionKind.PROFESSIONAL, role=Mandate.Role.SUBSTITUTE)
    Meeting.objects.filter(pk=session.pk).update(presided_by=social, place="CPAM de Marseille")
    Attendance.objects.create(meeting=session, person=social, status=Attendance.Status.PRESENT)
    Attendance.objects.create(meeting=session, person=professional, status=Attendance.Status.EXCUSED)
    Attendance.objects.create(meeting=session, person=substitute.person, status=Attendance.Status.PRESENT)
    session.refresh_from_db()
    return substitute.person


def _rename_everyone(commission, presidents):
    social, _ = presidents
    Person.objects.filter(pk=social.pk).update(last_name="AUTRE", civility=Person.Civility.M)
    for organisation in Organisation.objects.filter(seats__section__commission=commission).distinct():
        Organisation.objects.filter(pk=organisation.pk).update(acronym=f"RENOMMÉE-{organisation.pk}")
    Mandate.objects.filter(person=social).update(role=Mandate.Role.SUBSTITUTE)
    commission.__class__.objects.filter(pk=commission.pk).update(name="Commission renommée")


def test_the_submission_keeps_what_the_rdd_states_about_its_session(rdd, stated, alice, presidents):
    social, professional = presidents

    services.rdd_submit(rdd=rdd, user=alice)

    facts = Rdd.objects.get(pk=rdd.pk).facts
    assert facts["commission"] == "CPR PACA–Corse LPP"
    assert (facts["date"], facts["start_time"], facts["place"]) == ("2025-02-26", "14:00", "CPAM de Marseille")
    organisation = social.mandates.get().seat.organisation.acronym
    assert facts["presided_by"] == {"civility": "Mme", "name": social.display_name, "organisation": organisation}
    rows = {row["name"]: row for row in facts["attendance"]}
    assert rows[social.display_name]["role"] == "titulaire"
    assert rows[social.display_name]["status"] == "Présent(e)"
    assert rows[professional.display_name]["status"] == "Excusé(e)"
    assert rows[stated.display_name]["role"] == "suppléant"
    assert [(p["section"], p["name"]) for p in facts["presidents"]] == [
        ("sociale", social.display_name),
        ("professionnelle", professional.display_name),
    ]


def test_renaming_a_person_or_an_organisation_changes_no_approved_record(
    client, stated, approved, alice, commission, presidents
):
    social = presidents[0]
    name, before = social.display_name, content_hash(approved)

    _rename_everyone(commission, presidents)

    rdd = Rdd.objects.get(pk=approved.pk)
    assert content_hash(rdd) == before
    assert trail_verify(rdd)
    assert rdd_facts(rdd)["presided_by"]["name"] == name
    client.force_login(alice)
    page = client.get(rdd.get_absolute_url()).content.decode()
    assert f"Séance présidée par {name}" in page
    assert "AUTRE" not in page and "RENOMMÉE" not in page
    assert f"par la Présidente, {name}" in page
    assert "CPR PACA–Corse LPP" in str(rdd)


def test_the_rdd_document_prints_the_session_as_the_rdd_states_it(stated, approved, commission, presidents):
    name = presidents[0].display_name
    _rename_everyone(commission, presidents)

    context = support_context(approved.meeting, kind="rdd", version="final")

    assert context["meta"]["commission"] == "CPR PACA–Corse LPP"
    assert context["meta"]["presided_by"] == name
    assert context["meta"]["place"] == "CPAM de Marseille"
    assert name in {row["name"] for row in context["rdd"]["facts"]["attendance"]}
    assert any(name in line for line in context["rdd"]["approvals"])


def test_a_draft_states_the_directory_as_it_is_now(rdd, stated, commission, presidents):
    _rename_everyone(commission, presidents)

    assert rdd_facts(rdd)["commission"] == "Commission renommée"
    assert rdd_content(rdd)["facts"]["presided_by"]["name"].startswith("M. AUTRE")


def test_a_send_back_drops_the_snapshot_and_the_next_submission_takes_it_again(
    stated, submitted, alice, commission, presidents
):
    services.rdd_send_back(rdd=submitted, user=presidents[0].user, remark="La présence est fausse.")
    assert Rdd.objects.get(pk=submitted.pk).facts == {}
    _rename_everyone(commission, presidents)

    services.rdd_submit(rdd=submitted, user=alice)

    assert Rdd.objects.get(pk=submitted.pk).facts["commission"] == "Commission renommée"
    assert trail_verify(submitted)


# The content's format


def test_each_entry_records_the_format_of_the_content_it_hashes(approved):
    entries = TrailEntry.objects.filter(rdd=approved)
    assert {entry.format_version for entry in entries} == {CONTENT_FORMAT} == {2}
    assert entries.order_by("-sequence").first().content_hash == content_hash(approved)
    assert "facts" in rdd_content(approved) and "facts" not in rdd_content(approved, version=1)


def test_entries_written_in_format_1_still_verify_with_their_own_function(session, alice, presidents, monkeypatch):
    # An RDD whose whole life was written before format 2: its entries hashed without the facts.
    monkeypatch.setattr(trail, "CONTENT_FORMAT", 1)
    rdd = services.rdd_create(meeting=session, user=alice)
    services.rdd_submit(rdd=rdd, user=alice)
    for president in presidents:
        services.rdd_approve(rdd=rdd, user=president.user)
    monkeypatch.undo()

    assert set(TrailEntry.objects.filter(rdd=rdd).values_list("format_version", flat=True)) == {1}
    assert trail_verify(rdd)
    # A new entry (the transmission) is written in format 2, and the trail still verifies.
    services.rdd_transmit(rdd=rdd, user=alice)
    assert TrailEntry.objects.filter(rdd=rdd).order_by("-sequence").first().format_version == 2
    assert trail_verify(rdd)


def test_an_entrys_format_changed_behind_the_workflow_breaks_the_chain(approved):
    last = TrailEntry.objects.filter(rdd=approved).order_by("-sequence").first()
    tamper(TrailEntry.objects.filter(pk=last.pk), format_version=1)

    check = trail_verify(approved)

    assert not check
    assert check.reason == "l'entrée a été modifiée après son enregistrement"


def test_facts_changed_behind_the_workflow_are_detected(approved):
    facts = {**approved.facts, "place": "Ailleurs"}
    tamper(Rdd.objects.filter(pk=approved.pk), facts=facts)

    check = trail_verify(approved)

    assert not check
    assert check.reason == "le contenu du relevé a changé depuis cette entrée"


@pytest.mark.postgres
def test_postgresql_refuses_changing_the_facts_of_a_submitted_rdd(submitted):
    with pytest.raises((IntegrityError, InternalError), match="rdd_frozen"), transaction.atomic():
        Rdd.objects.filter(pk=submitted.pk).update(facts={"date": "2020-01-02"})

    assert Rdd.objects.get(pk=submitted.pk).facts["date"] == "2025-02-26"
    assert datetime.date(2025, 2, 26) == Rdd.objects.get(pk=submitted.pk).stated_date
