"""'Prochaine séance': the secretariat's note when written, else the commission's next meeting in the portal."""

import datetime

import pytest
from django.urls import reverse

from commissions.meetings.models import Meeting
from commissions.meetings.services import meeting_create
from supports.context import TO_BE_SET, support_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def following(session):
    return meeting_create(
        commission=session.commission,
        date=datetime.date(2027, 3, 11),
        start_time=datetime.time(14, 30),
        place="CPAM des Bouches-du-Rhône",
    )


def test_the_next_meeting_in_the_portal_is_announced(session, following):
    assert support_context(session)["next_meeting"] == "jeudi 11 mars 2027 à 14h30, CPAM des Bouches-du-Rhône"


def test_the_secretariats_note_wins(session, following):
    Meeting.objects.filter(pk=session.pk).update(next_meeting_note="Le 18/03/2027 en visioconférence")

    assert support_context(session)["next_meeting"] == "Le 18/03/2027 en visioconférence"


def test_a_cancelled_meeting_is_not_announced_and_without_any_the_date_is_to_be_set(session, following):
    Meeting.objects.filter(pk=following.pk).update(status=Meeting.Status.CANCELLED)

    assert support_context(session)["next_meeting"] == TO_BE_SET


def test_the_meeting_page_announces_it_too(client, alice, session, following):
    client.force_login(alice)

    page = client.get(reverse("commissions:meeting_detail", args=[session.commission.slug, session.pk])).text

    assert "Prochaine séance" in page
    assert "jeudi 11 mars 2027 à 14h30, CPAM des Bouches-du-Rhône" in page
