from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from commissions.composition.access import commission_for
from commissions.composition.models import Commission
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
