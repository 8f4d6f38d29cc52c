"""Helpers of the RDD tests, imported by the test modules that need them."""

from django.db import connection, transaction


def tamper(queryset, **changes):
    """Change rows as someone with direct database access would (on PostgreSQL, past the triggers)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        queryset.update(**changes)
