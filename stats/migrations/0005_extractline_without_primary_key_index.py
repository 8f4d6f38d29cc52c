"""Extract lines: no B-tree on the id (PostgreSQL), and its identity values handed out a thousand at a time.

Nothing looks an extract line up by its id: the lines are found by extract, period and territory (the BRIN index
of migration 0003). The primary key's B-tree cost a million-row COPY 0.7 s of the server's 1.8 s (bench/
stats_extract.py, README "National extract import"); the identity's sequence, read once per line, 0.2 s more
unless cached. The id stays, as a column Django uses as the model's key, unique because the sequence gives it.
Other databases keep their primary key.
"""

from django.db import migrations

TABLE = "statistics_extractline"


def drop_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'", [TABLE])
        for (name,) in cursor.fetchall():
            schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {schema_editor.quote_name(name)}")
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET CACHE 1000")


def restore_key(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET CACHE 1")
    schema_editor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)")


class Migration(migrations.Migration):
    dependencies = [("statistics", "0004_pending_subtotals_and_task")]

    operations = [migrations.RunPython(drop_key, restore_key)]
