"""A new session's standard items come from the decisions app through `meeting_created`, in the same transaction."""

import datetime

import pytest
from django.db import transaction

from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.services import meeting_create
from commissions.meetings.signals import meeting_created


def _create(commission, **kwargs):
    return meeting_create(
        commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10, 0), **kwargs
    )


def test_a_session_created_with_its_standard_items_gets_them(commission, frozen_today):
    meeting = _create(commission, standard_items=True)
    titles = list(meeting.agenda_items.order_by("position").values_list("title", flat=True))
    assert "Questions de la profession" in " ".join(titles)
    assert titles[-1] == "Questions diverses"


def test_a_session_created_without_them_has_an_empty_agenda(commission, frozen_today):
    assert not _create(commission).agenda_items.exists()


def test_the_signal_is_sent_inside_the_creating_transaction(commission, frozen_today):
    seen = []

    def receiver(sender, meeting, standard_items, **kwargs):
        seen.append((meeting.pk, standard_items, transaction.get_connection().in_atomic_block))

    meeting_created.connect(receiver)
    try:
        meeting = _create(commission, standard_items=True)
    finally:
        meeting_created.disconnect(receiver)
    assert seen == [(meeting.pk, True, True)]


def test_a_failing_standard_item_leaves_no_meeting(commission, frozen_today):
    def failing(sender, meeting, **kwargs):
        raise RuntimeError("standard items failed")

    meeting_created.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            _create(commission, standard_items=True)
    finally:
        meeting_created.disconnect(failing)
    assert not Meeting.objects.filter(commission=commission).exists()
    assert not AgendaItem.objects.exists()
