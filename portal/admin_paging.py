"""The admin's paginator at national size (used by the apps' admin modules)."""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Above this many rows (the planner's estimate), an unfiltered changelist counts its rows from the estimate.
ESTIMATED_FROM = 20000


class EstimatedCountPaginator(Paginator):
    """The admin's paginator for the tables that grow with the country (mandates, meetings, agenda items, the RDDs'
    content and trail): an unfiltered list takes its number of rows from PostgreSQL's estimate (`pg_class.reltuples`,
    kept by autovacuum's ANALYZE) instead of counting every row at each page; a filtered list, a small table and
    SQLite count exactly."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connection.vendor == "postgresql" and isinstance(queryset, QuerySet) and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row is not None and row[0] >= ESTIMATED_FROM:
                return row[0]
        return super().count
