"""Cache generations: what a page shows, kept in the cache until the data it comes from changes.

A *scope* names a set of models ("composition": commissions, sections, seats, mandates, presidencies,
persons, organisations…). Its *generation* is a random token in the cache; saving or deleting a row of one
of its models (or changing one of its many-to-many relations) replaces the token, so every cache key built
on the old one is never read again and expires on its own. Nothing has to know which keys to delete.

The token is replaced at once (the same request, a test inside a transaction, see the change) and again
when the transaction commits: a request of another process that read the data before the commit and
cached it under the new token would otherwise keep the old data until the timeout.

Keys are only as fresh as the cache is shared: with several web processes the cache must be Redis
(CACHE_URL), so `PAGE_CACHE` is off by default without it (and on in the demo and the tests, one process).
A write that bypasses the ORM's signals (a restore, a bulk load) calls `bump_all()`; failing that, what it
changed appears when the cached entries expire (`PAGE_CACHE_TIMEOUT`, 5 minutes).

    watch("composition", Mandate, Seat, m2m=[Commission.agents.through])    # in an AppConfig.ready()
    html = fragment(request, "commissions/_meeting_content.html", scopes=meeting_scopes(pk), what=meeting.pk,
                    vary_on={"manage": manage}, context=...)
"""

import datetime
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

COMPOSITION = "composition"
ACCOUNTS = "accounts"
MEETINGS = "meetings"  # in parts: one per commission (part_of(MEETINGS, commission.pk))
RDDS = "rdds"  # in parts, one per commission: the content, approvals and trails of its RDDs
RDD_LISTS = "rdd-lists"  # the RDDs' and meetings' rows, whatever the commission: the lists across commissions
APPROVALS = "approvals"  # every approval: the presidents' inboxes

_KEY = "generation:{}"
_SCOPES: set[str] = set()
# What the {% csrf_token %} of a cached fragment holds instead of a user's token, replaced at each request.
CSRF_PLACEHOLDER = "csrf-token-of-the-request-7f3c9b2e"


def enabled() -> bool:
    return settings.PAGE_CACHE


# The tokens already read by the current request (read once per request, forgotten when one is replaced).
_request = Local()


def _request_started(**kwargs) -> None:
    _request.tokens = {}


def _request_finished(**kwargs) -> None:
    _request.tokens = None


request_started.connect(_request_started, dispatch_uid="generations:request_started")
request_finished.connect(_request_finished, dispatch_uid="generations:request_finished")


def current(*scopes: str) -> str:
    """The scopes' tokens, joined: a part of a cache key that changes whenever one of the scopes changes."""
    memo = getattr(_request, "tokens", None)
    if memo is not None and all(scope in memo for scope in scopes):
        return "-".join(memo[scope] for scope in scopes)
    # In a request, every scope at once: the page's other parts will ask for the others.
    wanted = sorted(_SCOPES.union(scopes)) if memo is not None else scopes
    keys = [_KEY.format(scope) for scope in wanted]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)  # add: another process may be starting it too
        found = cache.get_many(keys)
    tokens = dict(zip(wanted, (found.get(key, "none") for key in keys), strict=True))
    if memo is not None:
        memo.update(tokens)
    return "-".join(tokens[scope] for scope in scopes)


def _replace(keys: list[str]) -> None:
    memo = getattr(_request, "tokens", None)
    if memo:
        memo.clear()
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
    except Exception:  # the cache is down: the write itself must not fail; entries expire on their own
        logger.exception("cache generation not replaced: %s", ", ".join(keys))


def bump(*scopes: str) -> None:
    """Replace the scopes' tokens now and when the current transaction commits."""
    keys = [_KEY.format(scope) for scope in scopes]
    _replace(keys)
    transaction.on_commit(lambda: _replace(keys))


def bump_all() -> None:
    bump(*sorted(_SCOPES))


def watch(
    scope: str,
    *models,
    m2m: Iterable = (),
    ignore_fields: Iterable[str] = (),
    part: Callable[[object], object] | None = None,
) -> None:
    """Replace `scope`'s token whenever a row of `models` is saved or deleted, or a relation of `m2m` changes.

    A save limited to `ignore_fields` (`save(update_fields=...)`, as the login does for `last_login`) changes
    nothing the scope's pages show. `part(row)`: the part of the scope the row belongs to (a commission's id),
    whose token alone is replaced (`part_of(scope, id)`); when it returns None, every part's is (the scope's).
    A model may be watched by several scopes (a page across commissions watches it as a whole).
    """
    _SCOPES.add(scope)
    ignored = frozenset(ignore_fields)

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):  # loaddata: bump_all() afterwards
            return
        update_fields = kwargs.get("update_fields")
        if update_fields and ignored.issuperset(update_fields):
            return
        key = part(instance) if part is not None else None
        bump(part_of(scope, key) if key is not None else scope)

    def relation_changed(sender, action, **kwargs):
        if action in {"post_add", "post_remove", "post_clear"}:
            bump(scope)

    for model in models:
        uid = f"generation:{scope}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    for through in m2m:
        m2m_changed.connect(
            relation_changed, sender=through, weak=False, dispatch_uid=f"generation:{scope}:{through._meta.label}"
        )


def part_of(scope: str, key) -> str:
    """The name of one part of a scope (its token changes alone); readers ask for the scope and the part."""
    return f"{scope}:{key}"


def meeting_scopes(commission_id: int) -> list[str]:
    """What a meeting page of a commission shows: its meetings (agendas, attendances) and the compositions."""
    return [COMPOSITION, MEETINGS, part_of(MEETINGS, commission_id)]


def rdd_scopes(commission_id: int) -> list[str]:
    """What an RDD page of a commission shows: its RDDs (and their follow-ups of one another), its meetings and
    the compositions. An approval lets go the commission's RDD pages, not its meeting pages."""
    return [*meeting_scopes(commission_id), RDDS, part_of(RDDS, commission_id)]


def cached_many(
    items: list[tuple[str, Callable[[], object]]], *, scopes: Iterable[str], timeout: int | None = None
) -> list:
    """`[compute() for key, compute in items]`, each kept in the cache under its key until one of the scopes
    changes (or the timeout), all read in one round trip; `compute` is called only for what is not there.

    The cache is a help, not a need: when it cannot be reached the values are computed, and the page served.
    """
    keys: list[str | None] = [None] * len(items)  # None: not kept (no page cache, or the cache is down)
    found: dict = {}
    if enabled():
        try:
            token = current(*scopes)
            keys = [f"{key}:{token}" for key, _ in items]
            found = cache.get_many(keys)
        except Exception:  # the cache server is down or unreachable
            logger.warning("cache unavailable: %s computed without it", ", ".join(k for k, _ in items), exc_info=True)
            keys = [None] * len(items)
    values, computed = [], {}
    for full_key, (_, compute) in zip(keys, items, strict=True):
        value = found.get(full_key) if full_key else None
        if value is None:
            value = compute()
            if full_key:
                computed[full_key] = value
        values.append(value)
    if computed:
        try:
            cache.set_many(computed, timeout or settings.PAGE_CACHE_TIMEOUT)
        except Exception:
            logger.warning("cache unavailable: %s not kept", ", ".join(computed), exc_info=True)
    return values


def cached(key: str, *, scopes: Iterable[str], compute: Callable[[], object], timeout: int | None = None):
    """`compute()`, kept in the cache under `key` until one of the scopes changes (see `cached_many`)."""
    return cached_many([(key, compute)], scopes=scopes, timeout=timeout)[0]


Varies = Mapping[str, object]


def _vary_text(value: object) -> str:
    """One thing a fragment varies on, as a short key part: free text (a search) hashed, sets sorted."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, set | frozenset | list | tuple):
        return ",".join(sorted(_vary_text(item) for item in value))
    text = "" if value is None else str(value)
    if text and (len(text) > 40 or not text.replace("-", "").replace("_", "").isalnum()):
        return hashlib.sha256(text.encode()).hexdigest()[:24]
    return text


def fragment_key(template_name: str, what: object, vary_on: Varies) -> str:
    """The one place a fragment's key is built: the template, what it shows, then what varies with the reader,
    by name (so that two views cannot build the same key for different readers by accident)."""
    varies = ":".join(f"{name}={_vary_text(value)}" for name, value in sorted(vary_on.items()))
    if len(varies) > 80:  # the key stays short with the scopes' tokens after it (memcached's 250 characters)
        varies = hashlib.sha256(varies.encode()).hexdigest()[:32]
    return ":".join(part for part in ("fragment", template_name, _vary_text(what), varies) if part)


def fragment(
    request,
    template_name: str,
    *,
    scopes: Iterable[str],
    what: object,
    vary_on: Varies,
    context: Callable[[], dict],
) -> SafeString:
    """A part of a page about `what` (an object's id), rendered once per reader's `vary_on` and generation of
    `scopes`, then read from the cache.

    `vary_on` names everything the fragment shows that depends on the reader or the request (roles, the
    secretariat's actions, the day, a search): `{"manage": True, "day": today}`. `context()` is called only
    when the fragment is rendered. The template sees that context alone (no request, no context processors);
    its {% csrf_token %} is the request's own token, put in at each request. Everything the fragment shows must
    come from the scopes' models, `what` or `vary_on`.
    """
    return fragments(request, scopes=scopes, parts=[(template_name, what, vary_on, context)])[0]


Part = tuple[str, object, Varies, Callable[[], dict]]


def fragments(request, *, scopes: Iterable[str], parts: list[Part]) -> list[SafeString]:
    """Several fragments of one page ((template, what, vary_on, context) each, as `fragment`), read in one round
    trip."""

    def render(template_name: str, context: Callable[[], dict]) -> Callable[[], str]:
        return lambda: render_to_string(template_name, {**context(), "csrf_token": CSRF_PLACEHOLDER})

    texts = cached_many(
        [
            (fragment_key(template_name, what, vary_on), render(template_name, context))
            for template_name, what, vary_on, context in parts
        ],
        scopes=scopes,
    )
    return [
        # Rendered by the template engine, which escaped it; the reader's own CSRF token put in.
        mark_safe(text.replace(CSRF_PLACEHOLDER, get_token(request)) if CSRF_PLACEHOLDER in text else text)
        for text in texts
    ]
