"""TRUNCATE of the trail and of the RDD tables is refused on PostgreSQL (row triggers do not fire on it)."""

import pytest
from django.db import IntegrityError, connection, transaction

from decisions.models import TrailEntry

pytestmark = pytest.mark.postgres

TABLES = [
    "decisions_trailentry",
    "decisions_rdd",
    "decisions_approval",
    "decisions_itemrecord",
    "decisions_decision",
    "decisions_commitment",
    "decisions_commitmentupdate",
    "decisions_question",
    "decisions_validationvote",
]


@pytest.mark.parametrize("table", TABLES)
def test_truncate_is_refused_without_the_test_setting(approved, table):
    entries = TrailEntry.objects.filter(rdd=approved).count()

    with pytest.raises(IntegrityError, match="rdd_frozen: TRUNCATE refusé"), transaction.atomic():
        with connection.cursor() as cursor:
            # The test settings allow TRUNCATE for Django's flush; this session takes the permission back.
            cursor.execute("SET LOCAL portal.allow_truncate = 'off'")
            cursor.execute(f"TRUNCATE {table} CASCADE")

    assert TrailEntry.objects.filter(rdd=approved).count() == entries
