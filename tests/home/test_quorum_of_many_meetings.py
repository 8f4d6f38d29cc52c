"""The home page's quorum of several meetings at once says what each meeting's page says."""

import datetime

import pytest

from commissions.composition.models import SectionKind
from commissions.meetings.models import Attendance, QuorumRule
from commissions.meetings.selectors import quorum_by_meetings, quorum_by_section
from tests.factories import make_session, seat_member

pytestmark = pytest.mark.django_db


def test_the_quorum_of_many_meetings_equals_each_meetings_quorum(commission, other_commission):
    QuorumRule.objects.create(commission=commission, section_kind=SectionKind.SOCIAL, minimum_present=2)
    titular = seat_member(commission, SectionKind.SOCIAL)
    substitute = seat_member(commission, SectionKind.SOCIAL, role="suppleant")
    left = seat_member(commission, SectionKind.PROFESSIONAL, end=datetime.date(2025, 3, 1))
    elsewhere = seat_member(other_commission, SectionKind.SOCIAL)
    first = make_session(commission, datetime.date(2025, 2, 26))
    second = make_session(commission, datetime.date(2025, 9, 26))
    third = make_session(other_commission, datetime.date(2025, 9, 26))
    Attendance.objects.create(meeting=first, person=titular.person, status=Attendance.Status.PRESENT)
    Attendance.objects.create(meeting=first, person=left.person, status=Attendance.Status.PRESENT)
    Attendance.objects.create(meeting=second, person=substitute.person, status=Attendance.Status.PRESENT)
    Attendance.objects.create(meeting=third, person=elsewhere.person, status=Attendance.Status.REPRESENTED)

    many = quorum_by_meetings([first, second, third])

    assert many == {meeting.pk: quorum_by_section(meeting) for meeting in (first, second, third)}
    assert [(q.seats, q.voting, q.required) for q in many[first.pk]] == [(2, 1, 2), (1, 1, None)]
    assert quorum_by_meetings([]) == {}
