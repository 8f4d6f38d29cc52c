"""The absolute lifetime of a session: at most SESSION_MAX_LIFETIME seconds after the login.

The idle timeout is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST); this one ends a
session that stayed active all day. The login time is stored by `portal.security.remember_login_time`.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import logout

from .security import LOGIN_AT, client_address

logger = logging.getLogger("portal.security")


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
        return self.get_response(request)
