"""The quorum (commissions.meetings.selectors.quorum_by_section) in one query, as the meeting page reads it."""

import pytest

from commissions.composition.models import Mandate, SectionKind
from commissions.meetings import selectors
from commissions.meetings.models import QuorumRule
from commissions.meetings.services import attendance_record
from tests.factories import MandateFactory, seat_member

pytestmark = pytest.mark.django_db


def _counts(quorum):
    return [(row.section_kind, row.seats, row.voting, row.required, row.reached) for row in quorum]


def _counted(meeting, queries):
    with queries(1):
        return _counts(selectors.quorum_by_section(meeting))


def test_the_quorum_in_one_query(meeting, members, django_assert_num_queries):
    QuorumRule.objects.create(commission=meeting.commission, section_kind=SectionKind.SOCIAL, minimum_present=1)
    QuorumRule.objects.create(commission=meeting.commission, section_kind=SectionKind.PROFESSIONAL, minimum_present=2)
    # Kern is represented by her substitute Dupont, present; Roussel is present; Sansmail is absent.
    attendance_record(meeting=meeting, person=members["dupont"], status="present")
    attendance_record(meeting=meeting, person=members["kern"], status="represente")
    attendance_record(meeting=meeting, person=members["roussel"], status="present")
    attendance_record(meeting=meeting, person=members["silent"], status="absent")

    assert _counted(meeting, django_assert_num_queries) == [
        ("sociale", 1, 1, 1, True),
        ("professionnelle", 2, 1, 2, False),
    ]


def test_without_a_rule_the_quorum_is_not_judged(meeting, members, django_assert_num_queries):
    assert _counted(meeting, django_assert_num_queries) == [
        ("sociale", 1, 0, None, None),
        ("professionnelle", 2, 0, None, None),
    ]


def test_a_person_with_two_mandates_counts_once_at_the_first(meeting, members, django_assert_num_queries):
    # Roussel also holds the titular mandate of a social seat: the social section comes first, so he counts there.
    seat_member(meeting.commission, SectionKind.SOCIAL, person=members["roussel"])
    attendance_record(meeting=meeting, person=members["roussel"], status="present")

    assert _counted(meeting, django_assert_num_queries) == [
        ("sociale", 2, 1, None, None),
        ("professionnelle", 1, 0, None, None),
    ]


def test_a_seat_whose_titular_and_substitute_are_both_present_counts_once(meeting, members, django_assert_num_queries):
    attendance_record(meeting=meeting, person=members["kern"], status="present")
    attendance_record(meeting=meeting, person=members["dupont"], status="present")

    assert _counted(meeting, django_assert_num_queries)[0] == ("sociale", 1, 1, None, None)


def test_a_substitute_present_makes_the_seat_vote(meeting, members, django_assert_num_queries):
    attendance_record(meeting=meeting, person=members["kern"], status="absent")
    attendance_record(meeting=meeting, person=members["dupont"], status="present")

    assert _counted(meeting, django_assert_num_queries)[0] == ("sociale", 1, 1, None, None)


def test_the_rule_of_a_section_without_members_is_read_apart(meeting, members, django_assert_num_queries):
    QuorumRule.objects.create(commission=meeting.commission, section_kind=SectionKind.SOCIAL, minimum_present=1)
    QuorumRule.objects.create(commission=meeting.commission, section_kind=SectionKind.PROFESSIONAL, minimum_present=3)
    Mandate.objects.filter(seat__section__kind=SectionKind.PROFESSIONAL).delete()

    with django_assert_num_queries(2):
        plain = selectors.quorum_by_section(meeting)
    assert _counts(plain) == [
        ("sociale", 1, 0, 1, False),
        ("professionnelle", 0, 0, 3, False),
    ]


def test_a_meeting_without_members(meeting, django_assert_num_queries):
    QuorumRule.objects.create(commission=meeting.commission, section_kind=SectionKind.SOCIAL, minimum_present=2)
    MandateFactory()  # another commission's member

    with django_assert_num_queries(2):
        plain = selectors.quorum_by_section(meeting)
    assert _counts(plain) == [
        ("sociale", 0, 0, 2, False),
        ("professionnelle", 0, 0, None, None),
    ]
