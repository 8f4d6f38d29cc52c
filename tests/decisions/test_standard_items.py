"""The standard agenda of a new session (owned by decisions: the agenda does not know the RDD)."""

import datetime

import pytest
from django.utils import timezone

from commissions.meetings.models import AgendaItem, Meeting
from decisions.standard_items import session_add_standard_items
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def titles(meeting):
    return list(
        AgendaItem.objects.filter(meeting=meeting, parent=None).order_by("position").values_list("title", flat=True)
    )


def test_the_first_session_of_a_year_gets_the_presidency_designation(commission, transmitted):
    meeting = make_session(commission, datetime.date(2026, 2, 10))

    created = session_add_standard_items(meeting=meeting)

    assert len(created) == 5
    assert titles(meeting) == [
        "Validation du relevé de décisions de la séance du 26/02/2025",
        "Désignation de la présidence 2026",
        "Suivi des engagements",
        "Questions de la profession",
        "Questions diverses",
    ]
    validation = AgendaItem.objects.get(meeting=meeting, title__startswith="Validation")
    assert "26/02/2025" in validation.content
    assert timezone.localtime(transmitted.transmitted_at).strftime("%d/%m/%Y") in validation.content
    designation = AgendaItem.objects.get(meeting=meeting, title__startswith="Désignation")
    assert "article 48 paragraphe 1" in designation.content
    assert (
        "présidence de la commission est assurée par le président de la section professionnelle" in designation.content
    )


def test_a_later_session_of_the_same_year_has_no_designation(commission, session):
    meeting = make_session(commission, datetime.date(2025, 7, 6))

    session_add_standard_items(meeting=meeting)

    assert titles(meeting) == [
        "Validation du relevé de décisions de la séance du 26/02/2025",
        "Suivi des engagements",
        "Questions de la profession",
        "Questions diverses",
    ]


def test_an_information_meeting_or_an_agenda_already_started_gets_nothing(commission, session):
    information = Meeting.objects.create(
        commission=commission,
        date=datetime.date(2023, 11, 28),
        start_time=datetime.time(18, 0),
        kind=Meeting.Kind.INFORMATION,
    )

    assert session_add_standard_items(meeting=information) == []
    assert session_add_standard_items(meeting=session) == []
    assert titles(information) == []
    assert len(titles(session)) == 2


def test_the_secretariat_adds_the_standard_items_from_the_meeting(client, alice, commission):
    from django.urls import reverse

    meeting = make_session(commission, datetime.date(2026, 12, 1))
    client.force_login(alice)

    response = client.post(reverse("decisions:standard_items", args=[commission.slug, meeting.pk]))

    assert response.status_code == 302
    assert titles(meeting) == [
        "Désignation de la présidence 2026",
        "Suivi des engagements",
        "Questions de la profession",
        "Questions diverses",
    ]
