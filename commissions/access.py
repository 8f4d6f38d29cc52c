"""Who may see and change what: the one place where access is decided.

Every view reaches a commission through `commission_for` (404, never 403, for
a commission the user has no part in, so its existence is not revealed), and
then the commission's objects through querysets filtered on that commission.
"""

import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Commission, Mandate, SectionPresidency


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    PRESIDENT = "president"
    MEMBER = "member"


def roles_in(user, commission: Commission, *, day: datetime.date | None = None) -> set[Role]:
    """The roles a user holds in a commission (derived from mandates and presidencies)."""
    if not user.is_authenticated:
        return set()
    roles: set[Role] = set()
    if user.is_superuser:
        roles.add(Role.ADMIN)
    if commission.agents.filter(pk=user.pk).exists():
        roles.add(Role.SECRETARIAT)
    day = day or commission.today()
    if Mandate.objects.current_on(day).filter(seat__section__commission=commission, person__user=user).exists():
        roles.add(Role.MEMBER)
    if SectionPresidency.objects.current_on(day).filter(section__commission=commission, person__user=user).exists():
        roles.add(Role.PRESIDENT)
    return roles


def can_manage(user, commission: Commission) -> bool:
    """Secretariat agents of the commission and admins change its data."""
    return bool(roles_in(user, commission) & {Role.ADMIN, Role.SECRETARIAT})


def commission_for(user, slug: str, *, manage: bool = False) -> Commission:
    """The commission if the user may see it (or change it, with manage=True).

    404 when the user has no part in the commission; 403 when a member or a
    president of the commission asks for a secretariat action.
    """
    commission = Commission.objects.visible_to(user).filter(slug=slug).first()
    if commission is None:
        raise Http404("Commission introuvable.")
    if manage and not can_manage(user, commission):
        raise PermissionDenied("Cette action est réservée au secrétariat de la commission.")
    return commission
