"""Extract lines: a BRIN index instead of the B-tree on (extract, period, territory), on PostgreSQL.

The COPY of an extract writes its lines sorted by period and territory, so a BRIN index finds the lines of a
territory in a few block ranges while costing almost nothing during the load (the B-tree made a million-row
COPY half as slow again). Other databases (SQLite in development) get a B-tree on the same columns.
"""

from django.db import migrations

INDEX = "statistics_extractline_lookup"
COLUMNS = "extract_id, period_start, period_end, territory"


def create_index(apps, schema_editor):
    table = schema_editor.quote_name("statistics_extractline")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON {table} USING brin ({COLUMNS}) WITH (pages_per_range = 16)")
    else:
        schema_editor.execute(f"CREATE INDEX {INDEX} ON {table} ({COLUMNS})")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("statistics", "0002_aid_schemes")]

    operations = [
        migrations.RemoveIndex(model_name="extractline", name="statistics__extract_6a2da1_idx"),
        migrations.RunPython(create_index, drop_index),
    ]
