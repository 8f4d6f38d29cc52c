"""A change of composition made by hand (a mandate added or ended on the commission's page) is listed in "Derniers
changements de composition" like an import's, with who made it."""

import datetime

import pytest
from django.urls import reverse

from commissions.composition import services
from commissions.composition.models import CompositionChange, Mandate, SectionKind
from tests.factories import PersonFactory, SeatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seat(commission):
    return SeatFactory(section=commission.sections.get(kind=SectionKind.PROFESSIONAL))


def test_a_mandate_added_and_ended_by_hand_are_changes_of_composition(client, alice, commission, seat):
    person = PersonFactory(civility="M.", last_name="Dupont", first_name="Jean")

    mandate = services.mandate_add(
        seat=seat, role=Mandate.Role.TITULAR, person=person, start=datetime.date(2025, 3, 1), user=alice
    )
    services.mandate_end(mandate=mandate, end=datetime.date(2025, 12, 31), user=alice)

    opened, closed = CompositionChange.objects.filter(commission=commission).order_by("effective_on")
    assert (
        opened.description
        == f"M. DUPONT Jean, titulaire pour {seat.organisation} (section professionnelle) à partir du 01/03/2025"
    )
    assert closed.description == (
        f"Fin du mandat de titulaire de M. DUPONT Jean pour {seat.organisation} (section professionnelle) le 31/12/2025"
    )
    assert (opened.created_by, closed.created_by) == (alice, alice)
    mandate.refresh_from_db()
    assert (mandate.opened_by, mandate.closed_by) == (opened, closed)

    client.force_login(alice)
    page = client.get(reverse("commissions:detail", args=[commission.slug])).text
    assert "Derniers changements de composition" in page
    assert "31/12/2025 — Fin du mandat de titulaire de M. DUPONT Jean" in page
    assert "01/03/2025 — M. DUPONT Jean, titulaire pour" in page


def test_an_imports_change_is_not_doubled(commission, seat):
    change = CompositionChange.objects.create(
        commission=commission, effective_on=datetime.date(2025, 3, 1), description="Import"
    )

    services.mandate_add(
        seat=seat, role=Mandate.Role.TITULAR, person=PersonFactory(), start=datetime.date(2025, 3, 1), change=change
    )

    assert list(CompositionChange.objects.values_list("description", flat=True)) == ["Import"]
