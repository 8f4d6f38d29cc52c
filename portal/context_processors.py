"""What base.html's menu needs, in one query per page instead of three.

The menu shows the user's name (their person's, when the account has one) and the link to the national
extracts when the user holds `statistics.import_national_extract`. `django.contrib.auth`'s `perms` and
`user.person` would cost two queries for the permissions (the user's own, then their groups') and one for
the person; here a single query reads the person and whether the permission is held, directly or through a
group, as ModelBackend decides it (an active superuser holds every permission). Computed only when the
template reads it (never for anonymous pages), and kept in the cache until an account, a person, a group or
a permission changes (portal.generations). The extract views still check the permission themselves.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property

from . import generations

EXTRACT_PERMISSION = ("statistics", "import_national_extract")


class Menu:
    def __init__(self, user):
        self.user = user

    @cached_property
    def _facts(self) -> tuple[str | None, bool]:
        """(the person's name or None, whether the permission is held directly or through a group)."""
        return generations.cached(
            f"menu:{self.user.pk}", scopes=[generations.ACCOUNTS], compute=self._read, timeout=3600
        )

    def _read(self) -> tuple[str | None, bool]:
        user = self.user
        app_label, codename = EXTRACT_PERMISSION
        holds = Permission.objects.filter(
            Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
            content_type__app_label=app_label,
            codename=codename,
        )
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .select_related("person")
            .annotate(_can_import_extracts=Exists(holds))
            .first()
        )
        if row is None:
            return None, False
        person = getattr(row, "person", None)
        return (person.display_name if person is not None else None), bool(row._can_import_extracts)

    @property
    def can_import_extracts(self) -> bool:
        user = self.user
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        return self._facts[1]

    @property
    def name(self) -> str:
        if not self.user.is_authenticated:
            return ""
        return self._facts[0] or self.user.get_username()


def menu(request) -> dict:
    return {"menu": Menu(request.user) if hasattr(request, "user") else None}
