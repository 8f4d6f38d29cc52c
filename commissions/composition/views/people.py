from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from commissions.composition.access import commission_for
from commissions.composition.models import Commission
from commissions.composition.services import invitation_plan, members_invite
from members.models import Person
from members.services import person_invite


def _get_person_of_commission(commission: Commission, person_id: int) -> Person:
    """A person who holds, held or will hold a mandate in the commission, or one of its secretariat contacts; 404
    otherwise, so that another commission's people are not revealed."""
    people = Person.objects.filter(
        Q(pk__in=Person.objects.filter(mandates__seat__section__commission=commission).values("pk"))
        | Q(pk__in=commission.secretariat_contacts.values("pk"))
    )
    return get_object_or_404(people, pk=person_id)


@login_required
@require_POST
def person_invite_view(request, slug: str, person_id: int):
    commission = commission_for(request.user, slug, manage=True)
    person = _get_person_of_commission(commission, person_id)
    try:
        person_invite(person=person, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation envoyée à {person.display_name} ({person.email}).")
    return redirect("commissions:detail", slug=commission.slug)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number < 2 else many}"  # in French, 0 takes the singular


@login_required
@require_http_methods(["GET", "POST"])
def members_invite_view(request, slug: str):
    """Invite every current member with an e-mail and no account: a page says who will be invited and who cannot be,
    then one button sends the invitations (each through `person_invite`, e-mailed by Celery)."""
    commission = commission_for(request.user, slug, manage=True)
    if request.method == "GET":
        return render(
            request,
            "commissions/members_invite.html",
            {"commission": commission, "plan": invitation_plan(commission), "nav": "commissions"},
        )
    outcome = members_invite(commission=commission, invited_by=request.user)
    plan = outcome.plan
    parts = [_count(len(outcome.invited), "invitation envoyée", "invitations envoyées")]
    if plan.without_email:
        parts.append(_count(len(plan.without_email), "membre sans adresse e-mail", "membres sans adresse e-mail"))
    if plan.with_account:
        parts.append(
            _count(len(plan.with_account), "membre ayant déjà un compte", "membres ayant déjà un compte")
            + " ou une invitation en attente"
        )
    summary = ", ".join(parts) + "."
    if outcome.invited:
        messages.success(request, summary)
    else:
        messages.info(request, summary)
    for person, reason in outcome.refused:
        messages.error(request, f"{person.display_name} n'a pas été invité(e) : {reason}")
    return redirect("commissions:detail", slug=commission.slug)
