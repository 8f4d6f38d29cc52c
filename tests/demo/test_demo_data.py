"""The demo meetings, RDDs and tables (decisions.demo, stats.demo) loaded by `load_demo`."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from commissions.composition.models import Commission
from commissions.meetings.models import AgendaItem, Attendance, ContentBlock, Meeting, Speaker
from commissions.meetings.selectors import agenda_flat
from decisions import services
from decisions.models import (
    Approval,
    CarriedBy,
    Commitment,
    CommitmentUpdate,
    Decision,
    ItemRecord,
    Question,
    Rdd,
    TrailEntry,
    WorkflowError,
)
from decisions.selectors import approval_lines, follow_ups
from decisions.trail import trail_verify
from demo.meetings import (
    AMOUNTS_PACA,
    PERFADOM,
    PRESCRIPTION,
    RECENT_TITLE,
    SESAM_DEPARTMENTS,
    UPCOMING_TITLE,
    load_demo_meetings,
    recent_day,
    upcoming_day,
)
from demo.tables import load_demo_tables
from stats.models import StatColumn, StatRow, StatTable, StatValue
from supports.context import cnil_notice

pytestmark = pytest.mark.django_db

MODELS = (
    Meeting,
    AgendaItem,
    ContentBlock,
    Rdd,
    ItemRecord,
    Decision,
    Commitment,
    CommitmentUpdate,
    Question,
    Approval,
    TrailEntry,
    StatTable,
    StatColumn,
    StatRow,
    StatValue,
)


def snapshot() -> dict:
    state = {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}
    state["meetings"] = sorted(Meeting.objects.values_list("pk", "date", "status", "presided_by_id", "updated_at"))
    state["items"] = sorted(AgendaItem.objects.values_list("pk", "parent_id", "position", "title", "updated_at"))
    state["rdds"] = sorted(Rdd.objects.values_list("pk", "status", "submitted_at", "approved_at", "transmitted_at"))
    state["approvals"] = sorted(Approval.objects.values_list("pk", "section", "person_id", "approved_on"))
    state["tables"] = sorted(StatTable.objects.values_list("pk", "file_hash", "agenda_item_id"))
    return state


@pytest.fixture
def demo(frozen_today):
    call_command("load_demo")


def paca() -> Commission:
    return Commission.objects.get(slug="cpr-paca-corse-lpp")


def session(slug: str, day: datetime.date) -> Meeting:
    return Meeting.objects.get(commission__slug=slug, date=day)


def paca_2025_rdd() -> Rdd:
    return Rdd.objects.get(meeting=session("cpr-paca-corse-lpp", datetime.date(2025, 2, 26)), version=1)


def upcoming() -> Meeting:
    return Meeting.objects.get(commission=paca(), title=UPCOMING_TITLE)


def recent() -> Meeting:
    return Meeting.objects.get(commission=paca(), title=RECENT_TITLE)


def users(*names: str) -> list[User]:
    return [User.objects.get(username=name) for name in names]


def test_loading_twice_gives_the_same_state(demo, capsys):
    first = snapshot()
    assert len(first["Meeting"]) == 8 and len(first["StatTable"]) == 15 and len(first["Approval"]) == 2

    call_command("load_demo")
    assert snapshot() == first
    load_demo_meetings()
    load_demo_tables()
    assert snapshot() == first
    out = capsys.readouterr().out
    assert "Séance ordinaire de démonstration du 17/11/2026" in out and "tenue, relevé brouillon" in out
    assert "Séance de démonstration du 14/12/2026" in out and "prévue, relevé brouillon" in out


def test_the_recent_and_upcoming_sessions_are_not_created_again_on_another_day(demo, frozen_today):
    first_recent, first_upcoming = recent(), upcoming()
    frozen_today.shift(datetime.timedelta(days=40))
    call_command("load_demo")

    assert Meeting.objects.filter(commission=paca(), title=RECENT_TITLE).get() == first_recent
    assert Meeting.objects.filter(commission=paca(), title=UPCOMING_TITLE).get() == first_upcoming
    assert first_recent.date == datetime.date(2026, 11, 17)  # 22/11/2026 − 5 days, a Tuesday
    assert first_upcoming.date == datetime.date(2026, 12, 14)  # 22/11/2026 + 21 days is a Sunday: the Monday after
    assert Meeting.objects.filter(commission=paca()).count() == 4


def test_the_recent_day_is_a_weekday_a_few_days_before():
    assert recent_day(datetime.date(2026, 11, 22)) == datetime.date(2026, 11, 17)
    assert recent_day(datetime.date(2026, 11, 23)) == datetime.date(2026, 11, 18)
    assert recent_day(datetime.date(2026, 11, 25)) == datetime.date(2026, 11, 20)
    assert recent_day(datetime.date(2026, 11, 26)) == datetime.date(2026, 11, 20)  # Saturday: the Friday before


def test_the_upcoming_day_is_a_weekday_three_weeks_ahead():
    assert upcoming_day(datetime.date(2026, 11, 22)) == datetime.date(2026, 12, 14)
    assert upcoming_day(datetime.date(2026, 11, 23)) == datetime.date(2026, 12, 14)
    assert upcoming_day(datetime.date(2026, 11, 24)) == datetime.date(2026, 12, 15)


def test_the_paca_2025_rdd_was_approved_on_the_dates_of_001_and_transmitted(demo):
    rdd = paca_2025_rdd()

    assert rdd.status == Rdd.Status.TRANSMITTED
    assert (rdd.meeting.status, rdd.meeting.record_lock) == (Meeting.Status.CLOSED, Meeting.RecordLock.APPROVED)
    approvals = {a.section: (a.approved_on, a.person.last_name) for a in rdd.approvals.select_related("person")}
    assert approvals == {
        "professionnelle": (datetime.date(2025, 4, 5), "ROUSSEL"),
        "sociale": (datetime.date(2025, 4, 14), "KERN"),
    }
    assert approval_lines(rdd) == [
        "Approuvé le 14/04/2025 par la Présidente, Mme KERN Colette",
        "Approuvé le 05/04/2025 par le Vice-Président, M. ROUSSEL Philippe",
    ]
    check = trail_verify(rdd)
    assert check.intact, check.reason
    actions = list(rdd.trail.values_list("action", flat=True))
    assert actions == ["creation", "soumission", "approbation", "approbation", "approbation_complete", "transmission"]
    assert rdd.meeting.presided_by.last_name == "ROUSSEL"  # 001: presided by the professional section's president


def test_the_paca_2025_session_has_the_agenda_questions_and_decisions_of_001(demo):
    meeting = session("cpr-paca-corse-lpp", datetime.date(2025, 2, 26))
    numbers = {node.item.title: node.number for node in agenda_flat(meeting)}
    assert numbers["Désignation de la présidence 2025"] == "2.1"
    assert numbers[AMOUNTS_PACA] == "4.1"
    assert numbers[SESAM_DEPARTMENTS] == "5.1"
    assert numbers["Transition écologique"] == "06"  # "06. TRANSITION ECOLOGIQUE" in 001
    assert numbers["Questions de la profession"] == "08"

    rdd = paca_2025_rdd()
    assert rdd.preamble.startswith("Lors de cette commission, la Présidence a été donnée au Président")
    assert "Est désignée Présidente de la commission : Mme KERN Colette." in Decision.objects.filter(
        item_record__rdd=rdd
    ).values_list("text", flat=True)
    questions = list(rdd.questions.order_by("position"))
    assert len(questions) == 6
    assert questions[1].post_commission and questions[1].answer.startswith("Le recours aux ordonnances numériques")
    assert questions[5].out_of_scope
    item = AgendaItem.objects.get(meeting=meeting, title="Aides à la télétransmission")
    assert "<li>Facturation en mode sécurisé SESAM-Vitale : 300 €.</li>" in item.content


def test_the_paca_amounts_table_holds_the_value_of_the_documents(demo):
    # 000's table on its session of 2024; 001 shows it again on 26/02/2025, imported from the workbook.
    for file_name, day in (("montants_paca_2023.csv", (2024, 1, 25)), ("montants_paca_2023.xlsx", (2025, 2, 26))):
        table = StatTable.objects.get(commission=paca(), file_name=file_name)
        value = StatValue.objects.get(
            row__table=table, row__label="Appareils matériels de traitements", column__header="Régime général / Montant"
        )

        assert value.value == Decimal("261355100")
        assert table.agenda_item.title == AMOUNTS_PACA
        assert table.agenda_item.meeting.date == datetime.date(*day)
    sesam = StatTable.objects.get(commission=paca(), agenda_item__title=SESAM_DEPARTMENTS)
    assert sesam.rows.count() == 7


def test_the_reunion_session_of_002_with_its_commitments(demo):
    meeting = session("cpr-reunion-lpp", datetime.date(2023, 7, 6))
    agenda = [(node.number, node.item.speaker) for node in agenda_flat(meeting)]
    assert [number for number, _ in agenda] == [
        "01", "1.1", "1.2", "02", "2.1", "2.2", "03", "04", "4.1", "4.2", "4.3", "05", "06", "6.1", "6.2",
    ]  # fmt: skip
    assert agenda[0][1] == Speaker.SECRETARIAT and agenda[4][1] == Speaker.SOCIAL
    assert "15/03/2023" in agenda_flat(meeting)[0].item.content

    rdd = Rdd.objects.get(meeting=meeting)
    rows = follow_ups(rdd)
    assert [row.here[0].status for row in rows] == [
        "Sera traité avec le sujet du DMP.",
        "En attente du lancement de la campagne d'information.",
        "Attente du retour de la profession sur la modification de leur courrier de signalement.",
    ]
    assert rows[2].here[0].note == "Recommandation aux syndicats locaux d'informer leurs représentations nationales."
    assert all(row.commitment.rdd.meeting.date == datetime.date(2022, 9, 30) for row in rows)


def test_the_cote_d_or_session_of_004(demo):
    meeting = session("cpl-pharmaciens-cote-dor", datetime.date(2025, 2, 17))

    assert len(agenda_flat(meeting)) == 14  # the 7 items of 004, and one sub-item per table (demo.tables)
    assert "26/05/2025" in meeting.next_meeting_note and "24/11/2025" in meeting.next_meeting_note
    assert meeting.presided_by.last_name == "BARD"  # 004: M. BARD presides in 2025
    attached = set(StatTable.objects.filter(agenda_item__meeting=meeting).values_list("kind", flat=True))
    assert attached == {"montants", "indicateurs"}


def test_the_cnil_notice_is_the_documents_text(demo):
    notice = cnil_notice(paca())
    assert "Commission Nationale de l'Informatique et des Libertés" in notice
    assert "délibération n°2014-432 du 23 octobre 2014" in notice


def test_the_recent_session_was_convened_then_held_with_its_attendance(demo):
    meeting = recent()

    assert (meeting.status, meeting.record_lock) == (Meeting.Status.HELD, Meeting.RecordLock.OPEN)
    assert (meeting.start_time, meeting.presided_by.last_name) == (datetime.time(10, 0), "ROUSSEL")  # 2026: the rule
    assert meeting.convocation_round == 1 and meeting.convened_at.date() == datetime.date(2026, 10, 27)
    titles = [node.item.title for node in agenda_flat(meeting)]
    assert titles == [
        "Validation du relevé de décisions de la séance du 26/02/2025",
        "Désignation de la présidence 2026",
        PERFADOM,
        PRESCRIPTION,
        "Suivi des engagements",
        "Questions de la profession",
        "Questions diverses",
    ]
    statuses = list(meeting.attendances.values_list("status", flat=True))
    assert statuses.count(Attendance.Status.PRESENT) >= 4 and Attendance.Status.REPRESENTED in statuses
    assert set(meeting.attendances.values_list("person__last_name", flat=True)) >= {"KERN", "ROUSSEL", "BALMELLE"}


def test_the_recent_session_has_a_draft_rdd_ready_to_be_submitted(demo):
    rdd = Rdd.objects.get(meeting=recent())

    assert (rdd.status, rdd.version) == (Rdd.Status.DRAFT, 1)
    assert rdd.preamble
    record = rdd.item_records.get(agenda_item__title=PERFADOM)
    assert record.summary and record.decisions.count() == 1
    assert list(rdd.commitments.values_list("carried_by", flat=True)) == [CarriedBy.SOCIAL]
    assert rdd.questions.count() == 1
    update = rdd.commitment_updates.get()  # the commitment of 26/02/2025, closed
    assert update.closes and update.commitment.rdd == paca_2025_rdd()


def test_the_demo_accounts_take_the_recent_rdd_through_the_whole_workflow(demo, frozen_today):
    rdd = Rdd.objects.get(meeting=recent())
    secretariat, kern, roussel = users("secretariat", "kern", "roussel")

    services.rdd_submit(rdd=rdd, user=secretariat)
    assert Meeting.objects.get(pk=rdd.meeting_id).record_lock == Meeting.RecordLock.SUBMITTED
    services.rdd_approve(rdd=rdd, user=roussel)
    frozen_today.shift(datetime.timedelta(days=2))
    services.rdd_approve(rdd=rdd, user=kern)
    services.rdd_transmit(rdd=rdd, user=secretariat)

    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.TRANSMITTED
    assert sorted(rdd.approvals.values_list("approved_on", flat=True)) == [
        datetime.date(2026, 11, 22),
        datetime.date(2026, 11, 24),
    ]
    assert trail_verify(rdd).intact
    assert Meeting.objects.get(pk=rdd.meeting_id).status == Meeting.Status.CLOSED


def test_the_upcoming_session_has_a_draft_rdd_with_content(demo):
    meeting = upcoming()
    rdd = Rdd.objects.get(meeting=meeting)

    assert (meeting.start_time, meeting.status) == (datetime.time(10, 0), Meeting.Status.PLANNED)
    titles = [node.item.title for node in agenda_flat(meeting)]
    assert titles[0] == "Validation du relevé de décisions de la séance du 17/11/2026"
    assert titles[-3:] == ["Suivi des engagements", "Questions de la profession", "Questions diverses"]
    assert rdd.status == Rdd.Status.DRAFT
    assert rdd.item_records.exclude(summary="").count() == 1
    assert Decision.objects.filter(item_record__rdd=rdd).count() == 1
    assert rdd.commitments.count() == 1 and rdd.questions.count() == 1
    # The follow-up of the commitment taken at the recent session (the one of 26/02/2025 is closed there).
    assert rdd.commitment_updates.get().commitment.rdd.meeting == recent()


def test_the_upcoming_rdd_cannot_be_submitted_before_its_session_is_held(demo):
    rdd = Rdd.objects.get(meeting=upcoming())
    (secretariat,) = users("secretariat")

    with pytest.raises(WorkflowError) as refused:
        services.rdd_submit(rdd=rdd, user=secretariat)

    assert "La séance du 14/12/2026 n'est pas tenue" in str(refused.value)
    assert "ne se soumet, ne s'approuve et ne se transmet qu'une fois la séance tenue" in str(refused.value)
    rdd.refresh_from_db()
    assert rdd.status == Rdd.Status.DRAFT
    assert Meeting.objects.get(pk=rdd.meeting_id).record_lock == Meeting.RecordLock.OPEN


def test_the_past_rdds_do_not_depend_on_the_day_of_loading():
    with time_machine.travel("2031-03-03 08:00:00+00:00", tick=False):
        call_command("load_demo")
        assert paca_2025_rdd().status == Rdd.Status.TRANSMITTED
        assert recent().date == datetime.date(2031, 2, 26)
        assert recent().status == Meeting.Status.HELD
        assert upcoming().date == datetime.date(2031, 3, 24)


def test_the_demo_reader_reads_every_cpr_and_manages_none(demo):
    from commissions.composition.access import Role, can_manage, roles_by_commission

    reader = User.objects.get(username="lecteur")
    rows = roles_by_commission(reader)
    assert sorted(commission.slug for commission, _ in rows) == ["cpr-paca-corse-lpp", "cpr-reunion-lpp"]
    assert {roles for _, roles in rows} == {frozenset({Role.READER})}
    assert not any(can_manage(reader, commission) for commission, _ in rows)
    call_command("load_demo")  # again: the same one scope
    assert reader.reader_scopes.count() == 1
