"""Who may see and change what: the one place where access is decided.

Every view reaches a commission through `commission_for` (404, never 403, for
a commission the user has no part in, so its existence is not revealed), and
then the commission's objects through querysets filtered on that commission.

`commission_for` decides visibility and the user's roles in one query (EXISTS
subqueries on the commission's row) and keeps the roles on the commission it
returns, so that `roles_in` and `can_manage` on that commission, later in the
same request, ask the database nothing more. The answer stays in the cache
until a commission, its agents, a mandate, a presidency or a person changes
(portal.generations: the "composition" scope), the date being part of the key.
"""

import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from portal import generations

from .models import Commission, Mandate, ReaderScope, SectionPresidency

# Where commission_for leaves the roles it found: (user pk, day, roles), on the commission instance.
_ROLES = "_access_roles"


class Role(StrEnum):
    ADMIN = "admin"
    SECRETARIAT = "secretariat"
    PRESIDENT = "president"
    MEMBER = "member"
    READER = "reader"  # "lecteur": a service reading the commission (ReaderScope), read-only like a member


def _role_subqueries(user, day: datetime.date) -> dict:
    """EXISTS subqueries on a commission's row: the user is an agent, a member on `day`, a president on `day`, a
    reader on `day` (the commission listed in a scope, or of a scope's level, on its territory if it names one)."""
    commission = OuterRef("pk")
    scopes = ReaderScope.objects.current_on(day).filter(user_id=user.pk).order_by().values("pk")
    return {
        "_is_agent": Exists(Commission.agents.through.objects.filter(commission_id=commission, user_id=user.pk)),
        "_is_member": Exists(
            Mandate.objects.current_on(day).filter(seat__section__commission_id=commission, person__user_id=user.pk)
        ),
        "_is_president": Exists(
            SectionPresidency.objects.current_on(day).filter(section__commission_id=commission, person__user_id=user.pk)
        ),
        "_is_listed_reader": Exists(
            ReaderScope.commissions.through.objects.filter(commission_id=commission, readerscope__in=scopes)
        ),
        "_is_scoped_reader": Exists(
            ReaderScope.objects.current_on(day)
            .filter(user_id=user.pk, level=OuterRef("level"))
            .filter(Q(territory="") | Q(territory=OuterRef("territory")))
        ),
    }


_FLAGS = ("_is_agent", "_is_member", "_is_president", "_is_listed_reader", "_is_scoped_reader")


def _flags_of(commission: Commission) -> tuple[bool, ...]:
    """The flags annotated by `_role_subqueries` (False for one absent from a commission kept by an older version)."""
    return tuple(bool(getattr(commission, flag, False)) for flag in _FLAGS)


def _roles_from_flags(
    user, is_agent: bool, is_member: bool, is_president: bool, is_listed_reader: bool = False, is_scoped_reader=False
) -> set[Role]:
    roles: set[Role] = set()
    if user.is_superuser:
        roles.add(Role.ADMIN)
    if is_agent:
        roles.add(Role.SECRETARIAT)
    if is_member:
        roles.add(Role.MEMBER)
    if is_president:
        roles.add(Role.PRESIDENT)
    if is_listed_reader or is_scoped_reader:
        roles.add(Role.READER)
    return roles


def roles_in(user, commission: Commission, *, day: datetime.date | None = None) -> set[Role]:
    """The roles a user holds in a commission (derived from mandates and presidencies)."""
    if not user.is_authenticated:
        return set()
    day = day or commission.today()
    cached = commission.__dict__.get(_ROLES)
    if cached is not None and cached[0] == user.pk and cached[1] == day:
        return set(cached[2])
    flags = (
        Commission.objects.filter(pk=commission.pk).annotate(**_role_subqueries(user, day)).values_list(*_FLAGS).first()
    )
    return _roles_from_flags(user, *(flags or (False,) * len(_FLAGS)))


def can_manage(user, commission: Commission) -> bool:
    """Secretariat agents of the commission and admins change its data (never a reader, a member, a president)."""
    return bool(roles_in(user, commission) & {Role.ADMIN, Role.SECRETARIAT})


def can_create_commission(user) -> bool:
    """Administrators create commissions: superusers, and staff accounts given the permission to add one.

    Only staff accounts are asked for their permissions (a query): the secretariat's and members' pages pay nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm("commissions.add_commission"))


def commission_for(user, slug: str, *, manage: bool = False) -> Commission:
    """The commission if the user may see it (or change it, with manage=True).

    404 when the user has no part in the commission; 403 when a member or a
    president of the commission asks for a secretariat action.

    Visible as `Commission.objects.visible_to(user)` says (agent, or member, president or reader on the server's
    date); one query answers it together with the user's roles on that date, kept for `roles_in`, which
    judges roles on the commission's own date (the same one, except around midnight in another time zone).
    """
    if not user.is_authenticated:
        raise Http404("Commission introuvable.")
    server_today = datetime.date.today()

    def read():
        found = (
            Commission.objects.filter(slug=slug)
            .annotate(**_role_subqueries(user, server_today))
            .select_related("secretariat_organisation")
            .first()
        )
        return found if found is not None else False  # False: none by that name (None means not cached)

    # Kept in the cache until a commission, a mandate, a presidency or an agent changes (portal.generations).
    commission = generations.cached(
        f"access:{user.pk}:{slug}:{server_today.isoformat()}", scopes=[generations.COMPOSITION], compute=read
    )
    if not commission or not (user.is_superuser or any(_flags_of(commission))):
        raise Http404("Commission introuvable.")
    if commission.today() == server_today:
        roles = _roles_from_flags(user, *_flags_of(commission))
        commission.__dict__[_ROLES] = (user.pk, server_today, frozenset(roles))
    if manage and not can_manage(user, commission):
        raise PermissionDenied("Cette action est réservée au secrétariat de la commission.")
    return commission


def roles_by_commission(user) -> list[tuple[Commission, frozenset[Role]]]:
    """Every commission the user sees (`Commission.objects.visible_to`), by name, with the user's roles in it.

    One query whatever the number of commissions, for the pages that read all of them at once (the home page,
    the search). Roles are judged on the server's date, as `commission_for` does, and kept on each commission so
    that `roles_in` and `can_manage` on it ask nothing more.
    """
    if not user.is_authenticated:
        return []
    server_today = datetime.date.today()
    rows = []
    for commission in Commission.objects.visible_to(user).annotate(**_role_subqueries(user, server_today)):
        roles = frozenset(_roles_from_flags(user, *_flags_of(commission)))
        if commission.today() == server_today:
            commission.__dict__[_ROLES] = (user.pk, server_today, roles)
        rows.append((commission, roles))
    return rows
