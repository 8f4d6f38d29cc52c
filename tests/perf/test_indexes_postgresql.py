"""On PostgreSQL, the queries that grow with a national deployment can be served by the indexes made for them
(decisions' migration 0010): each plan below names its index. Sequential scans are turned off for the plan only,
since on a test's few rows the planner rightly prefers them; what is checked is that the index matches the query
Django writes (an index on another expression, or in another order, would leave a sequential scan or a sort)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from commissions.composition.models import Commission, Mandate, ReaderScope
from commissions.meetings.models import AgendaItem, Meeting
from decisions.models import Rdd
from decisions.selectors import transmitted_for
from members.models import Person

pytestmark = pytest.mark.postgres


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        return queryset.explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def test_the_admins_searches_and_orders_use_their_indexes(db):
    plan = _plan(Person.objects.filter(last_name__icontains="ern").order_by("last_name", "first_name", "pk")[:100])
    assert "person_last_name_trgm" in plan
    plan = _plan(Person.objects.filter(email__icontains="@cpam").order_by()[:100])
    assert "person_email_trgm" in plan
    plan = _plan(Person.objects.order_by("last_name", "first_name", "pk")[:100])
    assert "person_admin_order" in plan and "Sort" not in plan
    plan = _plan(Mandate.objects.order_by("-start", "-pk")[:100])
    assert "mandate_admin_order" in plan and "Sort" not in plan
    # Without its ordering: on the tests' few rows the planner may walk the primary key backwards instead.
    plan = _plan(AgendaItem.objects.filter(title__icontains="perfadom").order_by()[:100])
    assert "agenda_item_title_trgm" in plan
    plan = _plan(Meeting.objects.order_by("-date", "-start_time", "-pk")[:100])
    assert "meeting_date_order" in plan and "Sort" not in plan


def test_the_inbox_reads_only_the_submitted_rdds(db):
    plan = _plan(Rdd.objects.filter(status=Rdd.Status.SUBMITTED).order_by("submitted_at", "pk"))
    assert "rdd_submitted_order" in plan


def test_the_transmitted_list_starts_from_the_users_commissions(db, alice):
    # `visible_to` as a list of the user's commissions: no EXISTS evaluated for every commission (an OR of three
    # subplans), the commissions read by their primary key.
    plan = _plan(transmitted_for(alice))
    assert "SubPlan" not in plan and "alternatives" not in plan
    assert "commissions_commission_pkey" in plan
    assert Commission.objects.visible_to(alice).count() == 1
    assert Commission.objects.visible_to(get_user_model()(pk=10**9)).count() == 0


def test_an_unfiltered_changelist_counts_from_the_planners_estimate(db, monkeypatch):
    from portal import admin_paging
    from tests.factories import PersonFactory

    PersonFactory.create_batch(5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_person")
    monkeypatch.setattr(admin_paging, "ESTIMATED_FROM", 3)
    # The estimate, without counting: ANALYZE saw the five rows; a sixth added since is not in it yet.
    PersonFactory()
    assert admin_paging.EstimatedCountPaginator(Person.objects.order_by("pk"), 100).count == 5
    # A filtered list, or a table under the threshold, is counted exactly.
    assert admin_paging.EstimatedCountPaginator(Person.objects.filter(pk__gt=0), 100).count == 6
    monkeypatch.setattr(admin_paging, "ESTIMATED_FROM", 1000)
    assert admin_paging.EstimatedCountPaginator(Person.objects.all(), 100).count == 6


def test_a_readers_commissions_are_a_list_too(db, commission, other_commission, reader, regional_reader):
    # The reader's branches of `visible_to` (commissions named, level and territory, level alone): equalities that
    # start from the user's few scopes and find their commissions by the index on (level, territory), never a read
    # of every commission nor an EXISTS evaluated for each.
    national = get_user_model().objects.create(username="nadia")
    ReaderScope.objects.create(user=national, service="CNAM", level="CPR", start="2024-01-01")
    for user in (reader, regional_reader, national):
        plan = _plan(transmitted_for(user))
        assert "alternatives" not in plan and "Seq Scan" not in plan
        assert plan.count("Index Scan using commission_level_territory") == 2, plan
    assert list(Commission.objects.visible_to(reader)) == [commission]
    assert list(Commission.objects.visible_to(regional_reader)) == [commission]
    assert Commission.objects.visible_to(national).count() == 2


def test_the_trigram_indexes_have_no_pending_list(db):
    # Decisions' migration 0011: rows go into the index at once, a search never reads a list of pending rows.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('person_last_name_trgm', 'person_first_name_trgm', 'person_email_trgm', 'agenda_item_title_trgm')"
        )
        options = dict(cursor.fetchall())
    assert options == {name: ["fastupdate=off"] for name in options} and len(options) == 4
