"""Commitments stay open and reappear in every following session of the commission until closed."""

import datetime

import pytest

from decisions import content, services
from decisions.models import WorkflowError
from decisions.selectors import follow_ups, open_commitments
from tests.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_sessions(commission, other_commission, alice):
    first = make_session(commission, datetime.date(2022, 9, 30))
    second = make_session(commission, datetime.date(2023, 7, 6))
    third = make_session(commission, datetime.date(2023, 11, 20))
    return first, second, third


def test_an_open_commitment_reappears_in_every_following_session_until_closed(three_sessions, alice, other_commission):
    first, second, third = three_sessions
    rdd1 = services.rdd_create(meeting=first, user=alice)
    campaign = content.commitment_save(
        rdd=rdd1, text="Avertir la profession du lancement de la campagne SCOR.", carried_by="secretariat"
    )
    dmp = content.commitment_save(rdd=rdd1, text="Modalités d'accès au DMP.", carried_by="sociale")
    elsewhere = make_session(other_commission, datetime.date(2022, 1, 1))
    content.commitment_save(
        rdd=services.rdd_create(meeting=elsewhere, user=None), text="Autre commission", carried_by="sociale"
    )

    assert list(open_commitments(first.commission, before=second)) == [campaign, dmp]
    assert list(open_commitments(first.commission, before=first)) == []

    rdd2 = services.rdd_create(meeting=second, user=alice)
    content.commitment_follow(
        rdd=rdd2, commitment=campaign, date=second.date, status="En attente du lancement de la campagne d'information."
    )
    content.commitment_follow(
        rdd=rdd2, commitment=dmp, date=second.date, status="Sera traité avec le sujet du DMP", closes=True
    )

    assert list(open_commitments(first.commission, before=third)) == [campaign]
    rows = follow_ups(rdd2)
    assert [row.commitment for row in rows] == [campaign, dmp]
    assert rows[1].here[0].closes is True


def test_only_an_open_commitment_of_an_earlier_session_can_be_followed(three_sessions, alice, other_commission):
    first, second, _ = three_sessions
    later_rdd = services.rdd_create(meeting=first, user=alice)
    rdd2 = services.rdd_create(meeting=second, user=alice)
    future = content.commitment_save(rdd=rdd2, text="Pris plus tard", carried_by="sociale")

    with pytest.raises(WorkflowError, match="n'est pas un engagement ouvert"):
        content.commitment_follow(rdd=later_rdd, commitment=future, date=first.date, status="En cours")


def test_a_commitment_followed_later_cannot_be_deleted(three_sessions, alice):
    first, second, _ = three_sessions
    rdd1 = services.rdd_create(meeting=first, user=alice)
    commitment = content.commitment_save(rdd=rdd1, text="Transmettre le courrier", carried_by="secretariat")
    content.commitment_follow(
        rdd=services.rdd_create(meeting=second, user=alice), commitment=commitment, date=second.date, status="Fait"
    )

    with pytest.raises(WorkflowError, match="déjà été suivi"):
        content.commitment_delete(commitment=commitment)
