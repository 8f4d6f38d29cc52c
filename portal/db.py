"""Database helpers shared by the apps' migrations."""

from django.db import migrations


class PostgreSQLOnlySQL(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and does nothing elsewhere.

    PostgreSQL-only protections (exclusion constraints, triggers) are
    installed this way; the application enforces the same rules on every
    database, so SQLite (demo, quick tests) stays correct without them.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
