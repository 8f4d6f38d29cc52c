"""Reads of compositions: what the commission page and the export show."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q

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


def composition_changed_on(commission: Commission, day: datetime.date) -> datetime.date | None:
    """The last day, up to `day`, on which the composition of the commission changed (None: never before).

    The composition on `day` (`composition_on`) is the one of that day: no mandate, seat or section presidency
    started on a day in between, nor ended on the eve of one. Pages of the composition at a past date are kept
    in the cache under that day, so that the days of one composition share them.
    """
    starts, ends = [], []
    for queryset, start, end in (
        (Mandate.objects.filter(seat__section__commission=commission), "start", "end"),
        (Seat.objects.filter(section__commission=commission), "opened_on", "closed_on"),
        (SectionPresidency.objects.filter(section__commission=commission), "start", "end"),
    ):
        found = queryset.aggregate(
            started=Max(start, filter=Q(**{f"{start}__lte": day})), ended=Max(end, filter=Q(**{f"{end}__lt": day}))
        )
        starts.append(found["started"])
        ends.append(found["ended"])
    days = [started for started in starts if started] + [
        ended + datetime.timedelta(days=1)
        for ended in ends
        if ended  # the day after the last day of a period
    ]
    return max(days, default=None)


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
