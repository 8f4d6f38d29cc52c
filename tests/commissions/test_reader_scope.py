"""The reader role ("lecteur") given in the admin: French refusals of a scope that names nothing, and the access
following the scope at once (the access decisions are cached until the composition changes)."""

import datetime

from django.urls import reverse

from commissions.composition.models import ReaderScope
from tests.factories import UserFactory


def test_the_admin_refuses_a_scope_that_names_no_commission_nor_level(client, admin_user, commission):
    service = UserFactory(username="dcgdr")
    client.force_login(admin_user)
    add = reverse("admin:commissions_readerscope_add")
    fields = {"user": service.pk, "service": "DCGDR PACA", "start": "01/01/2026"}

    nothing = client.post(add, fields)
    territory_alone = client.post(add, {**fields, "territory": "PACA–Corse"})
    named = client.post(add, {**fields, "commissions": [commission.pk]})

    assert nothing.status_code == 200
    assert "Indiquez les commissions lues : nommément, ou par leur niveau (et leur territoire)." in (
        nothing.content.decode()
    )
    assert "Indiquez le niveau des commissions de ce territoire (CPD, CPL…)." in territory_alone.content.decode()
    assert named.status_code == 302
    scope = ReaderScope.objects.get()
    assert list(scope.commissions.all()) == [commission]
    assert client.get(reverse("admin:commissions_readerscope_changelist")).status_code == 200


def test_the_admin_refuses_an_end_before_the_start(client, admin_user):
    service = UserFactory(username="dcgdr")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:commissions_readerscope_add"),
        {"user": service.pk, "service": "DCGDR", "level": "CPD", "start": "01/01/2026", "end": "31/12/2025"},
    )
    assert "La date de fin doit être postérieure ou égale à la date de début." in response.content.decode()
    assert not ReaderScope.objects.exists()


def test_access_follows_the_scope_at_once(client, commission):
    service = UserFactory(username="dcgdr")
    client.force_login(service)
    page = reverse("commissions:detail", kwargs={"slug": commission.slug})
    assert client.get(page).status_code == 404  # refused, and that answer is kept in the cache

    scope = ReaderScope.objects.create(user=service, service="DCGDR PACA", start=datetime.date(2024, 1, 1))
    scope.commissions.add(commission)
    assert client.get(page).status_code == 200

    scope.end = datetime.date.today() - datetime.timedelta(days=1)
    scope.save()
    assert client.get(page).status_code == 404

    scope.end = None
    scope.save()
    scope.commissions.clear()
    assert client.get(page).status_code == 404
    scope.level, scope.territory = commission.level, commission.territory
    scope.save()
    assert client.get(page).status_code == 200
