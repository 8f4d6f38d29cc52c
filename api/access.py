"""What a caller of the API sees, decided by the portal's one place (commissions.composition.access).

`scope_for(request)` asks `roles_by_commission` once per request (one query) and keeps the answer on the
request: every endpoint filters its queryset on `visible` (an object of another commission is not found: 404),
and personal data (e-mail, phone) are given only for the commissions in `secretariat`.
"""

from dataclasses import dataclass

from commissions.composition.access import Role, roles_by_commission

_SCOPE = "_api_scope"


@dataclass(frozen=True)
class Scope:
    visible: frozenset[int]  # commission ids the caller sees
    secretariat: frozenset[int]  # commission ids whose personal data the caller may read (agents, admins)


def scope_for(request) -> Scope:
    cached = getattr(request, _SCOPE, None)
    if cached is not None:
        return cached
    rows = roles_by_commission(request.user)
    scope = Scope(
        visible=frozenset(commission.pk for commission, _ in rows),
        secretariat=frozenset(commission.pk for commission, roles in rows if roles & {Role.ADMIN, Role.SECRETARIAT}),
    )
    setattr(request, _SCOPE, scope)
    return scope
