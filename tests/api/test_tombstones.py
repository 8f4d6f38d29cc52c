"""Tombstones: an object of the API deleted, by any path, stays listed at /api/v1/deleted/ with `deleted: true`,
its former address and the moment of its deletion, so that a client synchronising with `modified_since` removes
it; only to those who see its commission."""

import datetime

import pytest
from django.db.models import ProtectedError

from api.models import Tombstone
from commissions.composition.models import Commission, SectionKind
from commissions.meetings.agenda import agenda_item_add, agenda_item_delete
from stats.models import StatTable
from stats.services import table_delete
from tests.api.conftest import client_for
from tests.factories import seat_member


def test_a_deleted_agenda_item_is_listed_as_deleted_since_its_deletion(planned, alice, bob, frozen_today):
    item = agenda_item_add(meeting=planned, title="Point retiré")
    child = agenda_item_add(meeting=planned, parent=item, title="Sous-point retiré")
    client = client_for(alice)
    item_pk, child_pk = item.pk, child.pk
    assert client.get(f"/api/v1/agendaItems/{item.pk}/").status_code == 200
    frozen_today.shift(datetime.timedelta(hours=1))
    agenda_item_delete(item=item)
    assert client.get(f"/api/v1/agendaItems/{item_pk}/").status_code == 404
    rows = client.get("/api/v1/deleted/", {"modified_since": "2026-11-22T12:30:00+01:00"}).json()["data"]
    assert {(row["id"], row["type"], row["deleted"]) for row in rows} == {
        (f"http://testserver/api/v1/agendaItems/{item_pk}/", "AgendaItem", True),
        (f"http://testserver/api/v1/agendaItems/{child_pk}/", "AgendaItem", True),
    }
    assert rows[0]["modified"] == "2026-11-22T13:00:00+01:00"
    assert rows[0]["body"] == f"http://testserver/api/v1/bodies/{planned.commission_id}/"
    assert client.get("/api/v1/deleted/", {"modified_since": "2026-11-22T13:30:00+01:00"}).json()["data"] == []
    assert client_for(bob).get("/api/v1/deleted/").json()["data"] == []


def test_a_deleted_table_and_a_deleted_mandate_leave_a_tombstone(commission, alice):
    table = StatTable.objects.create(
        commission=commission, kind="montants", title="Montants", period_start="2025-01-01", period_end="2025-12-31"
    )
    mandate = seat_member(commission, SectionKind.SOCIAL)
    table_pk, mandate_pk = table.pk, mandate.pk
    table_delete(table=table)
    mandate.delete()
    rows = client_for(alice).get("/api/v1/deleted/", {"body": commission.slug}).json()["data"]
    assert sorted(row["id"] for row in rows) == sorted(
        [f"http://testserver/api/v1/memberships/{mandate_pk}/", f"http://testserver/api/v1/tables/{table_pk}/"]
    )
    assert client_for(alice).get("/api/v1/deleted/", {"body": "cpr-reunion"}).json()["data"] == []


def test_a_deleted_commission_is_told_to_admins_with_everything_it_held(commission, planned, admin_user, alice):
    seat_member(commission, SectionKind.SOCIAL)
    pk = commission.pk
    Commission.objects.filter(pk=pk).delete()
    rows = client_for(admin_user).get("/api/v1/deleted/", {"page_size": 200}).json()["data"]
    types = sorted({row["type"] for row in rows})
    assert types == ["AgendaItem", "Body", "Meeting", "Membership", "Organization", "Post"]
    assert f"http://testserver/api/v1/bodies/{pk}/" in {row["id"] for row in rows}
    assert client_for(alice).get("/api/v1/deleted/").json()["data"] == []  # she no longer serves it


def test_a_deleted_person_and_organisation_are_told_to_every_caller_who_sees_a_commission(
    commission, alice, bob, charlie, frozen_today
):
    mandate = seat_member(commission, SectionKind.SOCIAL)
    person, organisation = mandate.person, mandate.seat.organisation
    person_pk, organisation_pk = person.pk, organisation.pk
    assert client_for(alice).get(f"/api/v1/persons/{person_pk}/").status_code == 200
    with pytest.raises(ProtectedError):  # a refused deletion leaves no tombstone
        person.delete()
    assert not Tombstone.objects.filter(kind__in=Tombstone.SHARED).exists()
    frozen_today.shift(datetime.timedelta(hours=1))
    mandate.delete()
    mandate.seat.delete()
    person.delete()
    organisation.delete()
    since = {"modified_since": "2026-11-22T12:30:00+01:00"}
    expected = {
        (f"http://testserver/api/v1/persons/{person_pk}/", "Person", None, True),
        (f"http://testserver/api/v1/organizations/{organisation_pk}/", "Organization", None, True),
    }
    for user in (alice, bob):  # Bob never saw them: an address and a type, no name
        rows = client_for(user).get("/api/v1/deleted/", since).json()["data"]
        rows = {(row["id"], row["type"], row["body"], row["deleted"]) for row in rows}
        assert {row for row in rows if "/persons/" in row[0] or "/organizations/" in row[0]} == expected
    assert client_for(alice).get(f"/api/v1/persons/{person_pk}/").status_code == 404
    assert client_for(charlie).get("/api/v1/deleted/").json()["data"] == []  # he sees no commission
    rows = client_for(alice).get("/api/v1/deleted/", {"body": commission.slug}).json()["data"]
    assert {row["type"] for row in rows} == {"Membership", "Post"}  # a body's own objects only
