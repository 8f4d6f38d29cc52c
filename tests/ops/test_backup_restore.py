"""The backup and restore procedure of docs/operations.md, tried once: dump, restore elsewhere, same content.

PostgreSQL: `pg_dump --format=custom` of the test database, `pg_restore` into a fresh database, then
every table compared (row count and a checksum of all rows). Files: a tar archive of MEDIA_ROOT
extracted elsewhere, every file compared.
"""

import hashlib
import subprocess
import tarfile
import uuid

import psycopg2
import pytest
from django.db import connection

from commissions.composition.models import Commission


def pg_options(settings_dict) -> list[str]:
    options = ["--host", settings_dict["HOST"] or "127.0.0.1", "--username", settings_dict["USER"] or "postgres"]
    if settings_dict["PORT"]:
        options += ["--port", str(settings_dict["PORT"])]
    return options


def connect(settings_dict, name: str):
    return psycopg2.connect(
        dbname=name,
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
    )


def table_fingerprints(settings_dict, name: str) -> dict[str, tuple[int, str]]:
    """Each table of the public schema: its row count and an MD5 of its rows in a stable order."""
    with connect(settings_dict, name) as db, db.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        fingerprints = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(t::text, chr(10) ORDER BY t::text)), '') FROM \"{table}\" t"
            )
            fingerprints[table] = cursor.fetchone()
    db.close()
    return fingerprints


def file_hashes(root) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.postgres
def test_a_dump_restored_into_a_fresh_database_has_the_same_content(commission, other_commission, presidents, tmp_path):
    settings_dict = connection.settings_dict
    source = settings_dict["NAME"]
    restored = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "portal.dump"
    assert Commission.objects.count() == 2

    subprocess.run(
        ["pg_dump", *pg_options(settings_dict), "--format=custom", "--file", str(dump), source],
        check=True,
        timeout=120,
    )
    subprocess.run(["createdb", *pg_options(settings_dict), restored], check=True, timeout=60)
    try:
        subprocess.run(
            [
                "pg_restore",
                *pg_options(settings_dict),
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                restored,
                str(dump),
            ],
            check=True,
            timeout=300,
        )

        original = table_fingerprints(settings_dict, source)
        copy = table_fingerprints(settings_dict, restored)
    finally:
        subprocess.run(
            [
                "psql",
                *pg_options(settings_dict),
                "--dbname",
                "postgres",
                "-c",
                f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)',
            ],
            check=True,
            timeout=60,
            capture_output=True,
        )

    assert copy == original
    assert original["commissions_commission"][0] == 2
    assert original["commissions_mandate"][0] >= 2


def test_an_archive_of_the_files_restores_the_same_files(tmp_path):
    media = tmp_path / "media"
    (media / "agenda" / "12" / "a1b2").mkdir(parents=True)
    (media / "agenda" / "12" / "a1b2" / "note de séance.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 40)
    (media / "supports").mkdir()
    (media / "supports" / "support-2026-12-03.pdf").write_bytes(b"%PDF-1.7 support")
    archive = tmp_path / "media.tar.gz"

    with tarfile.open(archive, "w:gz") as tar:  # = tar -C "$MEDIA_ROOT" -czf media.tar.gz .
        tar.add(media, arcname=".")
    restored = tmp_path / "restored"
    restored.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(restored, filter="data")

    assert file_hashes(restored) == file_hashes(media)
    assert len(file_hashes(media)) == 2
