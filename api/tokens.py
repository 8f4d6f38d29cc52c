"""The API tokens' rules: creation (the token is returned once), revocation, lookup by the authentication."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import ApiToken

# "cpt_" tells a reader (and a secret scanner) what the string is; the rest is 256 random bits.
TOKEN_PREFIX = "cpt_"
MAX_DAYS = 366
# The last use is written at most this often per token: a client polling every second writes nothing more.
LAST_USE_RESOLUTION = datetime.timedelta(minutes=5)


def token_hash(token: str) -> str:
    """The stored form of a token: its SHA-256 (the token is random and long, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user, name: str, days: int, token: str | None = None) -> tuple[ApiToken, str]:
    """A new token of the user, valid `days` days: the row and the token, which is never shown again.

    `token` is given only by `manage.py demo_api_tokens` (known demo tokens, with DEBUG only); otherwise random.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au jeton (par exemple l'outil qui l'utilisera)."})
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"La durée de validité doit être comprise entre 1 et {MAX_DAYS} jours."})
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        key_hash=token_hash(token),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    row.full_clean(exclude=["key_hash"])
    row.save()
    return row, token


def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of the user's tokens; False when it is not theirs or already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def api_token_user(token: str):
    """The user a token authenticates, or None (unknown, revoked, expired, inactive account); records the use."""
    now = timezone.now()
    row = ApiToken.objects.usable(now).filter(key_hash=token_hash(token)).select_related("user").first()
    if row is None:
        return None
    if row.last_used_at is None or row.last_used_at < now - LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
