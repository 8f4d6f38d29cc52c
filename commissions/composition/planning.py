"""The plan of a composition import: what the rows change, as of the effective date D; nothing is written.

Plan, as of the effective date D (nothing is written)
- Within a section, the n-th titulaire row and the n-th suppléant row of an
  organisation go to that organisation's n-th seat open on D (by position,
  then id); missing seats are created, opened on D.
- Persons are found by e-mail when one is given (else by name among persons
  without an e-mail), otherwise by last and first name (case- and
  accent-insensitive); otherwise they are created. Existing persons are not
  modified.
- Same person already on that seat and role on D → "inchangé" (its dates are
  kept, Début and Fin of the row are not read). Otherwise → "créé", from
  Début (or D; Début may not precede D) to Fin (or open).
- Every mandate current on D that is not "inchangé" (replaced, on a vacant
  row, or on a seat the file does not mention) ends on D−1; a mandate that
  starts on D cannot end on D−1 and is refused with an explanation.
- A seat open on D that no row reaches (its organisation is absent from the
  file, or has fewer rows) is closed on D−1.
- Re-importing the same file therefore plans nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from members.models import Organisation, Person
from portal.formats import date_short

from .models import Commission, Mandate, Seat, SectionKind
from .reading import ImportRow, loose


@dataclass
class PlanItem:
    """One line of the preview: a mandate created, kept or ended (or a vacant role of the file)."""

    section: str
    organisation: str
    role: str
    person: str
    seat_number: int
    line: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    note: str = ""
    # What applying needs (not shown).
    seat: Seat | None = None
    new_seat: tuple[str, int, int] | None = None
    person_obj: Person | None = None
    row: ImportRow | None = None
    mandate: Mandate | None = None

    @property
    def section_label(self) -> str:
        return SectionKind(self.section).label

    @property
    def role_label(self) -> str:
        return Mandate.Role(self.role).label


@dataclass
class SeatChange:
    section: str
    organisation: str
    seat_number: int
    seat: Seat | None = None
    key: tuple[str, int, int] | None = None

    @property
    def section_label(self) -> str:
        return SectionKind(self.section).label


@dataclass
class CompositionPlan:
    """What an import would do on its effective date; `errors` empty when it can be applied."""

    day: datetime.date
    created: list[PlanItem] = field(default_factory=list)
    unchanged: list[PlanItem] = field(default_factory=list)
    ended: list[PlanItem] = field(default_factory=list)
    vacant: list[PlanItem] = field(default_factory=list)
    seats_added: list[SeatChange] = field(default_factory=list)
    seats_closed: list[SeatChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def end_day(self) -> datetime.date:
        return self.day - datetime.timedelta(days=1)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.ended or self.seats_added or self.seats_closed)

    @property
    def persons_created(self) -> int:
        return len({item.row.person_key for item in self.created if item.person_obj is None and item.row})

    def fingerprint(self) -> str:
        """Identifies the changes, to check at confirmation that the plan is still the one previewed."""
        parts = [f"day:{self.day.isoformat()}"]
        parts += [
            f"c:{item.line}:{item.seat.pk if item.seat else item.new_seat}:{item.role}:"
            f"{item.person_obj.pk if item.person_obj else item.row.person_key}:{item.start}:{item.end}"
            for item in self.created
        ]
        parts += [f"e:{item.mandate.pk}" for item in self.ended]
        parts += [f"s+:{change.key}" for change in self.seats_added]
        parts += [f"s-:{change.seat.pk}" for change in self.seats_closed]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _PersonIndex:
    """Existing persons by e-mail and by name (case- and accent-insensitive)."""

    def __init__(self) -> None:
        self.by_email: dict[str, list[Person]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[Person]] = defaultdict(list)
        for person in Person.objects.only("id", "civility", "last_name", "first_name", "email").order_by("id"):
            if person.email:
                self.by_email[person.email.casefold()].append(person)
            self.by_name[(loose(person.last_name), loose(person.first_name))].append(person)

    def find(self, row: ImportRow, *, holder: Person | None) -> Person | None:
        """The person a row names; the current holder of the seat wins among namesakes."""
        name = (loose(row.last_name), loose(row.first_name))
        if row.email:
            candidates = self.by_email.get(row.email.casefold()) or [
                person for person in self.by_name.get(name, []) if not person.email
            ]
        else:
            candidates = self.by_name.get(name, [])
        if holder is not None and any(person.pk == holder.pk for person in candidates):
            return holder
        return candidates[0] if candidates else None


def _spelling_remark(row: ImportRow, person: Person | None) -> str:
    """A person found by the row's e-mail whose name the file writes otherwise ("CHANAVATT" for "CHANAVAT"): the
    portal keeps its own spelling, and the preview says so, so that a typo on either side is seen."""
    if person is None or not row.email or not person.email or person.email.casefold() != row.email.casefold():
        return ""
    if (loose(row.last_name), loose(row.first_name)) == (loose(person.last_name), loose(person.first_name)):
        return ""
    written = " ".join(part for part in (row.last_name.upper(), row.first_name) if part)
    return (
        f"nom écrit « {written} » dans le fichier pour l'adresse {row.email} : le portail garde "
        f"« {person.display_name} » ; vérifiez l'orthographe"
    )


class _Planner:
    """The state a plan is computed against (the seats open on D, the mandates current or to come), and the
    rules that turn each row, then what no row reached, into the plan's lines."""

    def __init__(self, commission: Commission, rows: list[ImportRow], day: datetime.date) -> None:
        self.commission, self.day = commission, day
        self.plan = CompositionPlan(day=day)
        self.seats = [
            seat
            for seat in Seat.objects.filter(section__commission=commission)
            .select_related("organisation", "section")
            .order_by("section", "position", "id")
            if seat.is_open_on(day)
        ]
        self.seats_of: dict[tuple[str, int], list[Seat]] = defaultdict(list)
        for seat in self.seats:
            self.seats_of[(seat.section.kind, seat.organisation_id)].append(seat)
        self.current: dict[tuple[int, str], Mandate] = {}
        self.future: dict[tuple[int, str], list[Mandate]] = defaultdict(list)
        for mandate in (
            Mandate.objects.filter(seat__section__commission=commission)
            .filter(Q(end__isnull=True) | Q(end__gte=day))
            .select_related("person", "seat__organisation", "seat__section")
            .order_by("start")
        ):
            if mandate.start <= day:
                self.current[(mandate.seat_id, mandate.role)] = mandate
            else:
                self.future[(mandate.seat_id, mandate.role)].append(mandate)
        self.known_organisations = set(
            Organisation.objects.filter(pk__in={row.organisation_id for row in rows}).values_list("pk", flat=True)
        )
        self.persons = _PersonIndex()
        self.counters: dict[tuple[str, int, str], int] = defaultdict(int)
        self.reached: set[int] = set()
        self.kept: set[int] = set()
        self.new_seats: dict[tuple[str, int, int], SeatChange] = {}

    def item_for(self, row: ImportRow) -> PlanItem:
        """The row's line of the plan, on the n-th open seat of its organisation (or a seat to add)."""
        group = self.seats_of[(row.section, row.organisation_id)]
        index = self.counters[(row.section, row.organisation_id, row.role)]
        self.counters[(row.section, row.organisation_id, row.role)] += 1
        item = PlanItem(
            section=row.section,
            organisation=row.organisation,
            role=row.role,
            person=row.person_label,
            seat_number=index + 1,
            line=row.line,
            start=row.start,
            end=row.end,
            row=row,
        )
        if index < len(group):
            item.seat = group[index]
            self.reached.add(item.seat.pk)
        else:
            item.new_seat = (row.section, row.organisation_id, index)
            if item.new_seat not in self.new_seats:
                self.new_seats[item.new_seat] = SeatChange(
                    section=row.section, organisation=row.organisation, seat_number=index + 1, key=item.new_seat
                )
        return item

    def place(self, row: ImportRow) -> None:
        plan = self.plan
        if row.organisation_id not in self.known_organisations:
            plan.errors.append(f"Ligne {row.line} : l'organisation « {row.organisation} » n'existe plus.")
            return
        item = self.item_for(row)
        if row.is_vacant:
            plan.vacant.append(item)
            return
        holder = self.current.get((item.seat.pk, row.role)) if item.seat else None
        item.person_obj = self.persons.find(row, holder=holder.person if holder else None)
        spelling = _spelling_remark(row, item.person_obj)
        if holder is not None and item.person_obj is not None and holder.person_id == item.person_obj.pk:
            item.mandate, item.start, item.end = holder, holder.start, holder.end
            item.person = holder.person.display_name
            item.note = spelling
            self.kept.add(holder.pk)
            plan.unchanged.append(item)
            return
        start = row.start or self.day
        later = self.future.get((item.seat.pk, row.role), []) if item.seat else []
        same = next((m for m in later if item.person_obj and m.person_id == item.person_obj.pk), None)
        if same is not None and same.start == start:
            item.mandate, item.start, item.end = same, same.start, same.end
            item.note = f"à partir du {date_short(same.start)}"
            plan.unchanged.append(item)
            return
        item.start = start
        self.check_dates(row, start, later)
        if item.person_obj is not None:
            item.person = item.person_obj.display_name
            item.note = spelling
        else:
            item.note = "nouvelle personne"
        if holder is not None:
            item.note = " ; ".join(filter(None, [item.note, f"remplace {holder.person.display_name}"]))
        plan.created.append(item)

    def check_dates(self, row: ImportRow, start: datetime.date, later: list[Mandate]) -> None:
        """A new mandate starts on or after D, ends after its start, and meets no mandate to come."""
        errors, day = self.plan.errors, self.day
        if row.start and row.start < day:
            errors.append(
                f"Ligne {row.line}, colonne « Début » : le début du mandat ({date_short(row.start)}) précède la date "
                f"d'effet de l'import ({date_short(day)})."
            )
        elif row.end and row.end < start:
            errors.append(
                f"Ligne {row.line}, colonne « Fin » : la fin du mandat ({date_short(row.end)}) précède son début "
                f"({date_short(start)})."
            )
        clash = next((m for m in later if row.end is None or m.start <= row.end), None)
        if clash is not None:
            errors.append(
                f"Ligne {row.line} : ce siège a déjà un {clash.get_role_display().lower()} à partir du "
                f"{date_short(clash.start)} ({clash.person.display_name})."
            )

    def seat_numbers(self) -> dict[int, int]:
        return {seat.pk: number for group in self.seats_of.values() for number, seat in enumerate(group, start=1)}

    def end_mandates_not_kept(self, numbers: dict[int, int]) -> None:
        plan = self.plan
        for (seat_id, _role), mandate in sorted(
            self.current.items(), key=lambda entry: (entry[1].seat_id, entry[0][1])
        ):
            if mandate.pk in self.kept:
                continue
            seat = mandate.seat
            plan.ended.append(
                PlanItem(
                    section=seat.section.kind,
                    organisation=seat.organisation.acronym,
                    role=mandate.role,
                    person=mandate.person.display_name,
                    seat_number=numbers.get(seat_id, 0),
                    start=mandate.start,
                    end=plan.end_day,
                    mandate=mandate,
                )
            )
            if mandate.start >= self.day:
                plan.errors.append(
                    f"Le mandat de {mandate.person.display_name} ({mandate.get_role_display().lower()}, "
                    f"{seat.organisation.acronym}) commence le {date_short(mandate.start)} : il ne peut se terminer "
                    f"le {date_short(plan.end_day)}. Choisissez une date d'effet postérieure ou corrigez ce mandat."
                )

    def close_seats_not_reached(self, numbers: dict[int, int]) -> None:
        plan = self.plan
        for seat in self.seats:
            if seat.pk in self.reached:
                continue
            plan.seats_closed.append(
                SeatChange(
                    section=seat.section.kind,
                    organisation=seat.organisation.acronym,
                    seat_number=numbers[seat.pk],
                    seat=seat,
                )
            )
            if seat.opened_on is not None and seat.opened_on > plan.end_day:
                plan.errors.append(
                    f"Le siège {numbers[seat.pk]} de {seat.organisation.acronym} "
                    f"({seat.section.get_kind_display().lower()}) est ouvert le {date_short(seat.opened_on)} : il ne "
                    f"peut être supprimé le {date_short(plan.end_day)}."
                )


def composition_plan(*, commission: Commission, rows: Iterable[ImportRow], day: datetime.date) -> CompositionPlan:
    """What importing `rows` as the composition on `day` would create, keep and end; writes nothing."""
    rows = list(rows)
    planner = _Planner(commission, rows, day)
    for row in rows:
        planner.place(row)
    plan = planner.plan
    plan.seats_added = list(planner.new_seats.values())
    numbers = planner.seat_numbers()
    planner.end_mandates_not_kept(numbers)
    planner.close_seats_not_reached(numbers)
    sections = {section.kind for section in commission.sections.all()}
    if any(kind not in sections for kind in SectionKind.values):
        plan.errors.append("La commission n'a pas ses deux sections : corrigez-la dans l'administration.")
    return plan
