"""Applying a composition import's plan, in one transaction.

Applying
- In one transaction, after locking the commission's seats, the plan is
  computed again against the database as it is then (a plan that differs
  from the preview is not applied). One CompositionChange (effective on D,
  optionally approved in session on a date) opens and closes the mandates,
  through the services mandate_end, seat_add and mandate_add. Any error
  rolls everything back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import Organisation, Person

from .models import Commission, CompositionChange, Seat
from .planning import CompositionPlan, composition_plan
from .reading import ImportRow, errors_at_most
from .services import mandate_add, mandate_end, seat_add


class PlanChanged(Exception):
    """The composition changed between the preview and the confirmation: the new plan must be previewed."""

    def __init__(self, plan: CompositionPlan) -> None:
        super().__init__("La composition a changé depuis l'aperçu.")
        self.plan = plan


def _row_error(line: int | None, error: ValidationError) -> ValidationError:
    prefix = f"Ligne {line} : " if line else ""
    return ValidationError([f"{prefix}{message}" for message in error.messages])


@transaction.atomic
def composition_apply(
    *,
    commission: Commission,
    rows: Iterable[ImportRow],
    day: datetime.date,
    filename: str,
    user=None,
    approved_on: datetime.date | None = None,
    expected: str | None = None,
) -> CompositionPlan:
    """Apply an import in one transaction; ValidationError (nothing saved) or PlanChanged otherwise."""
    # Two imports into the same commission wait for each other rather than interleave.
    list(Seat.objects.select_for_update(of=("self",)).filter(section__commission=commission).values_list("pk"))
    plan = composition_plan(commission=commission, rows=rows, day=day)
    if plan.errors:
        raise errors_at_most(plan.errors)
    if expected is not None and plan.fingerprint() != expected:
        raise PlanChanged(plan)
    if not plan.has_changes:
        return plan
    change = CompositionChange(
        commission=commission,
        effective_on=day,
        approved_on=approved_on,
        description=f"Import de composition (fichier {filename[:200]})",
        created_by=user if user is not None and user.is_authenticated else None,
    )
    change.full_clean()
    change.save()
    for item in plan.ended:
        try:
            mandate_end(mandate=item.mandate, end=plan.end_day, change=change)
        except ValidationError as error:
            raise _row_error(None, error) from error
    for closing in plan.seats_closed:
        closing.seat.closed_on = plan.end_day
        closing.seat.full_clean()
        closing.seat.save(update_fields=["closed_on", "updated_at"])
    sections = {section.kind: section for section in commission.sections.all()}
    organisations = Organisation.objects.in_bulk({adding.key[1] for adding in plan.seats_added})
    added: dict[tuple[str, int, int], Seat] = {}
    for adding in plan.seats_added:
        section, organisation_id, _index = adding.key
        added[adding.key] = seat_add(
            section=sections[section], organisation=organisations[organisation_id], opened_on=day
        )
    new_persons: dict[tuple[str, ...], Person] = {}
    for item in plan.created:
        row = item.row
        person = item.person_obj
        try:
            if person is None:
                person = new_persons.get(row.person_key)
            if person is None:
                person = Person(
                    civility=row.civility, last_name=row.last_name, first_name=row.first_name, email=row.email
                )
                person.full_clean()
                person.save()
                new_persons[row.person_key] = person
            mandate_add(
                seat=item.seat or added[item.new_seat],
                role=row.role,
                person=person,
                start=item.start,
                end=row.end,
                change=change,
            )
        except ValidationError as error:
            raise _row_error(row.line, error) from error
    return plan
