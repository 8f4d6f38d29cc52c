"""Schemathesis against the checked-in schema (api/openapi.yaml): every operation, called in process (WSGI) as a
secretariat agent, a section president, a member, a service's reader (role "lecteur") and an agent of another
commission, answers no 500 and conforms to the schema (status code, content type, body). The examples are bounded
(MAX_EXAMPLES per operation, deterministic) so that the module stays well under five minutes."""

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api.conftest import token_for

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "api" / "openapi.yaml")
SCHEMA.app = get_wsgi_application()  # called in process, as schemathesis.openapi.from_wsgi would set it
SCHEMA.config.update(base_url="http://localhost")
SCHEMA.config.generation.update(modes=["positive"], max_examples=8, deterministic=True, database="none")


@pytest.fixture(autouse=True)
def _connection_kept_between_requests():
    """The WSGI handler closes the database connection at the end of each request, which would end the test's
    transaction on PostgreSQL; Django's test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(alice, bob, member_user, presidents, reader, transmitted, planned, other_meeting):
    return [token_for(user) for user in (alice, presidents[0].user, member_user, reader, bob)]


@SCHEMA.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_every_operation_answers_as_its_schema_says(case, tokens):
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
