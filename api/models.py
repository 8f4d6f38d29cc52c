"""Personal API tokens: created and revoked by each user, stored as a hash, shown once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now) -> "ApiTokenQuerySet":
        """Tokens neither revoked nor expired, of active accounts."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A personal token for the API: only its SHA-256 is kept, the token itself is shown once at its creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="compte"
    )
    name = models.CharField("nom", max_length=100, help_text="Par exemple « Tableau de bord régional ».")
    # The first characters of the token, shown in the list so that its owner recognises it (not a secret).
    prefix = models.CharField("début du jeton", max_length=12, editable=False)
    key_hash = models.CharField("empreinte", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="api_token_expires_later"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) — {self.user}"


class Tombstone(models.Model):
    """An object of the API that was deleted: kept so that a client synchronising with `modified_since` learns of
    the removal (`/api/v1/deleted/`). Plain ids, not foreign keys: the objects, and maybe their commission, are
    gone. A person or an organisation belongs to no commission: its tombstone has none."""

    class Kind(models.TextChoices):
        BODY = "body", "Body"
        SECTION = "section", "Organization"
        ORGANIZATION = "organization", "Organization"
        PERSON = "person", "Person"
        POST = "post", "Post"
        MEMBERSHIP = "membership", "Membership"
        MEETING = "meeting", "Meeting"
        AGENDA_ITEM = "agendaitem", "AgendaItem"
        FILE = "file", "File"
        TABLE = "table", "Table"

    # Shared between commissions: their tombstones have no commission, and go to every caller who sees one.
    SHARED = (Kind.ORGANIZATION, Kind.PERSON)

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField("identifiant")
    commission_id = models.BigIntegerField("commission", null=True)
    deleted_at = models.DateTimeField("supprimé le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "objet supprimé"
        verbose_name_plural = "objets supprimés"
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} supprimé le {self.deleted_at:%d/%m/%Y}"
