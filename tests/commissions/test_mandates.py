import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from commissions.composition import services
from commissions.composition.models import Mandate, SectionKind, SectionPresidency
from members.models import Person
from tests.factories import MandateFactory, OrganisationFactory, PersonFactory, SeatFactory, seat_member

D = datetime.date


@pytest.fixture
def seat(commission):
    return SeatFactory(section=commission.sections.get(kind=SectionKind.PROFESSIONAL))


def test_a_mandate_overlapping_another_of_the_same_seat_and_role_is_refused(seat):
    MandateFactory(seat=seat, start=D(2024, 1, 1), end=D(2025, 12, 31))

    with pytest.raises(ValidationError) as refused:
        services.mandate_add(seat=seat, role=Mandate.Role.TITULAR, person=PersonFactory(), start=D(2025, 6, 1))

    assert "Ce siège a déjà un titulaire sur cette période" in refused.value.message_dict["start"][0]
    assert Mandate.objects.filter(seat=seat).count() == 1


def test_a_substitute_may_serve_alongside_the_titular_and_a_successor_the_day_after(seat):
    MandateFactory(seat=seat, start=D(2024, 1, 1), end=D(2025, 12, 31))

    services.mandate_add(seat=seat, role=Mandate.Role.SUBSTITUTE, person=PersonFactory(), start=D(2024, 1, 1))
    services.mandate_add(seat=seat, role=Mandate.Role.TITULAR, person=PersonFactory(), start=D(2026, 1, 1))

    assert Mandate.objects.filter(seat=seat).count() == 3


def test_a_refused_mandate_does_not_leave_a_new_person_behind(seat):
    MandateFactory(seat=seat, start=D(2024, 1, 1))
    newcomer = Person(civility="M.", last_name="NOUVEAU", first_name="Jean")

    with pytest.raises(ValidationError):
        services.mandate_add(seat=seat, role=Mandate.Role.TITULAR, person=newcomer, start=D(2025, 1, 1))

    assert not Person.objects.filter(last_name="NOUVEAU").exists()


@pytest.mark.postgres
def test_the_database_refuses_overlapping_mandates_even_without_the_application(seat):
    MandateFactory(seat=seat, start=D(2024, 1, 1), end=None)
    clash = Mandate(seat=seat, role=Mandate.Role.TITULAR, person=PersonFactory(), start=D(2025, 1, 1))

    with pytest.raises(IntegrityError, match="mandate_no_overlap"), transaction.atomic():
        Mandate.objects.bulk_create([clash])  # bulk_create skips clean(): only the database stands in the way

    assert Mandate.objects.filter(seat=seat).count() == 1
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
def test_the_database_refuses_two_presidents_of_a_section_at_once(commission):
    section = commission.sections.get(kind=SectionKind.SOCIAL)
    first, second = PersonFactory(), PersonFactory()
    SectionPresidency.objects.create(section=section, person=first, start=D(2024, 1, 1))

    with pytest.raises(IntegrityError, match="section_presidency_no_overlap"), transaction.atomic():
        SectionPresidency.objects.bulk_create([SectionPresidency(section=section, person=second, start=D(2025, 1, 1))])


def test_ending_a_mandate_makes_the_post_vacant_the_next_day(seat):
    mandate = MandateFactory(seat=seat, start=D(2024, 1, 1))

    services.mandate_end(mandate=mandate, end=D(2025, 2, 25))

    mandate.refresh_from_db()
    assert mandate.end == D(2025, 2, 25)
    assert Mandate.objects.current_on(D(2025, 2, 25)).filter(seat=seat).exists()
    assert not Mandate.objects.current_on(D(2025, 2, 26)).filter(seat=seat).exists()


def test_a_mandate_cannot_end_before_it_starts(seat):
    mandate = MandateFactory(seat=seat, start=D(2024, 1, 1))
    with pytest.raises(ValidationError, match="précéder le début"):
        services.mandate_end(mandate=mandate, end=D(2023, 12, 31))
    mandate.refresh_from_db()
    assert mandate.end is None


def test_a_section_president_must_sit_in_that_section(commission):
    outsider = seat_member(commission, SectionKind.PROFESSIONAL).person
    with pytest.raises(ValidationError) as refused:
        services.section_president_set(
            section=commission.sections.get(kind=SectionKind.SOCIAL), person=outsider, start=D(2025, 1, 1)
        )
    assert "ne siège pas dans la section sociale" in refused.value.message_dict["person"][0]
    assert not SectionPresidency.objects.exists()


def test_a_designation_needs_members_of_the_right_sections(commission):
    social = seat_member(commission, SectionKind.SOCIAL).person
    professional = seat_member(commission, SectionKind.PROFESSIONAL).person
    with pytest.raises(ValidationError) as refused:
        services.designation_record(
            commission=commission,
            year=2025,
            president=social,
            president_section=SectionKind.PROFESSIONAL,
            vice_president=professional,
            designated_on=D(2025, 2, 26),
        )
    assert "ne siège pas dans la section professionnelle" in refused.value.message_dict["president"][0]
    assert "ne siège pas dans la section sociale" in refused.value.message_dict["vice_president"][0]


def test_a_new_seat_is_vacant(commission):
    section = commission.sections.get(kind=SectionKind.PROFESSIONAL)
    seat = services.seat_add(section=section, organisation=OrganisationFactory(acronym="SYNALAM"))
    assert seat.position == 1
    assert not seat.mandates.exists()
