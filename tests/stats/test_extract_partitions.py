"""National extracts on PostgreSQL: one partition of the lines' table per extract, created, indexed and attached by
its import, dropped with the extract; the derivation reads its extract's partition alone, through its BRIN index;
migration 0007 moves the lines already loaded into partitions."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from stats.extract.jobs import extract_create, extract_process
from stats.models import ExtractLine, NationalExtract
from tests.stats.test_extract import EXTRACT, HEADER

pytestmark = pytest.mark.postgres

PARENT = "statistics_extractline"


def _load(data: bytes = EXTRACT, title: str = "Extrait 2024") -> NationalExtract:
    extract, _ = extract_create(data=data, file_name="extrait.csv", title=title)
    return extract_process(extract_id=extract.pk)


def _partitions() -> dict[str, str]:
    """The lines' table's partitions and their bounds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname, pg_get_expr(child.relpartbound, child.oid) FROM pg_inherits "
            "JOIN pg_class child ON child.oid = inhrelid WHERE inhparent = %s::regclass",
            [PARENT],
        )
        return dict(cursor.fetchall())


def _exists(relation: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [relation])
        return cursor.fetchone()[0]


def test_each_extract_is_loaded_into_a_partition_of_its_own_with_its_brin_index():
    first = _load()
    second = _load((HEADER + "2024-01-01;2024-12-31;83;Orthèses;RG;300;300\n").encode(), "Autre extrait")
    assert first.status == second.status == NationalExtract.Status.DONE
    partitions = _partitions()
    assert partitions[f"{PARENT}_{first.pk}"] == f"FOR VALUES IN ('{first.pk}')"
    assert partitions[f"{PARENT}_{second.pk}"] == f"FOR VALUES IN ('{second.pk}')"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ONLY {PARENT}_{first.pk}")
        assert cursor.fetchone()[0] == 8
        # The index built after the load is the partition's share of the lines' partitioned BRIN index.
        cursor.execute(
            "SELECT parent.relname, am.amname FROM pg_inherits JOIN pg_class child ON child.oid = inhrelid "
            "JOIN pg_class parent ON parent.oid = inhparent JOIN pg_am am ON am.oid = child.relam "
            "WHERE child.relname = %s",
            [f"{PARENT}_{first.pk}_lookup"],
        )
        assert cursor.fetchall() == [("statistics_extractline_lookup", "brin")]
    assert ExtractLine.objects.filter(extract=second).count() == 1
    assert len({line.pk for line in ExtractLine.objects.all()}) == 9  # one identity across the partitions


def test_a_refused_extract_leaves_no_table():
    extract, _ = extract_create(data=(HEADER + "x;y;13;P;RG;1;1\n").encode(), file_name="e.csv", title="Mauvais")
    extract = extract_process(extract_id=extract.pk)
    assert extract.status == NationalExtract.Status.FAILED
    assert not _exists(f"{PARENT}_{extract.pk}")
    assert f"{PARENT}_{extract.pk}" not in _partitions()


def test_deleting_an_extract_drops_its_partition_and_keeps_the_others():
    first, second = _load(), _load((HEADER + "2024-01-01;2024-12-31;83;P;RG;3;3\n").encode(), "Autre extrait")
    first.delete()
    assert not _exists(f"{PARENT}_{first.pk}")
    assert not ExtractLine.objects.filter(extract_id=first.pk).exists()
    assert ExtractLine.objects.filter(extract=second).count() == 1
    NationalExtract.objects.filter(pk=second.pk).delete()  # a queryset's deletion too
    assert not _exists(f"{PARENT}_{second.pk}")


def test_the_admin_deletes_an_extract_with_its_partition(client, django_user_model):
    extract = _load()
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", "mot-de-passe-long")
    client.force_login(admin)
    url = reverse("admin:statistics_nationalextract_delete", args=[extract.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "13 Orthèses RG" not in page.content.decode()  # the lines are not loaded one by one to be listed
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not NationalExtract.objects.filter(pk=extract.pk).exists()
    assert not _exists(f"{PARENT}_{extract.pk}")


def test_the_derivation_reads_its_extracts_partition_alone_through_its_brin_index():
    extract, other = _load(), _load((HEADER + "2024-01-01;2024-12-31;13;P;RG;3;3\n").encode(), "Autre extrait")
    lines = ExtractLine.objects.filter(
        extract=extract, period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31)
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # eight lines: a scan would win, the index is the point
        plan = lines.explain()
    assert f"{PARENT}_{extract.pk}_lookup" in plan and "Bitmap Index Scan" in plan
    assert f"{PARENT}_{other.pk}" not in plan


@pytest.fixture
def before_partitions():
    """The database as it was before migration 0007 (then migrated by the test); at the latest state afterwards."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("statistics", "0006_table_charts")])
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(latest)


def test_the_migration_moves_the_loaded_lines_into_one_partition_per_extract(before_partitions):
    first, second = (
        NationalExtract.objects.create(title=title, file_hash=title, status=NationalExtract.Status.DONE)
        for title in ("a", "b")
    )
    columns = "line, period_start, period_end, territory, poste, regime, amount, amount_n_1, extract_id"
    with connection.cursor() as cursor:
        for line, extract_id in ((2, first.pk), (3, first.pk), (2, second.pk), (2, second.pk + 1000)):
            cursor.execute(
                f"INSERT INTO {PARENT} ({columns}) VALUES (%s, '2024-01-01', '2024-12-31', '13', 'P', 'RG', 1.5, "
                "NULL, %s)",
                [line, extract_id],
            )
        cursor.execute(f"SELECT max(id) FROM {PARENT}")
        (last_id,) = cursor.fetchone()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    partitions = _partitions()
    assert set(partitions) == {f"{PARENT}_{first.pk}", f"{PARENT}_{second.pk}"}  # the orphan line is not moved
    assert sorted(ExtractLine.objects.filter(extract=first).values_list("line", flat=True)) == [2, 3]
    assert ExtractLine.objects.filter(extract=second).count() == 1
    # An import after the migration carries on: its own partition, ids after the moved lines'.
    loaded = _load()
    assert loaded.status == NationalExtract.Status.DONE
    assert min(ExtractLine.objects.filter(extract=loaded).values_list("id", flat=True)) > last_id
    loaded.delete()
    assert not _exists(f"{PARENT}_{loaded.pk}")
