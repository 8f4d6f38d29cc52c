"""Error pages: denied accesses are logged; a server error gets an incident id, shown and logged.

The 500 page is rendered without a request context (no context processor, no database query):
whatever broke the request may be broken still.
"""

import logging
import secrets
import sys

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from .security import client_address, log_denied, user_label

logger = logging.getLogger("portal.errors")


def new_incident_id() -> str:
    """Short enough to be read over the phone, e.g. "7F3A-92C1"."""
    value = secrets.token_hex(4).upper()
    return f"{value[:4]}-{value[4:]}"


@requires_csrf_token
def permission_denied(request, exception=None):
    log_denied(request, 403, exception)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request, exception=None):
    log_denied(request, 404, exception)
    return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request):
    incident = new_incident_id()
    logger.error(
        "incident %s: server error user=%s ip=%s method=%s path=%s",
        incident,
        user_label(request),
        client_address(request),
        request.method,
        request.path,
        exc_info=sys.exc_info()[0] is not None,
        extra={"incident_id": incident},
    )
    try:
        body = loader.get_template("500.html").render({"incident_id": incident})
    except Exception:  # the error page must not fail in turn
        body = f"<h1>Une erreur est survenue</h1><p>Référence de l'incident : {incident}</p>"
    response = HttpResponseServerError(body)
    response["X-Incident-Id"] = incident
    return response


def csrf_failure(request, reason=""):
    """The refusal of a form whose CSRF token is missing or stale (settings.CSRF_FAILURE_VIEW), in French and
    whatever DEBUG says; logged like any denied access."""
    log_denied(request, 403, reason)
    return render(request, "403_csrf.html", status=403)


class FrenchNotFoundInDebug:
    """With DEBUG (the demo), a page not found is the portal's French 404 page instead of Django's English
    technical page: a view's Http404 and an address that matches no URL. Without DEBUG, handler404 does it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return page_not_found(request, None)
        return response

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
