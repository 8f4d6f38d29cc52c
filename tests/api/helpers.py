"""Helpers of the API tests."""

import datetime

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Attendance, Speaker
from decisions import content
from decisions import services as decisions
from decisions.models import CarriedBy, Rdd
from tests.factories import make_session


def transmit_session(commission, day: datetime.date, *, secretariat, presidents) -> Rdd:
    """A session held on `day` with one item, a decision, a commitment and a question, the two presidents present,
    its RDD approved by both and transmitted (run the on-commit callbacks for its document to be recorded)."""
    meeting = make_session(commission, day, place="CPAM des Bouches-du-Rhône")
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission", speaker=Speaker.SOCIAL)
    for person in presidents:
        Attendance.objects.create(meeting=meeting, person=person, status=Attendance.Status.PRESENT)
    rdd = decisions.rdd_create(meeting=meeting, user=secretariat)
    record = rdd.item_records.get()
    content.item_record_save(record=record, summary="Présentation des aides.", decisions=["Aide versée en mars."])
    content.commitment_save(rdd=rdd, text="Relancer les fournisseurs.", carried_by=CarriedBy.SECRETARIAT)
    content.question_save(rdd=rdd, text="Quand les aides sont-elles versées ?", answer="En mars.")
    decisions.rdd_submit(rdd=rdd, user=secretariat)
    for president in presidents:
        decisions.rdd_approve(rdd=rdd, user=president.user)
    decisions.rdd_transmit(rdd=rdd, user=secretariat)
    return rdd
