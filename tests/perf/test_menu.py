"""The menu's name and extracts link (portal.context_processors.menu) agree with `user.person` and `perms`."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import PersonFactory, UserFactory

LINK = "Extractions nationales"


def _permission():
    return Permission.objects.get(content_type__app_label="statistics", codename="import_national_extract")


def _menu(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("commissions:list")).content.decode()


@pytest.mark.parametrize("grant", ["none", "user", "group", "superuser", "inactive superuser"])
def test_the_extracts_link_follows_the_permission(db, client, grant):
    user = UserFactory(
        username="agent", is_superuser=grant.endswith("superuser"), is_active=grant != "inactive superuser"
    )
    if grant == "user":
        user.user_permissions.add(_permission())
    elif grant == "group":
        group = Group.objects.create(name="Statistiques nationales")
        group.permissions.add(_permission())
        user.groups.add(group)
    expected = grant in {"user", "group", "superuser"}
    user.refresh_from_db()
    assert user.has_perm("statistics.import_national_extract") is expected
    if grant == "inactive superuser":
        from portal.context_processors import Menu

        assert Menu(user).can_import_extracts is False  # an inactive account cannot open a page
        return
    assert (LINK in _menu(client, user)) is expected


def test_the_menu_names_the_person_or_the_account(db, client):
    user = UserFactory(username="kern")
    assert ">kern</span>" in _menu(client, user)
    PersonFactory(user=user, civility="Mme", last_name="Kern", first_name="Colette")
    assert "Mme KERN Colette" in _menu(client, user)
