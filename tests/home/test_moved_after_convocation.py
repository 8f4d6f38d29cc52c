"""A meeting moved moments after its convocation: the home page does not take the move for the convocation's own
stamp (found by tests/browser/test_home_journey.py, where the agent changed the place a second after sending)."""

import datetime

import pytest
import time_machine

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.services import meeting_update
from home.selectors import State, home_for
from supports.models import SupportRender
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def _checks(user, commission) -> dict[str, tuple[str, str]]:
    todo = next(todo for todo in home_for(user).secretariat if todo.commission.pk == commission.pk)
    return {check.label: (check.state, check.text) for check in todo.upcoming.checks}


@pytest.mark.parametrize("after", [datetime.timedelta(seconds=1), datetime.timedelta(days=1)])
def test_a_move_right_after_the_convocation_makes_it_to_resend_and_the_support_out_of_date(commission, alice, after):
    with time_machine.travel("2026-11-02 09:00:00+01:00", tick=False) as traveller:
        meeting = make_session(commission, datetime.date(2026, 11, 20))
        agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
        SupportRender.objects.create(
            meeting=meeting,
            status=SupportRender.Status.READY,
            inputs_hash="0" * 64,
            file="supports/x.pdf",
            sha256="1" * 64,
            page_count=3,
        )
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

        # Sent again: done.
        traveller.shift(datetime.timedelta(minutes=1))
        meeting_convene(meeting=meeting)
        assert _checks(alice, commission)["Convocation"] == (State.DONE, f"envoyée le {changed}")
