"""Fixtures of the support tests: meetings of Alice's commission, a stand-in renderer (tests/supports/helpers.py).

Rendering costs about a second per twenty pages: only the tests about the
document itself render for real; the task and view tests count calls to a
stand-in that returns a one-page PDF.
"""

import datetime

import pytest

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Speaker
from commissions.meetings.services import meeting_create
from decisions import services as decisions
from supports import services
from tests.factories import make_session
from tests.supports.helpers import FakeRenderer


@pytest.fixture
def session(commission, frozen_today):
    """A session of Alice's commission with a numbered agenda (01 with two sub-items, 02)."""
    meeting = meeting_create(
        commission=commission,
        date=datetime.date(2026, 12, 3),
        start_time=datetime.time(10, 0),
        place="CPAM des Bouches-du-Rhône",
    )
    first = agenda_item_add(meeting=meeting, title="Validation du relevé de décisions", speaker="secretariat")
    agenda_item_add(meeting=meeting, parent=first, title="Approbation du relevé de décisions")
    agenda_item_add(meeting=meeting, title="Ordonnance numérique", speaker="sociale", content="<p>Texte.</p>")
    return meeting


@pytest.fixture
def fake_renderer(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


@pytest.fixture
def transmitted(commission, alice, presidents, frozen_today, fake_renderer, django_capture_on_commit_callbacks):
    """An RDD of a session held on 01/10/2026, approved by both presidents and transmitted: its document rendered
    (by the fake renderer), sealed and recorded in its trail."""
    meeting = make_session(commission, datetime.date(2026, 10, 1))
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission", speaker=Speaker.SOCIAL)
    rdd = decisions.rdd_create(meeting=meeting, user=alice)
    decisions.rdd_submit(rdd=rdd, user=alice)
    for president in presidents:
        decisions.rdd_approve(rdd=rdd, user=president.user)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.rdd_transmit(rdd=rdd, user=alice)
    return rdd
