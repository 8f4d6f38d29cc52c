"""The search on PostgreSQL: the unaccent extension, an immutable folding function over it, and GIN indexes of
the searched texts' French full-text vectors (the expressions of home.search.vector, so that the planner uses
them). Nothing on SQLite, where home.search registers its own `home_unaccent` on each connection."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from portal.db import PostgreSQLOnlySQL

# unaccent() itself is only STABLE (its dictionary could change): an index needs an IMMUTABLE function, so the
# dictionary is named and the function declared immutable, as the PostgreSQL documentation suggests.
FOLD = """
CREATE OR REPLACE FUNCTION home_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
"""


def _index(name: str, table: str, *columns: str) -> PostgreSQLOnlySQL:
    document = " || ' ' || ".join(f"COALESCE(home_unaccent({column}), '')" for column in columns)
    return PostgreSQLOnlySQL(
        sql=f"CREATE INDEX {name} ON {table} USING gin (to_tsvector('french'::regconfig, ({document})));",
        reverse_sql=f"DROP INDEX IF EXISTS {name};",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("commissions", "0006_meeting_end_after_start_message"),
        ("decisions", "0007_approvals_bound_to_status"),
    ]

    operations = [
        UnaccentExtension(),
        PostgreSQLOnlySQL(sql=FOLD, reverse_sql="DROP FUNCTION IF EXISTS home_unaccent(text);"),
        # The texts that grow with the years; persons and meetings are few rows, read faster without an index.
        _index("home_search_decision", "decisions_decision", "text"),
        _index("home_search_commitment", "decisions_commitment", "text"),
        _index("home_search_question", "decisions_question", "text", "answer"),
        _index("home_search_agenda_item", "commissions_agendaitem", "title"),
    ]
