"""Approvers are the session's section presidents: those in office on its date; one who has left office before
approving is replaced by the section's current president, and the record says so (issue 12, item 6)."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied

from commissions.composition.models import SectionKind, SectionPresidency
from decisions import services
from decisions.models import Approval, Rdd
from decisions.selectors import approval_lines
from decisions.trail import trail_verify
from supports.context import support_context
from tests.factories import SectionPresidencyFactory, UserFactory, seat_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def successor(commission, presidents):
    """The social president of the session (26/02/2025) left office on 31/03/2025; a successor took over."""
    social = presidents[0]
    SectionPresidency.objects.filter(person=social).update(end=datetime.date(2025, 3, 31))
    mandate = seat_member(commission, SectionKind.SOCIAL, user=UserFactory(username="successeur"))
    SectionPresidencyFactory(section=mandate.seat.section, person=mandate.person, start=datetime.date(2025, 4, 1))
    return mandate.person


def test_the_sessions_president_still_in_office_approves_in_their_own_name(approved, presidents):
    approvals = Approval.objects.filter(rdd=approved)

    assert {(approval.person, approval.successor_of) for approval in approvals} == {(p, None) for p in presidents}
    assert not any("successeur" in line for line in _lines(approved))


def test_the_successor_of_a_president_who_left_office_approves_and_the_record_says_so(
    client, submitted, presidents, successor, alice
):
    social, professional = presidents

    services.rdd_approve(rdd=submitted, user=successor.user)
    services.rdd_approve(rdd=submitted, user=professional.user)

    approval = Approval.objects.get(rdd=submitted, section=SectionKind.SOCIAL)
    assert (approval.person, approval.successor_of) == (successor, social)
    assert approval.facts["successor_of"]["name"] == social.display_name
    line = f"par la Présidente, {successor.display_name}, en qualité de successeur de {social.display_name}"
    assert any(line in text for text in _lines(submitted))
    client.force_login(alice)
    assert line in html.unescape(client.get(submitted.get_absolute_url()).content.decode())
    document = support_context(submitted.meeting, kind="rdd", version="final")
    assert any(line in text for text in document["rdd"]["approvals"])
    assert trail_verify(submitted)


def test_a_president_who_left_office_no_longer_approves(submitted, presidents, successor):
    with pytest.raises(PermissionDenied):
        services.rdd_approve(rdd=submitted, user=presidents[0].user)


def test_the_rdd_states_the_presidents_of_the_sessions_date_not_todays(rdd, presidents, successor, alice):
    services.rdd_submit(rdd=rdd, user=alice)

    presidents_then = Rdd.objects.get(pk=rdd.pk).facts["presidents"]
    assert [(row["section"], row["name"]) for row in presidents_then] == [
        ("sociale", presidents[0].display_name),
        ("professionnelle", presidents[1].display_name),
    ]


def _lines(rdd: Rdd) -> list[str]:
    return approval_lines(Rdd.objects.get(pk=rdd.pk))
