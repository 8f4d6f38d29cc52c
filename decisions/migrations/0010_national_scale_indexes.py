"""The indexes of a national deployment (2,000 commissions, 100,000 persons, 400,000 agenda items and decisions):
each serves an admin changelist's order or search, or the presidents' inbox, as the README's scale section measures.

Gathered here, the app that depends on every other one, rather than in each app's own migrations: they are
PostgreSQL-only (`portal.db.PostgreSQLOnlySQL`, nothing on SQLite), change no model, and are made CONCURRENTLY so
that a deployment already holding the country's data keeps serving while they are built (hence `atomic = False`).
The searches are Django's `icontains`, `UPPER(column::text) LIKE UPPER('%…%')`: the trigram indexes (pg_trgm, a
trusted extension) are on that very expression.
"""

from django.db import migrations

from portal.db import PostgreSQLOnlySQL

INDEXES = {
    # Persons: the admin's order (last name, first name, then the primary key) and its search on three columns.
    "person_admin_order": "members_person (last_name, first_name, id)",
    "person_last_name_trgm": "members_person USING gin (UPPER(last_name::text) gin_trgm_ops)",
    "person_first_name_trgm": "members_person USING gin (UPPER(first_name::text) gin_trgm_ops)",
    "person_email_trgm": "members_person USING gin (UPPER(email::text) gin_trgm_ops)",
    # Mandates newest first (the admin's order).
    "mandate_admin_order": "commissions_mandate (start, id)",
    # Meetings by date (the model's order, the admin's and the RDDs' changelist by their meeting's date).
    "meeting_date_order": "commissions_meeting (date, start_time, id)",
    # The agenda items' admin search on their title.
    "agenda_item_title_trgm": "commissions_agendaitem USING gin (UPPER(title::text) gin_trgm_ops)",
    # The inbox: the submitted RDDs in the order of their submission, without reading the others.
    "rdd_submitted_order": "decisions_rdd (submitted_at, id) WHERE status = 'soumis'",
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("members", "0001_initial"),
        ("commissions", "0007_meeting_calendar_identity"),
        ("decisions", "0009_trail_access"),
    ]

    operations = [
        PostgreSQLOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop, elidable=False),
        *(
            PostgreSQLOnlySQL(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {definition}",
                reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
            )
            for name, definition in INDEXES.items()
        ),
    ]
