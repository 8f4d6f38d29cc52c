"""The permission matrix: role × page or action × own or other commission.

Whoever has no part in a commission gets 404 (its existence is not
revealed); a member, a president or a reader (role "lecteur" of a service,
by the commission's name or by its level and territory) of the commission
asking for a secretariat action gets 403.
"""

import datetime

import pytest
from django.urls import reverse

from commissions.composition.models import Mandate, PresidencyDesignation, ReaderScope, SectionKind
from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import AgendaItem, Meeting
from commissions.meetings.services import meeting_create
from tests.factories import UserFactory, seat_member

READ, MANAGE = "read", "manage"

PAGES = [
    # (url name, extra kwargs factory, kind)
    ("commissions:detail", READ),
    ("commissions:composition_export", READ),
    ("commissions:mandate_add", MANAGE),
    ("commissions:mandate_end", MANAGE),
    ("commissions:seat_add", MANAGE),
    ("commissions:section_president_set", MANAGE),
    ("commissions:designation_record", MANAGE),
    ("commissions:composition_import", MANAGE),
    ("commissions:meeting_list", READ),
    ("commissions:meeting_detail", READ),
    ("commissions:meeting_create", MANAGE),
    ("commissions:meeting_edit", MANAGE),
    ("commissions:meeting_attendance", MANAGE),
    ("commissions:meeting_convene", MANAGE),
    ("commissions:agenda_item_add", MANAGE),
    ("commissions:agenda_item_edit", MANAGE),
    ("commissions:agenda_item_delete", MANAGE),
    ("commissions:agenda_block_list", MANAGE),
]

ROLES = ["admin", "secretariat", "president", "member", "reader", "regional_reader", "other_secretariat", "stranger"]

EXPECTED = {
    READ: {
        "admin": 200,
        "secretariat": 200,
        "president": 200,
        "member": 200,
        "reader": 200,
        "regional_reader": 200,
        "other_secretariat": 404,
        "stranger": 404,
    },
    MANAGE: {
        "admin": 200,
        "secretariat": 200,
        "president": 403,
        "member": 403,
        "reader": 403,
        "regional_reader": 403,
        "other_secretariat": 404,
        "stranger": 404,
    },
}


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
    frozen_today,
):
    mandate = Mandate.objects.filter(seat__section__commission=commission).first()
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    agenda_item_add(meeting=meeting, title="Questions diverses")
    users = {
        "admin": admin_user,
        "secretariat": alice,
        "president": presidents[0].user,
        "member": member_user,
        "reader": reader,
        "regional_reader": regional_reader,
        "other_secretariat": bob,
        "stranger": charlie,
    }
    return commission, mandate, users


def url_for(name, commission, mandate):
    kwargs = {"slug": commission.slug}
    if name == "commissions:mandate_end":
        kwargs["mandate_id"] = mandate.pk
    if name.startswith(("commissions:meeting_", "commissions:agenda_item")) and not name.endswith(("_list", "_create")):
        kwargs["meeting_id"] = Meeting.objects.get(commission=commission).pk
    if name.startswith("commissions:agenda_item_") and not name.endswith("_add"):
        kwargs["item_id"] = AgendaItem.objects.get(meeting__commission=commission).pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "kind"), PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_the_pages_of_its_commission(client, world, name, kind, role):
    commission, mandate, users = world
    client.force_login(users[role])

    response = client.get(url_for(name, commission, mandate))

    assert response.status_code == EXPECTED[kind][role]


@pytest.mark.parametrize("role", ["admin", "secretariat", "president", "member", "reader", "regional_reader"])
def test_the_commission_list_shows_only_the_commissions_one_takes_part_in(client, world, other_commission, role):
    commission, _, users = world
    client.force_login(users[role])

    response = client.get(reverse("commissions:list"))

    listed = list(response.context["commissions"])
    assert commission in listed
    assert (other_commission in listed) == (role == "admin")


def test_a_stranger_sees_an_empty_list_that_says_what_to_do(client, charlie, commission):
    client.force_login(charlie)
    response = client.get(reverse("commissions:list"))
    assert list(response.context["commissions"]) == []
    assert "Vous ne participez encore à aucune commission" in response.content.decode()


def test_a_mandate_of_another_commission_is_404_even_for_a_secretariat_agent(
    client, alice, commission, other_commission
):
    foreign = seat_member(other_commission, SectionKind.SOCIAL)
    client.force_login(alice)
    response = client.get(reverse("commissions:mandate_end", args=[commission.slug, foreign.pk]))
    assert response.status_code == 404


def test_a_former_member_loses_access_when_the_mandate_ends(client, commission, frozen_today):
    user = UserFactory(username="ancien")
    seat_member(
        commission, SectionKind.SOCIAL, user=user, start=datetime.date(2020, 1, 1), end=datetime.date(2025, 12, 31)
    )
    client.force_login(user)
    assert client.get(reverse("commissions:detail", args=[commission.slug])).status_code == 404


def test_only_the_secretariat_may_delete_a_designation(client, commission, alice, presidents):
    social, professional = presidents
    designation = PresidencyDesignation.objects.create(
        commission=commission,
        year=2026,
        president=social,
        president_section=SectionKind.SOCIAL,
        vice_president=professional,
        designated_on="2026-02-26",
    )
    url = reverse("commissions:designation_delete", args=[commission.slug, designation.pk])
    client.force_login(social.user)
    assert client.post(url).status_code == 403
    assert PresidencyDesignation.objects.filter(pk=designation.pk).exists()
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not PresidencyDesignation.objects.filter(pk=designation.pk).exists()


def test_the_commission_list_is_searchable_and_paginated(client, admin_user, commission, other_commission, monkeypatch):
    monkeypatch.setattr("commissions.composition.views.commission.COMMISSIONS_PER_PAGE", 1)
    client.force_login(admin_user)
    url = reverse("commissions:list")

    found = client.get(url, {"q": "réunion"})
    second = client.get(url, {"page": 2})
    none = client.get(url, {"q": "pharmaciens"})

    assert list(found.context["commissions"]) == [other_commission]
    assert second.context["commissions"].number == 2
    assert "Page 2 sur 2" in second.content.decode()
    assert "Aucune commission ne correspond à « pharmaciens »." in none.content.decode()


@pytest.mark.parametrize("who", ["reader", "regional_reader"])
def test_a_reader_reads_the_commission_but_changes_nothing(client, world, who):
    commission, mandate, users = world
    client.force_login(users[who])

    page = client.get(reverse("commissions:detail", kwargs={"slug": commission.slug}))
    create = client.post(
        reverse("commissions:meeting_create", kwargs={"slug": commission.slug}),
        {"date": "10/12/2026", "start_time": "10:00", "title": "Séance"},
    )
    end = client.post(url_for("commissions:mandate_end", commission, mandate), {"end": "30/11/2026"})

    assert page.status_code == 200
    assert page.context["roles"] == ["Lecteur (lecture seule)"]
    assert reverse("commissions:meeting_create", kwargs={"slug": commission.slug}) not in page.content.decode()
    assert (create.status_code, end.status_code) == (403, 403)
    assert Meeting.objects.filter(commission=commission).count() == 1
    mandate.refresh_from_db()
    assert mandate.end is None
    assert commission.name in client.get(reverse("home:index")).content.decode()


def test_a_reader_whose_scope_has_ended_no_longer_sees_the_commission(client, world):
    commission, _, users = world
    ReaderScope.objects.filter(user=users["reader"]).update(end=datetime.date(2026, 11, 21))
    client.force_login(users["reader"])

    assert client.get(reverse("commissions:detail", kwargs={"slug": commission.slug})).status_code == 404
