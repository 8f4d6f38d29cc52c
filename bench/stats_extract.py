"""Benchmark: a generated 1,000,000-row national extract imported end to end (parse, clean, store), then derived.

Not a test. Run against PostgreSQL (COPY path):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench DJANGO_SETTINGS_MODULE=portal.settings_test \
        .venv/bin/python bench/stats_extract.py [ROWS]
Prints rows per second for each stage and the peak memory (resident set) of the process.
"""

import datetime
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from stats.territories import DEPARTMENT_REGION  # noqa: E402

POSTES = [f"Poste de dépense {number:03d}" for number in range(330)]
REGIMES = ["RG", "MSA", "Autres"]
PERIODS = [("2024-01-01", "2024-12-31"), ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-09-30")]


def generate(rows: int) -> Path:
    """The extract file, written once into /tmp (line by line, so that generating costs no memory).

    French-formatted amounts (thousands separated by a no-break space, decimal comma), some n-1 empty.
    """
    path = Path(f"/tmp/stats_extract_{rows}.csv")
    if path.exists():
        return path
    departments = sorted(DEPARTMENT_REGION)
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1\n")
        count = 0
        while count < rows:
            for start, end in PERIODS:
                for department in departments:
                    code = department if count % 2 else department.zfill(3)
                    for poste in POSTES:
                        for regime in REGIMES:
                            amount = 1_000_000 + (count * 7919) % 9_000_000
                            previous = "" if count % 17 == 0 else f"{amount - 12_345:,}".replace(",", "\u00a0") + ",50"
                            handle.write(
                                f"{start};{end};{code};{poste};{regime};{amount:,}".replace(",", "\u00a0")
                                + f",25;{previous}\n"
                            )
                            count += 1
                            if count >= rows:
                                break
                        if count >= rows:
                            break
                    if count >= rows:
                        break
                if count >= rows:
                    break
    partial.rename(path)
    return path


def server_cpu(pid: int) -> float:
    """CPU seconds of the PostgreSQL backend (a local server), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    call_command("migrate", verbosity=0)
    from commissions.composition.models import Commission
    from stats import services  # noqa: F401 - loaded by the views in a web process
    from stats.extract.derivation import montants_derive
    from stats.extract.reading import extract_table
    from stats.extract.storage import extract_import, extract_store, extract_summarise
    from stats.models import CommissionTerritory, NationalExtract

    path = generate(rows)
    # A worker has pandas and pyarrow loaded after its first task: import them before timing.
    import pandas  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import pyarrow.csv  # noqa: F401

    print(f"base: {connection.vendor}; mémoire au départ {peak_mib():.0f} Mio")
    NationalExtract.objects.filter(file_hash="bench").delete()
    extract = NationalExtract.objects.create(title="Benchmark", file_hash="bench", status="termine")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    cpu_started, server_started = time.process_time(), server_cpu(backend)
    # Stages one after the other: read and clean the whole file, then COPY the cleaned table.
    started = time.perf_counter()
    data = path.read_bytes()
    table = extract_table(data, "bench.csv")
    parsed = time.perf_counter()
    with transaction.atomic():
        extract_store(extract, table)
    stored = time.perf_counter()
    print(f"{rows:,} lignes, {path.stat().st_size / 1e6:.1f} Mo")
    print(f"lecture et nettoyage seuls : {parsed - started:.2f} s ({rows / (parsed - started):,.0f} lignes/s)")
    print(
        f"enregistrement seul ({'COPY' if connection.vendor == 'postgresql' else 'bulk_create'}) : "
        f"{stored - parsed:.2f} s ({rows / (stored - parsed):,.0f} lignes/s)"
    )
    del table, data
    extract.delete()  # the end-to-end run starts from an empty extract, as a new upload does
    extract = NationalExtract.objects.create(title="Benchmark", file_hash="bench", status="termine")

    # End to end as the task runs it: the file read, checked and stored, the COPY fed while the file is read.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = cursor.fetchone()[0]
    cpu_started, server_started = time.process_time(), server_cpu(backend)
    started = time.perf_counter()
    data = path.read_bytes()
    with transaction.atomic():
        extract_import(extract, data, "bench.csv")
    del data
    total = time.perf_counter() - started
    client, server = time.process_time() - cpu_started, server_cpu(backend) - server_started
    summarised = time.perf_counter()
    extract_summarise()
    summarised = time.perf_counter() - summarised
    print(f"de bout en bout : {total:.2f} s ({rows / total:,.0f} lignes/s); pic mémoire {peak_mib():.0f} Mio")
    print(
        f"  temps processeur : client {client:.2f} s, serveur {server:.2f} s (sur deux cœurs libres, le temps "
        "écoulé approche le plus grand des deux)"
    )
    print(f"résumé de l'index BRIN, après la validation : {summarised:.2f} s")

    extract.periods = [list(period) for period in PERIODS]
    extract.save()
    commission, _ = Commission.objects.get_or_create(
        slug="bench-stats", defaults={"name": "Bench", "level": "CPD", "profession": "LPP", "territory": "13"}
    )
    CommissionTerritory.objects.get_or_create(commission=commission, code="13")
    commission.stat_tables.filter(derived_from=extract).delete()
    started, cpu_started, server_started = time.perf_counter(), time.process_time(), server_cpu(backend)
    montants_derive(
        commission=commission,
        extract=extract,
        territory="13",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    print(
        f"tableau d'une commission calculé depuis l'extrait : {time.perf_counter() - started:.2f} s "
        f"(processeur : client {time.process_time() - cpu_started:.2f} s, "
        f"serveur {server_cpu(backend) - server_started:.2f} s)"
    )
    extract.delete()
    commission.delete()


if __name__ == "__main__":
    main()
