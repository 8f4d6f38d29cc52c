"""Reads of compositions: what the commission page and the export show."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from members.models import Person

from .models import Commission, Mandate, Seat, Section, SectionPresidency


@dataclass
class SeatRow:
    seat: Seat
    titular: Mandate | None = None
    substitute: Mandate | None = None

    @property
    def mandates(self) -> tuple[Mandate | None, Mandate | None]:
        """The titular's and the substitute's mandates, in the columns' order (None: a post to fill)."""
        return self.titular, self.substitute

    @property
    def is_vacant(self) -> bool:
        return self.titular is None or self.substitute is None


@dataclass
class SectionComposition:
    section: Section
    president: Person | None
    rows: list[SeatRow] = field(default_factory=list)

    @property
    def vacancies(self) -> int:
        return sum((row.titular is None) + (row.substitute is None) for row in self.rows)


def composition_on(commission: Commission, day: datetime.date) -> list[SectionComposition]:
    """The composition of both sections on a day: seats open that day, their current mandates, the president."""
    open_seats = Seat.objects.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=day)).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=day)
    )
    sections = (
        Section.objects.filter(commission=commission)
        .order_by("-kind")
        .prefetch_related(
            Prefetch(
                "seats",
                queryset=open_seats.select_related("organisation").prefetch_related(
                    Prefetch(
                        "mandates",
                        queryset=Mandate.objects.current_on(day).select_related("person"),
                        to_attr="current_mandates",
                    )
                ),
            ),
            Prefetch(
                "presidencies",
                queryset=SectionPresidency.objects.current_on(day).select_related("person"),
                to_attr="current_presidencies",
            ),
        )
    )
    result = []
    for section in sections:
        president = section.current_presidencies[0].person if section.current_presidencies else None
        composition = SectionComposition(section=section, president=president)
        for seat in section.seats.all():
            row = SeatRow(seat=seat)
            for mandate in seat.current_mandates:
                if mandate.role == Mandate.Role.TITULAR:
                    row.titular = mandate
                else:
                    row.substitute = mandate
            composition.rows.append(row)
        result.append(composition)
    return result
