"""The admin's trigram indexes (migration 0010) written directly, without GIN's pending list (`fastupdate = off`).

With the default `fastupdate = on`, the rows inserted into a GIN index wait in an unsorted pending list of up to
`gin_pending_list_limit` (4 MB) until a vacuum, or the list's filling up, merges them into the index; every search
reads the whole list, row by row. On the national dataset the persons' three indexes held 17,000–21,000 pending
rows each: the admin's search of a name read 1,000 pages instead of a few dozen, and PostgreSQL chose to scan
every person instead. Persons, organisations and agenda items are written a few at a time and searched far more
often: writing each row into the index at once costs little, and a search never depends on when the autovacuum
last ran.

Each index is built again beside the old one (CONCURRENTLY, as 0010: a deployment holding the country's data keeps
serving and searching), the old one dropped CONCURRENTLY, and the new one takes its name (a rename takes no lock
that stops reads). PostgreSQL only, nothing on SQLite.
"""

from django.db import migrations

from portal.db import PostgreSQLOnlySQL

TRIGRAM_INDEXES = {
    "person_last_name_trgm": "members_person USING gin (UPPER(last_name::text) gin_trgm_ops)",
    "person_first_name_trgm": "members_person USING gin (UPPER(first_name::text) gin_trgm_ops)",
    "person_email_trgm": "members_person USING gin (UPPER(email::text) gin_trgm_ops)",
    "agenda_item_title_trgm": "commissions_agendaitem USING gin (UPPER(title::text) gin_trgm_ops)",
}


def _rebuilt(name: str, definition: str, fastupdate: str) -> list[str]:
    """The index built again under a temporary name with `fastupdate`, the old one dropped, the new one renamed."""
    temporary = f"{name}_rebuilt"
    return [
        f"DROP INDEX CONCURRENTLY IF EXISTS {temporary}",  # a build interrupted earlier leaves an invalid index
        f"CREATE INDEX CONCURRENTLY {temporary} ON {definition} WITH (fastupdate = {fastupdate})",
        f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        f"ALTER INDEX {temporary} RENAME TO {name}",
    ]


def _operations(fastupdate: str) -> list[str]:
    return [sql for name, definition in TRIGRAM_INDEXES.items() for sql in _rebuilt(name, definition, fastupdate)]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("decisions", "0010_national_scale_indexes")]

    operations = [PostgreSQLOnlySQL(_operations("off"), reverse_sql=_operations("on"))]
