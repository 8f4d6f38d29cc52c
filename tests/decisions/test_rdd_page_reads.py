"""The RDD page reads the RDD once: its trail check uses the content and the trail the page already loaded."""

import datetime

import pytest

from commissions.composition.models import SectionKind
from decisions import content, selectors, services
from decisions.models import (
    Approval,
    Commitment,
    CommitmentUpdate,
    Decision,
    ItemRecord,
    Question,
    Rdd,
    TrailEntry,
)
from decisions.trail import rdd_content, trail_verify
from tests.decisions.helpers import tamper
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def _loaded(rdd: Rdd) -> Rdd:
    return selectors.rdd_with_content(Rdd.objects.filter(pk=rdd.pk)).get()


@pytest.fixture
def full(commission, session, alice, presidents):
    """An approved RDD with every kind of content: records and decisions, commitments (one followed in this RDD
    and one of an earlier session), questions and both approvals."""
    earlier = services.rdd_create(meeting=make_session(commission, datetime.date(2024, 11, 5)), user=alice)
    older = content.commitment_save(rdd=earlier, text="Relancer les prescripteurs.", carried_by="sociale")
    rdd = services.rdd_create(meeting=session, user=alice)
    first, second = rdd.item_records.order_by("position")
    content.item_record_save(record=first, summary="Échanges.\n\nSuite.", decisions=["Décision une.", "Deux."])
    content.item_record_save(record=second, summary="", decisions=["Décision du second point."])
    own = content.commitment_save(rdd=rdd, text="Écrire à la profession.", carried_by="secretariat")
    content.commitment_save(rdd=rdd, text="Publier la liste.", carried_by="professionnelle")
    content.commitment_follow(rdd=rdd, commitment=older, date=session.date, status="En cours.", note="Avec la CPAM.")
    content.commitment_follow(rdd=rdd, commitment=own, date=session.date, status="Fait.", closes=True)
    content.question_save(rdd=rdd, text="Délais de paiement ?", answer="Trois semaines.")
    content.question_save(rdd=rdd, text="Hors sujet ?", answer="", out_of_scope=True)
    services.rdd_submit(rdd=rdd, user=alice)
    social, professional = presidents
    services.rdd_approve(rdd=rdd, user=social.user)
    services.rdd_approve(rdd=rdd, user=professional.user)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.APPROVED
    return rdd


def test_the_loaded_content_is_the_content_the_trail_hashes(full):
    assert rdd_content(_loaded(full), loaded=True) == rdd_content(full)


def test_the_check_of_a_loaded_rdd_reads_nothing_more(full, django_assert_num_queries):
    rdd = _loaded(full)
    trail = list(rdd.trail.order_by("sequence"))
    with django_assert_num_queries(0):
        check = trail_verify(rdd, entries=trail, loaded=True)
    assert check == trail_verify(full)
    assert check and check.entries == 5


TAMPERS = {
    "summary": lambda rdd: tamper(ItemRecord.objects.filter(rdd=rdd), summary="Réécrit"),
    "decision": lambda rdd: tamper(Decision.objects.filter(item_record__rdd=rdd, text="Deux."), text="Trois."),
    "commitment": lambda rdd: tamper(Commitment.objects.filter(rdd=rdd, carried_by="secretariat"), text="Autre."),
    "follow-up": lambda rdd: tamper(CommitmentUpdate.objects.filter(rdd=rdd, closes=True), closes=False),
    "question": lambda rdd: tamper(Question.objects.filter(rdd=rdd, out_of_scope=True), out_of_scope=False),
    "approval": lambda rdd: tamper(
        Approval.objects.filter(rdd=rdd, section=SectionKind.SOCIAL), approved_on=datetime.date(2020, 1, 1)
    ),
    "preamble": lambda rdd: tamper(Rdd.objects.filter(pk=rdd.pk), preamble="Ajouté en base."),
}


@pytest.mark.parametrize("part", TAMPERS)
def test_the_page_sees_content_changed_behind_the_workflow(client, full, alice, part):
    TAMPERS[part](full)

    client.force_login(alice)
    page = client.get(full.get_absolute_url()).content.decode()
    last = TrailEntry.objects.filter(rdd=full).order_by("-sequence").first()
    assert f"Chaîne d'empreintes rompue à l'entrée n° {last.sequence} : le contenu du relevé a changé" in page
    assert not trail_verify(Rdd.objects.get(pk=full.pk))


def test_a_drafts_content_is_not_checked(client, rdd, alice):
    tamper(ItemRecord.objects.filter(rdd=rdd), summary="Réécrit pendant la rédaction")

    client.force_login(alice)
    assert "Chaîne d'empreintes intacte (1 entrée)." in client.get(rdd.get_absolute_url()).content.decode()


def test_the_page_lists_the_trail_it_checked(client, full, alice):
    client.force_login(alice)
    response = client.get(full.get_absolute_url())
    assert [entry.sequence for entry in response.context["trail"]] == [1, 2, 3, 4, 5]
    assert "Chaîne d'empreintes intacte (5 entrées)." in response.content.decode()


def test_the_votes_show_on_a_validated_rdd_only(client, full, alice, commission):
    client.force_login(alice)
    assert "Abstention" not in client.get(full.get_absolute_url()).content.decode()
    assert selectors.validation_votes(full) == []

    services.rdd_transmit(rdd=full, user=alice)
    later = make_session(commission, datetime.date(2025, 7, 6))
    votes = {SectionKind.SOCIAL: (4, 0, 0), SectionKind.PROFESSIONAL: (3, 1, 1)}
    services.rdd_validate(rdd=full, meeting=later, votes=votes, user=alice)

    page = client.get(full.get_absolute_url()).content.decode()
    assert "Abstention" in page
    assert "<td>Section sociale</td><td>4</td><td>0</td><td>0</td></tr><tr><td>Section professionnelle</td>" in page


def test_a_replaced_version_says_so(client, full, alice):
    services.rdd_transmit(rdd=full, user=alice)
    newer = services.rdd_new_version(rdd=full, user=alice)

    client.force_login(alice)
    assert "Une version plus récente de ce relevé existe." in client.get(full.get_absolute_url()).content.decode()
    assert "Une version plus récente" not in client.get(newer.get_absolute_url()).content.decode()


def test_a_president_approves_from_the_page_of_a_submitted_rdd(client, rdd, alice, presidents):
    services.rdd_submit(rdd=rdd, user=alice)
    social, professional = presidents

    client.force_login(social.user)
    assert "Renvoyer au secrétariat" in client.get(rdd.get_absolute_url()).content.decode()
    services.rdd_approve(rdd=rdd, user=social.user)
    assert "Renvoyer au secrétariat" not in client.get(rdd.get_absolute_url()).content.decode()
    client.force_login(professional.user)
    assert "Renvoyer au secrétariat" in client.get(rdd.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert "Renvoyer au secrétariat" not in client.get(rdd.get_absolute_url()).content.decode()
