"""A meeting moved moments after its convocation: the home page does not take the move for the convocation's own
stamp (found by tests/browser/test_home_journey.py, where the agent changed the place a second after sending), and
the convocation sent again does not make the support rendered before the move current."""

import datetime
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.admin.sites import site

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.models import Meeting
from commissions.meetings.services import meeting_update
from decisions.standard_items import session_add_standard_items
from home.selectors import State, home_for
from tests.factories import make_session, ready_support

pytestmark = pytest.mark.django_db


def _checks(user, commission) -> dict[str, tuple[str, str]]:
    todo = next(todo for todo in home_for(user).secretariat if todo.commission.pk == commission.pk)
    return {check.label: (check.state, check.text) for check in todo.upcoming.checks}


@pytest.mark.parametrize("after", [datetime.timedelta(seconds=1), datetime.timedelta(days=1)])
def test_a_move_right_after_the_convocation_makes_it_to_resend_and_the_support_out_of_date(commission, alice, after):
    with time_machine.travel("2026-11-02 09:00:00+01:00", tick=False) as traveller:
        meeting = make_session(commission, datetime.date(2026, 11, 20))
        agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
        ready_support(meeting, "0")
        traveller.shift(datetime.timedelta(minutes=5))
        meeting = meeting_convene(meeting=meeting)
        assert _checks(alice, commission)["Convocation"] == (State.DONE, "envoyée le 02/11/2026")
        assert _checks(alice, commission)["Support"][0] == State.DONE

        traveller.shift(after)
        meeting_update(meeting=meeting, place="Une autre salle")
        changed = f"{datetime.date(2026, 11, 2) + datetime.timedelta(days=after.days):%d/%m/%Y}"
        checks = _checks(alice, commission)
        assert checks["Convocation"] == (
            State.WARNING,
            f"envoyée le 02/11/2026, réunion modifiée depuis le {changed} : à renvoyer",
        )
        assert checks["Support"] == (State.WARNING, f"à mettre à jour : réunion modifiée le {changed}")

        # Sent again: done; the support rendered before the move is still out of date (its date or place is wrong).
        traveller.shift(datetime.timedelta(minutes=1))
        meeting_convene(meeting=meeting)
        checks = _checks(alice, commission)
        assert checks["Convocation"] == (State.DONE, f"envoyée le {changed}")
        assert checks["Support"] == (State.WARNING, f"à mettre à jour : réunion modifiée le {changed}")

        # Rendered again after the move: current.
        traveller.shift(datetime.timedelta(minutes=1))
        ready_support(meeting, "2")
        assert _checks(alice, commission)["Support"] == (State.DONE, f"à jour, généré le {changed}")


def test_a_status_change_alone_does_not_make_the_support_out_of_date(commission, alice):
    with time_machine.travel("2026-11-02 09:00:00+01:00", tick=False) as traveller:
        meeting = make_session(commission, datetime.date(2026, 11, 20))
        agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
        ready_support(meeting, "0")
        traveller.shift(datetime.timedelta(days=1))
        meeting_convene(meeting=meeting)
        meeting_update(meeting=meeting, place=meeting.place)  # saved with nothing changed
        checks = _checks(alice, commission)
        assert checks["Convocation"] == (State.DONE, "envoyée le 03/11/2026")
        assert checks["Support"] == (State.DONE, "à jour, généré le 02/11/2026")


def test_a_new_session_with_only_its_standard_items_is_still_to_compose(commission, alice):
    with time_machine.travel("2026-11-02 09:00:00+01:00", tick=False):
        meeting = make_session(commission, datetime.date(2026, 11, 20))
        items = session_add_standard_items(meeting=meeting)
        assert len(items) >= 3 and all(item.standard for item in items)
        assert _checks(alice, commission)["Ordre du jour"] == (
            State.TODO,
            f"{len(items)} points habituels seulement : sujets à ajouter",
        )
        agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
        assert _checks(alice, commission)["Ordre du jour"] == (State.DONE, f"{len(items) + 1} points")


def test_a_move_made_in_the_admin_dates_the_details_change(commission, rf, admin_user):
    with time_machine.travel("2026-11-02 09:00:00+01:00", tick=False):
        meeting = make_session(commission, datetime.date(2026, 11, 20))
    assert meeting.details_changed_at is None
    admin = site.get_model_admin(Meeting)
    request = rf.post("/")
    request.user = admin_user
    with time_machine.travel("2026-11-03 10:00:00+01:00", tick=False):
        meeting.place = "Une autre salle"
        admin.save_model(request, meeting, SimpleNamespace(changed_data=["place"]), change=True)
    meeting.refresh_from_db()
    assert meeting.details_changed_at == datetime.datetime.fromisoformat("2026-11-03 10:00:00+01:00")
    assert meeting.calendar_sequence == 1
    # A save in the admin that changes none of the details does not date a change.
    with time_machine.travel("2026-11-04 10:00:00+01:00", tick=False):
        admin.save_model(request, meeting, SimpleNamespace(changed_data=[]), change=True)
    meeting.refresh_from_db()
    assert meeting.details_changed_at == datetime.datetime.fromisoformat("2026-11-03 10:00:00+01:00")
