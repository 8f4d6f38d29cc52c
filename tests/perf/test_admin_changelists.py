"""The admin at national size: every changelist runs the same number of queries on the demo data and on ten times
more (`ten_times_the_demo`), lists no commission in its sidebar, and filters by a commission typed in a field."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissions.composition.models import Commission, Mandate
from commissions.meetings.models import AgendaItem
from decisions.models import Rdd
from demo.loader import load_all
from demo.meetings import COTE_DOR, PACA
from members.models import Person
from tests.perf.test_query_budgets import ten_times_the_demo

pytestmark = pytest.mark.django_db

# The changelists whose rows the demo and `ten_times_the_demo` multiply: a query per row would show in the counts.
GROWING = {
    "commissions.commission",
    "commissions.seat",
    "commissions.mandate",
    "commissions.sectionpresidency",
    "commissions.presidencydesignation",
    "commissions.compositionchange",
    "commissions.meeting",
    "commissions.agendaitem",
    "decisions.rdd",
    "decisions.itemrecord",
    "decisions.commitment",
    "decisions.commitmentupdate",
    "decisions.question",
    "members.person",
}


def _changelists() -> list[str]:
    return sorted(f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry)


def _queries(client, name: str, query: str = "") -> tuple[int, int, str]:
    """The changelist's queries, its rows and its HTML."""
    app_label, model_name = name.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist") + query
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    html = response.content.decode()
    return len(captured), len(re.findall(r'<tr[^>]*>\s*<td class="action-checkbox">', html)), html


@pytest.fixture
def admin_client(client):
    admin_user = get_user_model().objects.create_superuser("national", "national@example.org", "x")
    client.force_login(admin_user)
    return client


def test_every_changelist_runs_the_same_queries_on_ten_times_the_demo(admin_client):
    load_all()
    for name in _changelists():
        _queries(admin_client, name)  # the per-process caches (content types, the session)
    before = {name: _queries(admin_client, name)[:2] for name in _changelists()}
    ten_times_the_demo()
    after = {name: _queries(admin_client, name)[:2] for name in _changelists()}
    assert {name: queries for name, (queries, _) in after.items()} == {
        name: queries for name, (queries, _) in before.items()
    }
    for name in GROWING:
        rows_before, rows_after = before[name][1], after[name][1]
        assert rows_after > rows_before or rows_after == 100, (name, rows_before, rows_after)
    assert max(queries for queries, _ in after.values()) <= 12


def test_the_commission_filter_is_a_field_not_a_list_of_every_commission(admin_client):
    load_all()
    ten_times_the_demo()
    paca = Commission.objects.get(slug=PACA)
    _, _, html = _queries(admin_client, "decisions.rdd")
    assert 'name="commission"' in html
    # No commission listed as a link of the sidebar: the demo's 14 would be 2,000 on a national deployment.
    assert "?meeting__commission__id__exact=" not in html

    _, rows, html = _queries(admin_client, "decisions.rdd", f"?commission={PACA}&status=transmis")
    assert rows == Rdd.objects.filter(meeting__commission=paca, status="transmis").count() > 0
    assert f'<li class="selected">{paca.name}</li>' in html
    # The other parameters are kept when another commission is typed.
    assert '<input type="hidden" name="status" value="transmis">' in html

    _, rows, html = _queries(admin_client, "commissions.mandate", "?commission=Côte-d")
    cote_dor = Commission.objects.get(slug=COTE_DOR)
    assert rows == Mandate.objects.filter(seat__section__commission=cote_dor).count() > 0

    _, rows, html = _queries(admin_client, "commissions.agendaitem", "?commission=introuvable")
    assert rows == 0
    assert "Aucune commission ne correspond à « introuvable »." in html


def test_the_searches_find_a_person_by_part_of_a_name_or_an_address(admin_client):
    load_all()
    kern = Person.objects.get(user__username="kern")
    _, rows, html = _queries(admin_client, "members.person", "?q=ern")
    assert rows >= 1 and "KERN" in html
    _, rows, html = _queries(admin_client, "commissions.mandate", f"?q={kern.last_name[1:].lower()}")
    assert rows == Mandate.objects.filter(person__last_name__icontains=kern.last_name[1:]).count() > 0
    _, rows, _ = _queries(admin_client, "commissions.agendaitem", "?q=PERFADOM")
    assert rows == AgendaItem.objects.filter(title__icontains="PERFADOM").count() > 0


def _mandate_search(admin_client, word: str) -> tuple[int, list[str]]:
    """The mandates' changelist searched for `word`: its rows and the SQL of its queries on mandates."""
    url = reverse("admin:commissions_mandate_changelist") + f"?q={word}"
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    rows = len(re.findall(r'<tr[^>]*>\s*<td class="action-checkbox">', response.content.decode()))
    return rows, [query["sql"] for query in captured if 'FROM "commissions_mandate"' in query["sql"]]


def test_the_mandates_search_reads_the_matching_mandates_then_takes_them_by_primary_key(admin_client):
    # The page and its count take the mandates found by their primary keys (a list), not the search as a subquery,
    # which PostgreSQL joined to every mandate of the country.
    load_all()
    kern = Person.objects.get(user__username="kern")
    expected = Mandate.objects.filter(person__last_name__icontains=kern.last_name[1:]).count()
    rows, queries = _mandate_search(admin_client, kern.last_name[1:].lower())
    assert rows == expected > 0
    found, *listed = queries
    assert "UNION" in found and "LIMIT 1001" in found
    by_primary_key = re.compile(r'"commissions_mandate"\."id" IN \(\d')
    assert listed and all("UNION" not in sql and by_primary_key.search(sql) for sql in listed)


def test_a_search_matching_too_many_mandates_keeps_the_subquery(admin_client, monkeypatch):
    load_all()
    monkeypatch.setattr(admin.site._registry[Mandate], "SEARCH_IDS_AT_MOST", 1)
    expected = Mandate.objects.filter(
        Q(person__last_name__icontains="a")
        | Q(person__first_name__icontains="a")
        | Q(person__email__icontains="a")
        | Q(seat__organisation__acronym__icontains="a")
        | Q(seat__organisation__name__icontains="a")
    ).count()
    assert expected > 2
    rows, queries = _mandate_search(admin_client, "a")
    assert rows == min(expected, 100)
    found, *listed = queries
    assert "LIMIT 2" in found
    assert listed and all("UNION" in sql for sql in listed)
