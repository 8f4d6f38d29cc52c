"""Middleware of the portal's sessions: their lifetime, and no copy of a signed-in user's pages kept by a cache.

The lifetime of a session: 30 idle minutes, and at most SESSION_MAX_LIFETIME seconds after the login.

The idle timeout is Django's own (SESSION_COOKIE_AGE: the session and its cookie expire that long after the
session was last saved). Rather than saving the session at every request (SESSION_SAVE_EVERY_REQUEST, three
queries each time), this middleware marks it modified when its last save is SESSION_REFRESH_SECONDS old or
more, so that SessionMiddleware saves it (and sends the cookie again) at most once a minute.

The absolute lifetime ends a session that stayed active all day. The login time is stored by
`portal.security.remember_login_time`.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import patch_cache_control

from .security import LOGIN_AT, client_address

logger = logging.getLogger("portal.security")

# When the session was last saved (seconds since the epoch), to renew its idle timeout once a minute.
REFRESHED_AT = "portal_refreshed_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get(LOGIN_AT)
            if login_at is None:
                # A session opened before this middleware existed: its lifetime counts from now.
                request.session[LOGIN_AT] = int(time.time())
            elif time.time() - login_at > settings.SESSION_MAX_LIFETIME:
                logger.info("session expired user=%s ip=%s", user.get_username(), client_address(request))
                logout(request)
        response = self.get_response(request)
        self._refresh(request)
        return response

    @staticmethod
    def _refresh(request) -> None:
        """Mark the session modified (SessionMiddleware saves it) when it is saved anyway or its save is old."""
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.keys():
            return  # no session, one just ended (logout) or expired: nothing to keep alive
        now = int(time.time())
        if session.modified or now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_AT] = now


class PrivateCacheMiddleware:
    """What a signed-in user receives (pages, downloads, exports) is kept by no browser disk nor shared cache.

    A response without Cache-Control gets "private, no-store"; one that has its own (an image of the rich
    text kept an hour by the browser, a page marked never_cache) keeps it, made private. Anonymous
    responses (the login page, /sante/, static files served by WhiteNoise before any middleware) are untouched.
    Placed after AuthenticationMiddleware, which gives the request its user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            else:
                patch_cache_control(response, private=True, no_store=True)
        return response
