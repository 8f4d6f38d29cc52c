"""Fixtures of the meeting tests: an upcoming session of Alice's commission with members who have e-mails."""

import datetime

import pytest

from commissions.composition.models import Mandate, SectionKind
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create
from members.models import Person
from tests.factories import MandateFactory, PersonFactory, seat_member


@pytest.fixture
def meeting(commission, frozen_today):
    """A session on Thursday 03/12/2026 at 10:00 (Paris), eleven days after the frozen today."""
    return meeting_create(
        commission=commission,
        date=datetime.date(2026, 12, 3),
        start_time=datetime.time(10, 0),
        place="CPAM des Bouches-du-Rhône, salle du conseil",
    )


@pytest.fixture
def other_meeting(other_commission, frozen_today):
    """A session of the La Réunion commission, whose times are in Indian/Reunion (UTC+4)."""
    other_commission.time_zone = "Indian/Reunion"
    other_commission.save(update_fields=["time_zone"])
    return meeting_create(
        commission=other_commission,
        date=datetime.date(2026, 12, 10),
        start_time=datetime.time(9, 0),
        place="Saint-Denis",
    )


@pytest.fixture
def agenda(meeting):
    """01 with two sub-items, 02 and 03, as in the La Réunion support of 06/07/2023."""
    first = agenda_item_add(meeting=meeting, title="Validation du relevé de décisions", speaker="secretariat")
    agenda_item_add(meeting=meeting, parent=first, title="Approbation du relevé de décisions")
    agenda_item_add(meeting=meeting, parent=first, title="Suivi des engagements")
    agenda_item_add(meeting=meeting, title="Ordonnance numérique", speaker="sociale")
    agenda_item_add(meeting=meeting, title="Questions diverses", speaker="deux_sections")
    return meeting


@pytest.fixture
def members(commission):
    """A social seat with titular and substitute, a professional titular, a member without e-mail, a former one."""
    kern = seat_member(commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Kern", email="kern@example.org"))
    dupont = MandateFactory(
        seat=kern.seat,
        role=Mandate.Role.SUBSTITUTE,
        person=PersonFactory(last_name="Dupont", email="dupont@example.org"),
    )
    roussel = seat_member(
        commission, SectionKind.PROFESSIONAL, person=PersonFactory(last_name="Roussel", email="roussel@example.org")
    )
    silent = seat_member(commission, SectionKind.PROFESSIONAL, person=PersonFactory(last_name="Sansmail", email=""))
    former = seat_member(
        commission,
        SectionKind.PROFESSIONAL,
        person=PersonFactory(last_name="Ancien", email="ancien@example.org"),
        end=datetime.date(2025, 12, 31),
    )
    return {
        "kern": kern.person,
        "dupont": dupont.person,
        "roussel": roussel.person,
        "silent": silent.person,
        "former": former.person,
    }


@pytest.fixture
def outsider(other_commission) -> Person:
    return seat_member(other_commission, SectionKind.SOCIAL, person=PersonFactory(last_name="Hoarau")).person
