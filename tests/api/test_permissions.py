"""The API's permission matrix: every endpoint × role × own or other commission.

Whoever sees a commission on the pages (its secretariat, its members and presidents, its readers, an admin) reads
its objects through the API; anyone else gets 404 on their addresses (their existence is not revealed) and does not
find them in the lists; no token, or a bad one, gets 401. The lists of Bob's commission hold nothing of Alice's.
"""

import datetime

import pytest

from commissions.composition.models import Mandate, ReaderScope, Seat, Section
from commissions.meetings.models import AgendaItem
from members.models import Organisation
from supports.models import SupportRender
from tests.api.conftest import client_for
from tests.factories import UserFactory

ROLES = ["admin", "secretariat", "president", "member", "reader", "regional_reader"]
ROLES += ["other_secretariat", "other_reader", "stranger"]
SEES = {"admin", "secretariat", "president", "member", "reader", "regional_reader"}

ENDPOINTS = ["bodies", "sections", "organizations", "posts", "memberships", "persons", "meetings", "agendaItems"]
ENDPOINTS += ["records", "files", "bodies/presidencies", "tables"]


@pytest.fixture
def world(
    commission,
    other_commission,
    alice,
    bob,
    charlie,
    admin_user,
    member_user,
    presidents,
    reader,
    regional_reader,
    transmitted,
    planned,
    other_meeting,
):
    from stats.models import StatTable

    table = StatTable.objects.create(
        commission=commission,
        kind="montants",
        title="Montants remboursés 2025",
        period_start="2025-01-01",
        period_end="2025-12-31",
    )
    mandate = Mandate.objects.filter(seat__section__commission=commission).first()
    objects = {
        "bodies": commission.pk,
        "bodies/presidencies": commission.pk,
        "sections": Section.objects.filter(commission=commission).first().pk,
        "organizations": Organisation.objects.filter(seats__section__commission=commission).first().pk,
        "posts": Seat.objects.filter(section__commission=commission).first().pk,
        "memberships": mandate.pk,
        "persons": mandate.person_id,
        "meetings": planned.pk,
        "agendaItems": AgendaItem.objects.filter(meeting=planned).first().pk,
        "records": transmitted.pk,
        "files": SupportRender.objects.get(meeting=transmitted.meeting).pk,
        "tables": table.pk,
    }
    users = {
        "admin": admin_user,
        "secretariat": alice,
        "president": presidents[0].user,
        "member": member_user,
        "reader": reader,
        "regional_reader": regional_reader,
        "other_secretariat": bob,
        "other_reader": other_reader(other_commission),
        "stranger": charlie,
    }
    return objects, users


def other_reader(other_commission):
    """A reader of La Réunion's commission (named in the scope) and of no other."""
    user = UserFactory(username="rose")
    scope = ReaderScope.objects.create(user=user, service="DCGDR La Réunion", start=datetime.date(2024, 1, 1))
    scope.commissions.add(other_commission)
    return user


def address(endpoint: str, pk: int) -> str:
    if endpoint == "bodies/presidencies":
        return f"/api/v1/bodies/{pk}/presidencies/"
    return f"/api/v1/{endpoint}/{pk}/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_object_of_a_commission_answers_as_on_the_pages(world, endpoint, role):
    objects, users = world
    client = client_for(users[role])
    response = client.get(address(endpoint, objects[endpoint]))
    assert response.status_code == (200 if role in SEES else 404), response.content[:300]
    if role not in SEES:
        assert response.json() == {"detail": "Introuvable."}
    if "/" in endpoint:
        return
    listed = client.get(f"/api/v1/{endpoint}/", {"page_size": 200})
    assert listed.status_code == 200
    ids = [row["id"] for row in listed.json()["data"]]
    assert (f"http://testserver{address(endpoint, objects[endpoint])}" in ids) is (role in SEES)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_a_token_the_api_answers_401(world, endpoint):
    objects, _ = world
    response = client_for(None).get(address(endpoint, objects[endpoint]))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_bob_lists_his_commission_s_meetings_and_agenda_but_not_alice_s(world, other_meeting):
    _, users = world
    client = client_for(users["other_secretariat"])
    meetings = client.get("/api/v1/meetings/").json()["data"]
    assert [row["id"] for row in meetings] == [f"http://testserver/api/v1/meetings/{other_meeting.pk}/"]
    items = client.get("/api/v1/agendaItems/").json()["data"]
    assert [row["name"] for row in items] == ["Point confidentiel de La Réunion"]
    assert client.get("/api/v1/records/").json()["data"] == []


def test_an_admin_sees_every_commission(world, commission, other_commission):
    _, users = world
    bodies = client_for(users["admin"]).get("/api/v1/bodies/").json()["data"]
    assert sorted(row["shortName"] for row in bodies) == ["cpr-paca", "cpr-reunion"]


def test_the_session_of_the_portal_is_enough(world, client):
    _, users = world
    client.force_login(users["member"])
    assert client.get("/api/v1/bodies/").json()["pagination"]["totalElements"] == 1


@pytest.mark.parametrize("role", ["reader", "regional_reader"])
def test_a_reader_lists_his_commission_only_and_no_draft(world, draft, transmitted, role):
    _, users = world
    client = client_for(users[role])
    bodies = client.get("/api/v1/bodies/").json()["data"]
    assert [row["shortName"] for row in bodies] == ["cpr-paca"]
    records = client.get("/api/v1/records/").json()["data"]
    assert [row["id"] for row in records] == [f"http://testserver/api/v1/records/{transmitted.pk}/"]
    assert client.get(f"/api/v1/records/{draft.pk}/").status_code == 404
    items = client.get("/api/v1/agendaItems/", {"page_size": 200}).json()["data"]
    assert "Point confidentiel de La Réunion" not in [row["name"] for row in items]


@pytest.mark.parametrize("role", ["reader", "regional_reader"])
def test_a_reader_reads_no_e_mail_nor_phone(world, presidents, role):
    _, users = world
    person = presidents[1]
    person.phone = "04 91 00 00 00"
    person.save()
    row = client_for(users[role]).get(f"/api/v1/persons/{person.pk}/").json()
    assert row["name"] == person.display_name
    assert (row["email"], row["phone"]) == (None, None)


def test_a_national_reader_of_a_level_reads_its_commissions_of_every_territory(world, commission, other_commission):
    national = UserFactory(username="nadia")
    ReaderScope.objects.create(user=national, service="CNAM", level="CPR", start=datetime.date(2024, 1, 1))
    bodies = client_for(national).get("/api/v1/bodies/").json()["data"]
    assert sorted(row["shortName"] for row in bodies) == ["cpr-paca", "cpr-reunion"]
    ReaderScope.objects.filter(user=national).update(level="CPD")
    assert client_for(national).get("/api/v1/bodies/").json()["data"] == []


def test_a_reader_s_scope_ended_yesterday_reads_nothing(world, commission, frozen_today):
    _, users = world
    ReaderScope.objects.filter(user=users["reader"]).update(end=datetime.date(2026, 11, 21))
    client = client_for(users["reader"])
    assert client.get("/api/v1/bodies/").json()["data"] == []
    assert client.get(f"/api/v1/bodies/{commission.pk}/").status_code == 404
