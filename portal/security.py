"""Security events: failed logins, lockouts and denied accesses to the "portal.security" logger.

The receivers are connected by the `ops` application (`OpsConfig.ready`). The password is never
logged; the user name and the client's address are, so that an attack can be traced.
"""

import logging
import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import user_logged_in, user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("portal.security")

# Session key holding the time of the login (seconds since the epoch), read by SessionLifetimeMiddleware.
LOGIN_AT = "portal_login_at"


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-")


def user_label(request: HttpRequest | None) -> str:
    """Who made the request, for a log line; never an error of its own (the user is read from the session, in the
    database, which may be what just failed)."""
    try:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return "anonyme"
        return f"{user.get_username()} (#{user.pk})"
    except Exception:  # noqa: BLE001 - a log line must not fail the error page that writes it
        return "inconnu (session illisible)"


@receiver(user_logged_in, dispatch_uid="portal.security.remember_login_time")
def remember_login_time(sender, request=None, user=None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())
    logger.info("login succeeded user=%s ip=%s", user.get_username(), client_address(request))


@receiver(user_login_failed, dispatch_uid="portal.security.log_login_failure")
def log_login_failure(sender, credentials=None, request=None, **kwargs) -> None:
    # `credentials` is already cleansed by Django (the password replaced by stars).
    username = (credentials or {}).get("username", "")
    logger.warning("login failed user=%r ip=%s", username, client_address(request))


@receiver(user_locked_out, dispatch_uid="portal.security.log_lockout")
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    logger.warning(
        "login locked out user=%r ip=%s after %s failures", username, ip_address, settings.AXES_FAILURE_LIMIT
    )


def log_denied(request: HttpRequest, status: int, exception: BaseException | None) -> None:
    """A 403 or 404 answered to a request: who asked for what (the message says why)."""
    level = logging.WARNING if status == 403 else logging.INFO
    logger.log(
        level,
        "access denied status=%s user=%s ip=%s method=%s path=%s reason=%r",
        status,
        user_label(request),
        client_address(request),
        request.method,
        request.path,
        str(exception or ""),
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: the login page again, with the reason, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/login.html",
        {
            "form": AuthenticationForm(request),
            "lockout_message": settings.AXES_COOLOFF_MESSAGE,
            "lockout_minutes": minutes,
            "next": request.POST.get("next", "") if request.method == "POST" else "",
        },
        status=429,
    )
