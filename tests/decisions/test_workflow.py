"""The approval workflow: draft → submitted → approved (both orders) → transmitted → validated."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from commissions.composition.models import SectionKind
from commissions.meetings.models import Meeting
from decisions import content, services
from decisions.models import (
    Approval,
    Decision,
    ItemRecord,
    Question,
    Rdd,
    RddFrozen,
    TrailEntry,
    ValidationVote,
    WorkflowError,
)
from decisions.trail import trail_verify
from tests.factories import UserFactory, make_session, seat_member

pytestmark = pytest.mark.django_db


def actions(rdd):
    return list(TrailEntry.objects.filter(rdd=rdd).order_by("sequence").values_list("action", flat=True))


def test_a_new_rdd_is_a_draft_with_one_record_per_agenda_item(rdd):
    assert rdd.status == Rdd.Status.DRAFT
    assert rdd.version == 1
    assert list(rdd.item_records.order_by("position").values_list("number", "title", "speaker")) == [
        ("01", "Aides à la télétransmission", "Section sociale"),
        ("02", "Questions de la profession", "Section professionnelle"),
    ]
    assert actions(rdd) == ["creation"]


def test_an_information_meeting_has_no_rdd(commission, alice):
    meeting = Meeting.objects.create(
        commission=commission,
        date=datetime.date(2023, 11, 28),
        start_time=datetime.time(18, 0),
        kind=Meeting.Kind.INFORMATION,
    )

    with pytest.raises(WorkflowError, match="Une réunion d'information n'a pas de relevé de décisions"):
        services.rdd_create(meeting=meeting, user=alice)

    assert not Rdd.objects.exists()


def test_a_session_gets_one_rdd_only(rdd, alice):
    with pytest.raises(WorkflowError, match="déjà un relevé"):
        services.rdd_create(meeting=rdd.meeting, user=alice)


@pytest.mark.parametrize("first", [0, 1], ids=["social-first", "professional-first"])
def test_the_whole_workflow_in_either_order(rdd, alice, presidents, first):
    later = make_session(rdd.meeting.commission, datetime.date(2025, 7, 6))
    services.rdd_submit(rdd=rdd, user=alice)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.SUBMITTED
    assert rdd.submitted_at is not None

    one, other = presidents[first], presidents[1 - first]
    services.rdd_approve(rdd=rdd, user=one.user)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.SUBMITTED
    assert Approval.objects.get(rdd=rdd).person == one

    services.rdd_approve(rdd=rdd, user=other.user)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.APPROVED
    assert rdd.approved_at is not None
    assert sorted(Approval.objects.filter(rdd=rdd).values_list("section", flat=True)) == [
        SectionKind.PROFESSIONAL,
        SectionKind.SOCIAL,
    ]

    services.rdd_transmit(rdd=rdd, user=alice)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.TRANSMITTED
    assert rdd.transmitted_at is not None

    votes = {SectionKind.SOCIAL: (4, 0, 0), SectionKind.PROFESSIONAL: (3, 1, 1)}
    services.rdd_validate(rdd=rdd, meeting=later, votes=votes, user=alice)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.VALIDATED
    assert rdd.validated_on == datetime.date(2025, 7, 6)
    assert rdd.validated_in == later
    assert ValidationVote.objects.get(rdd=rdd, section=SectionKind.PROFESSIONAL).votes_against == 1
    assert actions(rdd) == [
        "creation",
        "soumission",
        "approbation",
        "approbation",
        "approbation_complete",
        "transmission",
        "validation",
    ]
    assert trail_verify(rdd)


def test_approving_twice_gives_one_approval_and_a_french_message(submitted, presidents):
    social = presidents[0]
    services.rdd_approve(rdd=submitted, user=social.user)

    with pytest.raises(WorkflowError, match="Ce relevé a déjà été approuvé par la section sociale"):
        services.rdd_approve(rdd=submitted, user=social.user)

    assert Approval.objects.filter(rdd=submitted).count() == 1


def test_approving_an_approved_rdd_is_refused(approved, presidents):
    with pytest.raises(WorkflowError, match="déjà été approuvé par la section professionnelle"):
        services.rdd_approve(rdd=approved, user=presidents[1].user)
    assert Approval.objects.filter(rdd=approved).count() == 2


def test_send_back_returns_to_draft_and_clears_approvals(submitted, presidents):
    social, professional = presidents
    services.rdd_approve(rdd=submitted, user=social.user)

    services.rdd_send_back(rdd=submitted, user=professional.user, remark="Préciser la décision du point 01.")

    submitted.refresh_from_db()
    assert submitted.status == Rdd.Status.DRAFT
    assert submitted.submitted_at is None
    assert not Approval.objects.filter(rdd=submitted).exists()
    entry = TrailEntry.objects.filter(rdd=submitted).order_by("-sequence").first()
    assert (entry.action, entry.note) == ("renvoi", "Préciser la décision du point 01.")


def test_approving_after_a_send_back_is_refused(submitted, presidents):
    services.rdd_send_back(rdd=submitted, user=presidents[1].user, remark="À revoir")

    with pytest.raises(WorkflowError, match="Brouillon"):
        services.rdd_approve(rdd=submitted, user=presidents[0].user)
    assert not Approval.objects.exists()


def test_send_back_needs_a_remark(submitted, presidents):
    with pytest.raises(WorkflowError, match="Indiquez la remarque"):
        services.rdd_send_back(rdd=submitted, user=presidents[0].user, remark="   ")
    submitted.refresh_from_db()
    assert submitted.status == Rdd.Status.SUBMITTED


def test_only_current_section_presidents_approve(submitted, alice, member_user, commission, presidents):
    former = seat_member(commission, SectionKind.SOCIAL, user=UserFactory(username="ancien"))
    social_section = commission.sections.get(kind=SectionKind.SOCIAL)
    social_section.presidencies.create(
        person=former.person, start=datetime.date(2022, 1, 1), end=datetime.date(2023, 12, 31)
    )

    for user in (alice, member_user, former.person.user):
        with pytest.raises(PermissionDenied):
            services.rdd_approve(rdd=submitted, user=user)
    assert not Approval.objects.exists()


@pytest.mark.parametrize(
    ("function", "message"),
    [
        (lambda rdd, users: services.rdd_transmit(rdd=rdd, user=users["alice"]), "doit être approuvé"),
        (
            lambda rdd, users: services.rdd_validate(rdd=rdd, meeting=rdd.meeting, votes={}, user=users["alice"]),
            "doit avoir été transmis",
        ),
        (lambda rdd, users: services.rdd_new_version(rdd=rdd, user=users["alice"]), "Seul un relevé approuvé"),
        (lambda rdd, users: services.rdd_approve(rdd=rdd, user=users["kern"]), "statut « Brouillon »"),
        (
            lambda rdd, users: services.rdd_send_back(rdd=rdd, user=users["kern"], remark="x"),
            "statut « Brouillon »",
        ),
    ],
    ids=["transmit", "validate", "new-version", "approve", "send-back"],
)
def test_a_transition_out_of_order_is_refused_in_french(rdd, alice, presidents, function, message):
    users = {"alice": alice, "kern": presidents[0].user}

    with pytest.raises(WorkflowError, match=message):
        function(rdd, users)

    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.DRAFT
    assert actions(rdd) == ["creation"]


def test_submitting_twice_is_refused(submitted, alice):
    with pytest.raises(WorkflowError, match="déjà été soumis"):
        services.rdd_submit(rdd=submitted, user=alice)


def test_submission_needs_both_section_presidents(rdd, alice):
    with pytest.raises(WorkflowError, match="pas de président"):
        services.rdd_submit(rdd=rdd, user=alice)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.DRAFT


def test_a_member_cannot_submit(rdd, member_user, presidents):
    with pytest.raises(PermissionDenied):
        services.rdd_submit(rdd=rdd, user=member_user)


def test_editing_after_submission_is_refused_by_every_function(submitted):
    record = submitted.item_records.first()
    with pytest.raises(WorkflowError, match="n'est plus un brouillon"):
        content.item_record_save(record=record, summary="Changé", decisions=[])
    with pytest.raises(WorkflowError, match="n'est plus un brouillon"):
        content.question_save(rdd=submitted, text="Une question tardive")
    with pytest.raises(WorkflowError, match="n'est plus un brouillon"):
        content.commitment_save(rdd=submitted, text="Un engagement tardif", carried_by="secretariat")
    with pytest.raises(WorkflowError, match="n'est plus un brouillon"):
        content.rdd_update_preamble(rdd=submitted, preamble="Changé")

    record.refresh_from_db()
    assert record.summary == "La section sociale présente les aides à la télétransmission."
    assert not Question.objects.exists()


def test_the_models_refuse_a_save_or_delete_of_frozen_content(approved):
    record = ItemRecord.objects.filter(rdd=approved).first()
    record.summary = "Réécrit"
    with pytest.raises(RddFrozen):
        record.save()
    decision = Decision.objects.get(item_record__rdd=approved)
    with pytest.raises(RddFrozen):
        decision.delete()
    assert Decision.objects.filter(item_record__rdd=approved).count() == 1


def test_a_correction_is_a_new_version_that_goes_through_the_workflow_again(approved, alice, presidents):
    new = services.rdd_new_version(rdd=approved, user=alice)

    assert (new.version, new.previous, new.status) == (2, approved, Rdd.Status.DRAFT)
    assert list(new.item_records.values_list("summary", flat=True)) == list(
        approved.item_records.values_list("summary", flat=True)
    )
    assert Decision.objects.filter(item_record__rdd=new).count() == 1
    record = new.item_records.order_by("position").first()
    content.item_record_save(record=record, summary="Synthèse corrigée", decisions=["Décision corrigée"])
    approved.refresh_from_db()
    assert approved.item_records.order_by("position").first().summary != "Synthèse corrigée"

    with pytest.raises(WorkflowError, match="version plus récente"):
        services.rdd_transmit(rdd=approved, user=alice)
    with pytest.raises(WorkflowError, match="version plus récente"):
        services.rdd_new_version(rdd=approved, user=alice)

    services.rdd_submit(rdd=new, user=alice)
    services.rdd_approve(rdd=new, user=presidents[1].user)
    services.rdd_approve(rdd=new, user=presidents[0].user)
    new.refresh_from_db()
    assert new.status == Rdd.Status.APPROVED


def test_validation_needs_a_later_session_and_both_votes(transmitted, alice, commission):
    later = make_session(commission, datetime.date(2025, 7, 6))
    with pytest.raises(WorkflowError, match="séance ultérieure"):
        services.rdd_validate(rdd=transmitted, meeting=transmitted.meeting, votes={"sociale": (1, 0, 0)}, user=alice)
    with pytest.raises(WorkflowError, match="vote de la section professionnelle"):
        services.rdd_validate(rdd=transmitted, meeting=later, votes={"sociale": (1, 0, 0)}, user=alice)
    transmitted.refresh_from_db()
    assert transmitted.status == Rdd.Status.TRANSMITTED
    assert not ValidationVote.objects.exists()


def test_submission_takes_the_agenda_as_it_stands(rdd, alice, presidents):
    from commissions.meetings.agenda import agenda_item_add

    agenda_item_add(meeting=rdd.meeting, title="Questions diverses")
    services.rdd_submit(rdd=rdd, user=alice)

    assert list(rdd.item_records.order_by("position").values_list("number", flat=True)) == ["01", "02", "03"]
