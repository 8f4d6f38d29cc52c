"""Changes to compositions and presidencies: one function per business rule.

Views, the admin, commands and the import all call these; each validates
before writing and raises ValidationError with French messages keyed by
field, so that forms can show them next to the field.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import Organisation, Person
from members.services import person_invite
from portal.formats import date_short

from .models import (
    Commission,
    CompositionChange,
    Mandate,
    PresidencyDesignation,
    Seat,
    Section,
    SectionKind,
    SectionPresidency,
)


def member_sits_in_section(*, person: Person, section: Section, day: datetime.date) -> bool:
    return Mandate.objects.current_on(day).filter(person=person, seat__section=section).exists()


@transaction.atomic
def seat_add(*, section: Section, organisation: Organisation, opened_on: datetime.date | None = None) -> Seat:
    """A new seat for an organisation: vacant ("à pourvoir") until a mandate fills it."""
    last = section.seats.order_by("-position").values_list("position", flat=True).first() or 0
    seat = Seat(section=section, organisation=organisation, position=last + 1, opened_on=opened_on)
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def mandate_add(
    *,
    seat: Seat,
    role: str,
    person: Person,
    start: datetime.date,
    end: datetime.date | None = None,
    change: CompositionChange | None = None,
    user=None,
) -> Mandate:
    """A mandate on a seat; `person` may be new (unsaved): it is saved with the mandate or not at all. Without the
    import's `change`, the mandate is recorded as a change of composition of its own (by `user`)."""
    # Lock the seat so that two concurrent additions cannot both pass the overlap check.
    Seat.objects.select_for_update().filter(pk=seat.pk).first()
    if person.pk is None:
        person.full_clean()
        person.save()
    mandate = Mandate(seat=seat, role=role, person=person, start=start, end=end, opened_by=change)
    mandate.full_clean()
    mandate.save()
    if change is None:
        # A change made by hand is a change of composition like an import's: listed in "Derniers changements".
        mandate.opened_by = _manual_change(
            seat,
            start,
            f"{person.display_name}, {mandate.get_role_display().lower()} pour {seat.organisation} "
            f"({seat.section.get_kind_display().lower()}) à partir du {date_short(start)}",
            user,
        )
        mandate.save(update_fields=["opened_by"])
    return mandate


def _manual_change(seat: Seat, day: datetime.date, description: str, user) -> CompositionChange:
    return CompositionChange.objects.create(
        commission_id=seat.section.commission_id,
        effective_on=day,
        description=description[:300],
        created_by=user if user is not None and user.pk else None,
    )


@transaction.atomic
def mandate_end(*, mandate: Mandate, end: datetime.date, change: CompositionChange | None = None, user=None) -> Mandate:
    """End a mandate on `end` (inclusive): the seat's role is "à pourvoir" from the next day. Without the import's
    `change`, the end is recorded as a change of composition of its own (by `user`)."""
    mandate = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if end < mandate.start:
        raise ValidationError({"end": f"La fin ne peut précéder le début du mandat ({date_short(mandate.start)})."})
    if mandate.end is not None and mandate.end < end:
        raise ValidationError({"end": f"Ce mandat est déjà terminé le {date_short(mandate.end)}."})
    if change is None:
        seat = Seat.objects.select_related("section", "organisation").get(pk=mandate.seat_id)
        change = _manual_change(
            seat,
            end,
            f"Fin du mandat de {mandate.get_role_display().lower()} de {mandate.person.display_name} pour "
            f"{seat.organisation} ({seat.section.get_kind_display().lower()}) le {date_short(end)}",
            user,
        )
    mandate.end = end
    mandate.closed_by = change
    mandate.full_clean()
    mandate.save(update_fields=["end", "closed_by", "updated_at"])
    return mandate


@transaction.atomic
def section_president_set(*, section: Section, person: Person, start: datetime.date) -> SectionPresidency:
    """Record a section's new president from `start`; the outgoing one's term ends the day before."""
    list(SectionPresidency.objects.select_for_update().filter(section=section))
    if not member_sits_in_section(person=person, section=section, day=start):
        raise ValidationError(
            {
                "person": f"{person.display_name} ne siège pas dans la {section.get_kind_display().lower()} "
                f"au {date_short(start)} : le président d'une section est choisi parmi ses membres."
            }
        )
    later = SectionPresidency.objects.filter(section=section, start__gte=start).first()
    if later is not None:
        raise ValidationError(
            {
                "start": f"Une présidence de cette section commence déjà le {date_short(later.start)} "
                f"({later.person.display_name})."
            }
        )
    outgoing = SectionPresidency.objects.current_on(start).filter(section=section).first()
    if outgoing is not None:
        outgoing.end = start - datetime.timedelta(days=1)
        outgoing.save(update_fields=["end"])
    presidency = SectionPresidency(section=section, person=person, start=start)
    presidency.full_clean()
    presidency.save()
    return presidency


@transaction.atomic
def designation_record(
    *,
    commission: Commission,
    year: int,
    president: Person,
    president_section: str,
    vice_president: Person,
    designated_on: datetime.date,
    note: str = "",
) -> PresidencyDesignation:
    """Record (or replace) the presidency designated in session for a year."""
    designation = PresidencyDesignation.objects.filter(commission=commission, year=year).first()
    designation = designation or PresidencyDesignation(commission=commission, year=year)
    designation.president = president
    designation.president_section = president_section
    designation.vice_president = vice_president
    designation.designated_on = designated_on
    designation.note = note
    designation.full_clean()
    designation.save()
    return designation


def sections_ensure(commission: Commission) -> None:
    """A commission always has its two sections."""
    for kind in SectionKind:
        Section.objects.get_or_create(commission=commission, kind=kind)


@transaction.atomic
def commission_create(commission: Commission | None = None, *, agent=None, **fields) -> Commission:
    """A new commission with its two sections, in one transaction: the portal's "Nouvelle commission" page and the
    admin both create through here. `commission` is an unsaved instance (a form's), or `fields` build one;
    `agent`, when given, becomes an agent of its secretariat."""
    commission = commission if commission is not None else Commission(**fields)
    commission.full_clean()
    commission.save()
    sections_ensure(commission)
    if agent is not None:
        commission.agents.add(agent)
    return commission


@dataclass
class InvitationPlan:
    """The commission's current members as a bulk invitation sees them: who gets an invitation, who cannot and why."""

    to_invite: list[Person] = field(default_factory=list)
    without_email: list[Person] = field(default_factory=list)
    # (person, why): an account in use, an invitation already sent and not yet taken up, a deactivated account.
    with_account: list[tuple[Person, str]] = field(default_factory=list)


def invitation_plan(commission: Commission, *, day: datetime.date | None = None) -> InvitationPlan:
    """Every person holding a mandate in the commission on `day` (its today by default), once, by name."""
    day = day or commission.today()
    persons = (
        Person.objects.filter(
            pk__in=Mandate.objects.current_on(day).filter(seat__section__commission=commission).values("person_id")
        )
        .select_related("user")
        .order_by("last_name", "first_name", "pk")
    )
    plan = InvitationPlan()
    for person in persons:
        user = person.user
        if user is not None:
            if not user.is_active:
                why = "compte désactivé"
            elif user.has_usable_password():
                why = f"a déjà un compte (identifiant « {user.get_username()} »)"
            else:
                why = "déjà invité(e), n'a pas encore choisi son mot de passe"
            plan.with_account.append((person, why))
        elif not person.email:
            plan.without_email.append(person)
        else:
            plan.to_invite.append(person)
    return plan


@dataclass
class InvitationOutcome:
    plan: InvitationPlan
    invited: list[Person] = field(default_factory=list)
    refused: list[tuple[Person, str]] = field(default_factory=list)  # (person, the French reason person_invite gave)


def members_invite(*, commission: Commission, invited_by) -> InvitationOutcome:
    """Invite, through `person_invite`, each current member with an e-mail and no account (one transaction each,
    so that one refusal, an address already taken by another account, stops no other). Running it again invites
    nobody twice: those invited the first time have an account by then."""
    outcome = InvitationOutcome(plan=invitation_plan(commission))
    for person in outcome.plan.to_invite:
        try:
            person_invite(person=person, invited_by=invited_by)
        except ValidationError as error:
            outcome.refused.append((person, " ".join(error.messages)))
        else:
            outcome.invited.append(person)
    return outcome
