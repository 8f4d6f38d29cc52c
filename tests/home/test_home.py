"""The home page by role: the secretariat's to-do after each step of a meeting's preparation, the president's
and the member's parts, a user with several roles, and a user without any commission."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from commissions.composition.models import SectionKind
from commissions.meetings.agenda import agenda_item_add, agenda_item_update
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.lifecycle import meeting_advance
from commissions.meetings.models import Attendance, QuorumRule
from commissions.meetings.services import meeting_update
from decisions import content, services
from decisions.models import Rdd
from home.selectors import State, home_for
from tests.factories import make_session, ready_support
from tests.supports.helpers import FakeRenderer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_rdd_document(monkeypatch):
    """Transmission renders the RDD's PDF: a one-page PDF stands in for it."""
    monkeypatch.setattr("supports.services.render_pdf", FakeRenderer())


def _checks(card) -> dict[str, tuple[str, str]]:
    return {check.label: (check.state, check.text) for check in card.checks}


def _todo(user, commission):
    return next(todo for todo in home_for(user).secretariat if todo.commission.pk == commission.pk)


def test_it_redirects_anonymous_visitors_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_login_lands_on_the_home_page_with_what_is_due(client, alice, commission):
    alice.set_password("Calanques-2026-bleues")
    alice.save()

    response = client.post(reverse("login"), {"username": "alice", "password": "Calanques-2026-bleues"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    page = response.content.decode()
    assert "Secrétariat : ce qui est à faire" in page and commission.name in page


def test_a_user_without_commission_gets_a_friendly_page(client, charlie):
    client.force_login(charlie)
    response = client.get("/")
    assert response.status_code == 200
    assert "rattaché à aucune commission" in response.content.decode()


def test_the_secretariat_follows_a_meeting_from_an_empty_agenda_to_an_approved_rdd(
    client, commission, alice, presidents
):
    with time_machine.travel("2026-11-02 09:00:00+01:00", tick=False) as traveller:
        meeting = make_session(commission, datetime.date(2026, 11, 20))
        QuorumRule.objects.create(commission=commission, section_kind=SectionKind.SOCIAL, minimum_present=1)

        # An empty agenda: everything is to do.
        checks = _checks(_todo(alice, commission).upcoming)
        assert checks["Ordre du jour"] == (State.TODO, "vide : à composer")
        assert checks["Convocation"] == (State.TODO, "pas encore envoyée")
        assert checks["Support"] == (State.TODO, "pas encore généré")

        # Items, then a support rendered from them.
        item = agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
        agenda_item_add(meeting=meeting, title="Questions de la profession")
        traveller.shift(datetime.timedelta(minutes=5))
        ready_support(meeting)
        checks = _checks(_todo(alice, commission).upcoming)
        assert checks["Ordre du jour"] == (State.DONE, "2 points")
        assert checks["Support"] == (State.DONE, "à jour, généré le 02/11/2026")

        # Convened: sent; the support stays current (the convocation changes none of its data).
        traveller.shift(datetime.timedelta(minutes=5))
        meeting_convene(meeting=meeting)
        checks = _checks(_todo(alice, commission).upcoming)
        assert checks["Convocation"] == (State.DONE, "envoyée le 02/11/2026")
        assert checks["Support"][0] == State.DONE

        # An item changed two days later: the convocation is to send again and the support out of date.
        traveller.shift(datetime.timedelta(days=2))
        agenda_item_update(item=item, title="Aides à la télétransmission (mise à jour)")
        checks = _checks(_todo(alice, commission).upcoming)
        assert checks["Convocation"] == (
            State.WARNING,
            "envoyée le 02/11/2026, réunion modifiée depuis le 04/11/2026 : à renvoyer",
        )
        assert checks["Support"] == (State.WARNING, "à mettre à jour : réunion modifiée le 04/11/2026")
        traveller.shift(datetime.timedelta(minutes=1))
        meeting_convene(meeting=meeting)
        assert _checks(_todo(alice, commission).upcoming)["Convocation"] == (State.DONE, "envoyée le 04/11/2026")

        # Held: no next meeting any more; attendance to record, then the quorum; the RDD to write.
        traveller.move_to("2026-11-20 18:00:00+01:00")
        meeting_advance()
        todo = _todo(alice, commission)
        assert todo.upcoming is None
        assert todo.held.meeting == meeting
        assert _checks(todo.held) == {"Présences": (State.TODO, "à enregistrer")}
        assert todo.to_write == [meeting]
        social, professional = presidents
        Attendance.objects.create(meeting=meeting, person=social, status=Attendance.Status.PRESENT)
        Attendance.objects.create(meeting=meeting, person=professional, status=Attendance.Status.ABSENT)
        checks = _checks(_todo(alice, commission).held)
        assert checks["Présences"] == (State.DONE, "2 enregistrées")
        assert checks["Quorum, section sociale"] == (State.DONE, "1 siège sur 1 : atteint")
        assert checks["Quorum, section professionnelle"] == (State.INFO, "0 siège sur 1 (aucune règle fixée)")

        # The RDD drafted: to submit.
        rdd = services.rdd_create(meeting=meeting, user=alice)
        todo = _todo(alice, commission)
        assert todo.to_write == []
        assert [draft.pk for draft in todo.to_submit] == [rdd.pk]

        # Submitted: awaiting both presidents, for nine days.
        services.rdd_submit(rdd=rdd, user=alice)
        traveller.shift(datetime.timedelta(days=9))
        todo = _todo(alice, commission)
        assert todo.to_submit == []
        (awaiting,) = todo.awaiting
        assert awaiting.days == 9
        assert [section for section, _ in awaiting.missing] == ["Section sociale", "Section professionnelle"]
        services.rdd_approve(rdd=rdd, user=social.user)
        client.force_login(alice)
        page = client.get("/").content.decode()
        assert "attend depuis 9 jours" in page
        assert f"{professional.display_name} (section professionnelle)" in page
        assert social.display_name not in page

        # Approved: to transmit; the session is closed, so no held meeting is left.
        services.rdd_approve(rdd=rdd, user=professional.user)
        todo = _todo(alice, commission)
        assert todo.awaiting == []
        assert [approved.pk for approved in todo.to_transmit] == [rdd.pk]
        assert todo.held is None
        page = client.get("/").content.decode()
        assert "À transmettre" in page

        # Transmitted: nothing left about that RDD.
        services.rdd_transmit(rdd=Rdd.objects.get(pk=rdd.pk), user=alice)
        todo = _todo(alice, commission)
        assert (todo.to_write, todo.to_submit, todo.awaiting, todo.to_transmit) == ([], [], [], [])


@pytest.fixture
def submitted_rdd(commission, alice, presidents):
    meeting = make_session(commission, datetime.date(2025, 2, 26))
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission")
    rdd = services.rdd_create(meeting=meeting, user=alice)
    return services.rdd_submit(rdd=rdd, user=alice)


def test_a_section_president_sees_what_awaits_their_approval_with_a_link(client, submitted_rdd, presidents):
    social, _ = presidents
    client.force_login(social.user)
    page = client.get("/").content.decode()
    assert "Présidence de section : ce qui vous attend" in page
    assert reverse("decisions:approve", args=[submitted_rdd.pk]) in page
    assert "Secrétariat : ce qui est à faire" not in page

    services.rdd_approve(rdd=submitted_rdd, user=social.user)
    page = client.get("/").content.decode()
    assert reverse("decisions:approve", args=[submitted_rdd.pk]) not in page
    assert "Aucun relevé de décisions n'attend votre approbation." in page


def test_a_member_sees_the_next_meeting_its_support_and_the_last_transmitted_rdd(
    client, commission, alice, presidents, member_user
):
    social, professional = presidents
    old = make_session(commission, datetime.date(2025, 2, 26))
    agenda_item_add(meeting=old, title="Aides")
    rdd = services.rdd_submit(rdd=services.rdd_create(meeting=old, user=alice), user=alice)
    services.rdd_approve(rdd=rdd, user=social.user)
    services.rdd_approve(rdd=rdd, user=professional.user)
    services.rdd_transmit(rdd=Rdd.objects.get(pk=rdd.pk), user=alice)
    draft_meeting = make_session(commission, datetime.date(2025, 6, 26))
    services.rdd_create(meeting=draft_meeting, user=alice)
    upcoming = make_session(commission, timezone.localdate() + datetime.timedelta(days=20), place="Marseille")

    client.force_login(member_user)
    page = client.get("/").content.decode()
    assert "Vos commissions" in page
    assert upcoming.get_absolute_url() in page and "Marseille" in page
    assert "Support pas encore disponible." in page
    assert rdd.get_absolute_url() in page
    assert "Secrétariat : ce qui est à faire" not in page
    assert "Présidence de section" not in page

    ready_support(upcoming)
    page = client.get("/").content.decode()
    assert reverse("supports:meeting_supports", args=[commission.slug, upcoming.pk]) in page

    # The meeting moves: its support is out of date, and no link leads to a supports page without a current one.
    meeting_update(meeting=upcoming, place="Aix-en-Provence")
    page = client.get("/").content.decode()
    assert reverse("supports:meeting_supports", args=[commission.slug, upcoming.pk]) not in page
    assert "Support en cours de mise à jour après une modification de la réunion." in page


def test_a_user_with_several_roles_sees_each_part(
    client, commission, other_commission, alice, submitted_rdd, presidents
):
    social, _ = presidents
    other_commission.agents.add(social.user)
    client.force_login(social.user)
    page = client.get("/").content.decode()
    assert "Secrétariat : ce qui est à faire" in page and other_commission.name in page
    assert "Présidence de section : ce qui vous attend" in page
    assert "Vos commissions" in page
    home = home_for(social.user)
    assert [todo.commission for todo in home.secretariat] == [other_commission]
    assert [view.commission for view in home.member] == [commission]


def test_the_secretariat_never_sees_another_commissions_to_do(client, commission, other_commission, alice, bob):
    make_session(other_commission, timezone.localdate() + datetime.timedelta(days=3), title="Séance de Bob")
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert commission.name in page
    assert other_commission.name not in page and "Séance de Bob" not in page


def test_open_commitments_are_counted_and_the_late_ones_listed(commission, alice, presidents):
    old = make_session(commission, datetime.date(2025, 2, 26))
    agenda_item_add(meeting=old, title="Aides")
    rdd = services.rdd_create(meeting=old, user=alice)
    content.commitment_save(rdd=rdd, text="Relancer la CPAM sur les délais", carried_by="secretariat")
    closed = content.commitment_save(rdd=rdd, text="Envoyer les tableaux", carried_by="sociale")
    recent = make_session(commission, timezone.localdate() - datetime.timedelta(days=10))
    agenda_item_add(meeting=recent, title="Suivi")
    later = services.rdd_create(meeting=recent, user=alice)
    content.commitment_follow(rdd=later, commitment=closed, date=recent.date, status="Fait.", closes=True)
    content.commitment_save(rdd=later, text="Organiser une réunion d'information", carried_by="sociale")

    todo = _todo(alice, commission)
    assert (todo.open_commitments, todo.overdue_commitments) == (2, 1)
    assert [commitment.text for commitment in todo.overdue] == ["Relancer la CPAM sur les délais"]


def test_a_draft_is_to_submit_only_once_its_session_is_held(client, commission, alice, frozen_today):
    held = make_session(commission, datetime.date(2026, 11, 2))
    coming = make_session(commission, datetime.date(2026, 12, 3))
    for meeting in (held, coming):
        services.rdd_create(meeting=meeting, user=alice)
    client.force_login(alice)
    page = " ".join(client.get(reverse("home:index")).content.decode().split())
    assert "À soumettre</span> <a" in page and "Séance du 02/11/2026</a> : brouillon à soumettre" in page
    assert "Séance du 03/12/2026</a> : brouillon préparé, à soumettre une fois la séance tenue" in page
