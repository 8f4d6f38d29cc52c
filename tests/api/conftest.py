"""Fixtures of the API tests: Alice's commission with a composition, a held session with its transmitted RDD,
a planned session, and a token for each role (the world of tests/conftest.py: alice, bob, charlie, ...)."""

import datetime

import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_create
from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.services import meeting_create
from decisions import services as decisions
from tests.api.helpers import transmit_session
from tests.factories import make_session, seat_member
from tests.supports.helpers import FakeRenderer


@pytest.fixture
def fake_renderer(monkeypatch):
    from supports import services

    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


@pytest.fixture
def transmitted(commission, alice, presidents, frozen_today, fake_renderer, django_capture_on_commit_callbacks):
    """The RDD of a session held on 01/10/2026 with one item, a decision, a commitment and a question, approved by
    both presidents and transmitted: its document rendered (by the stand-in), sealed and recorded in its trail."""
    with django_capture_on_commit_callbacks(execute=True):
        rdd = transmit_session(commission, datetime.date(2026, 10, 1), secretariat=alice, presidents=presidents)
    rdd.refresh_from_db()
    return rdd


@pytest.fixture
def planned(commission, frozen_today):
    """A session of Alice's commission planned on 03/12/2026, its RDD not even drafted."""
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    agenda_item_add(meeting=meeting, title="Questions diverses")
    return meeting


@pytest.fixture
def draft(commission, alice, frozen_today):
    """A held session whose RDD is a draft: the API shows no record of it."""
    meeting = make_session(commission, datetime.date(2026, 11, 2))
    return decisions.rdd_create(meeting=meeting, user=alice)


@pytest.fixture
def other_meeting(other_commission, frozen_today):
    """A session of Bob's commission, with a member of its own."""
    seat_member(other_commission, SectionKind.SOCIAL)
    meeting = meeting_create(commission=other_commission, date=datetime.date(2026, 12, 10), start_time=datetime.time(9))
    agenda_item_add(meeting=meeting, title="Point confidentiel de La Réunion")
    return meeting


def token_for(user) -> str:
    return api_token_create(user=user, name="Tests", days=30)[1]


def client_for(user) -> APIClient:
    """A client that calls the API with a personal token of the user (no session)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


@pytest.fixture
def api_as():
    return client_for
