"""PostgreSQL protections: no two mandates of a seat and role, nor two
presidents of a section, share a day. No-ops on SQLite, where the models'
clean() methods enforce the same rules."""

from django.db import migrations

from portal.db import PostgreSQLOnlySQL


class Migration(migrations.Migration):
    dependencies = [("commissions", "0001_initial")]

    operations = [
        PostgreSQLOnlySQL("CREATE EXTENSION IF NOT EXISTS btree_gist;", reverse_sql=migrations.RunSQL.noop),
        PostgreSQLOnlySQL(
            """
            ALTER TABLE commissions_mandate ADD CONSTRAINT mandate_no_overlap
            EXCLUDE USING gist (seat_id WITH =, role WITH =, daterange(start, "end", '[]') WITH &&);
            """,
            reverse_sql="ALTER TABLE commissions_mandate DROP CONSTRAINT mandate_no_overlap;",
        ),
        PostgreSQLOnlySQL(
            """
            ALTER TABLE commissions_sectionpresidency ADD CONSTRAINT section_presidency_no_overlap
            EXCLUDE USING gist (section_id WITH =, daterange(start, "end", '[]') WITH &&);
            """,
            reverse_sql="ALTER TABLE commissions_sectionpresidency DROP CONSTRAINT section_presidency_no_overlap;",
        ),
    ]
