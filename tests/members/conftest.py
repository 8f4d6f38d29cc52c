import pytest

from commissions.composition.models import SectionKind
from members.models import Person
from tests.factories import PersonFactory, seat_member


@pytest.fixture
def kern(commission):
    """Mme KERN Colette, titular member of the commission's social section, without an account yet."""
    person = PersonFactory(
        civility=Person.Civility.MME, last_name="Kern", first_name="Colette", email="Kern@Example.org"
    )
    seat_member(commission, SectionKind.SOCIAL, person=person)
    return person


@pytest.fixture
def contact(commission):
    """M. MARTIN Paul, a secretariat contact of the commission (no mandate)."""
    person = PersonFactory(
        civility=Person.Civility.M, last_name="Martin", first_name="Paul", email="martin@example.org"
    )
    commission.secretariat_contacts.add(person)
    return person


@pytest.fixture
def stranger(other_commission):
    """A member of the other commission only."""
    person = PersonFactory(last_name="Hoarau", email="hoarau@example.org")
    seat_member(other_commission, SectionKind.PROFESSIONAL, person=person)
    return person
