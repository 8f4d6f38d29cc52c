"""Error pages: denied accesses are logged; a server error gets an incident id, shown and logged.

The 500 page is rendered without a request context (no context processor, no database query):
whatever broke the request may be broken still.
"""

import logging
import secrets
import sys

from django.http import HttpResponseServerError
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
