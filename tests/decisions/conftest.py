"""Fixtures of the RDD tests: a session of Alice's commission with a two-item agenda, and its RDD."""

import datetime

import pytest

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Speaker
from decisions import content, services
from tests.factories import make_session
from tests.supports.helpers import FakeRenderer


@pytest.fixture
def session(commission):
    """The session of 26/02/2025, with the two items of its agenda."""
    meeting = make_session(commission, datetime.date(2025, 2, 26))
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission", speaker=Speaker.SOCIAL)
    agenda_item_add(meeting=meeting, title="Questions de la profession", speaker=Speaker.PROFESSIONAL)
    return meeting


@pytest.fixture
def rdd(session, alice):
    """The draft RDD of the session, with a summary and a decision on its first item."""
    rdd = services.rdd_create(meeting=session, user=alice)
    record = rdd.item_records.order_by("position").first()
    content.item_record_save(
        record=record,
        summary="La section sociale présente les aides à la télétransmission.",
        decisions=["La nouvelle composition de la CPF est approuvée."],
    )
    return rdd


@pytest.fixture
def submitted(rdd, alice, presidents):
    return services.rdd_submit(rdd=rdd, user=alice)


@pytest.fixture
def approved(submitted, presidents):
    social, professional = presidents
    services.rdd_approve(rdd=submitted, user=social.user)
    services.rdd_approve(rdd=submitted, user=professional.user)
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def transmitted(approved, alice):
    return services.rdd_transmit(rdd=approved, user=alice)


@pytest.fixture(autouse=True)
def quick_rdd_document(monkeypatch):
    """Transmission renders the RDD's PDF (supports app); these workflow tests stand a one-page PDF in for it."""
    monkeypatch.setattr("supports.services.render_pdf", FakeRenderer())
