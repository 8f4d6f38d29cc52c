"""Extract lines: each partition's BRIN index on (period_start, period_end) only (PostgreSQL).

The derivation reads every line of its extract's period (a commission's territory, its region and France's totals
come from one pass, classed by territory in the query): no query narrows the lines by territory, and the territory
column made the index built after each import's load a third dearer (0.19-0.24 s against 0.15 s a million lines,
README "National extract import"). The partitioned index is made again on the two columns, each partition's own
built and attached to it under the name the import gives it (`stats.extract.storage`). Nothing runs on SQLite.

The lines' foreign key does nothing on deletion any more (state only: it has no constraint in the database): the
extract's pre_delete drops its partition (stats.apps), and Django's collector no longer loads each line to cascade
(the admin's confirmation page listed a million of them in 47 s and 4 GB).
"""

import django.db.models.deletion
from django.db import migrations, models

from portal.db import PostgreSQLOnlySQL


def _rebuild(columns: str) -> str:
    return f"""
DO $$
DECLARE
    part text;
BEGIN
    DROP INDEX statistics_extractline_lookup;
    CREATE INDEX statistics_extractline_lookup ON ONLY statistics_extractline
        USING brin ({columns}) WITH (pages_per_range = 16);
    FOR part IN
        SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = inhrelid
        WHERE inhparent = 'statistics_extractline'::regclass
    LOOP
        EXECUTE format(
            'CREATE INDEX %I ON %I USING brin ({columns}) WITH (pages_per_range = 16)', part || '_lookup', part
        );
        EXECUTE format('ALTER INDEX statistics_extractline_lookup ATTACH PARTITION %I', part || '_lookup');
    END LOOP;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("statistics", "0007_extractline_partition_per_extract")]

    operations = [
        PostgreSQLOnlySQL(
            _rebuild("period_start, period_end"), reverse_sql=_rebuild("period_start, period_end, territory")
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="extractline",
                    name="extract",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="lines",
                        to="statistics.nationalextract",
                    ),
                )
            ]
        ),
    ]
