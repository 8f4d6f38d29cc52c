"""Benchmark: a generated 1,000,000-row national extract imported end to end (parse, clean, store), then derived.

Not a test. Run against PostgreSQL (COPY path):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal DJANGO_SETTINGS_MODULE=portal.settings_test \
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


def generate(rows: int) -> bytes:
    """French-formatted amounts (thousands separated by a no-break space, decimal comma), some n-1 empty."""
    lines = ["periode_debut;periode_fin;territoire;poste;regime;montant;montant_n_1"]
    departments = sorted(DEPARTMENT_REGION)
    count = 0
    while count < rows:
        for start, end in PERIODS:
            for department in departments:
                code = department if count % 2 else department.zfill(3)
                for poste in POSTES:
                    for regime in REGIMES:
                        amount = 1_000_000 + (count * 7919) % 9_000_000
                        previous = "" if count % 17 == 0 else f"{amount - 12_345:,}".replace(",", "\u00a0") + ",50"
                        lines.append(
                            f"{start};{end};{code};{poste};{regime};{amount:,}".replace(",", "\u00a0")
                            + f",25;{previous}"
                        )
                        count += 1
                        if count >= rows:
                            return ("\n".join(lines) + "\n").encode("utf-8")
    return ("\n".join(lines) + "\n").encode("utf-8")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    call_command("migrate", verbosity=0)
    from commissions.models import Commission
    from stats.extract import extract_read, extract_store, montants_derive
    from stats.models import CommissionTerritory, NationalExtract

    data = generate(rows)
    print(
        f"base: {connection.vendor}; {rows:,} lignes, {len(data) / 1e6:.1f} Mo; mémoire après génération "
        f"{peak_mib():.0f} Mio"
    )
    NationalExtract.objects.filter(file_hash="bench").delete()
    extract = NationalExtract.objects.create(title="Benchmark", file_hash="bench", status="termine")

    started = time.perf_counter()
    frame = extract_read(data, "bench.csv")
    parsed = time.perf_counter()
    with transaction.atomic():
        extract_store(extract, frame)
    stored = time.perf_counter()
    total = stored - started
    print(f"lecture et nettoyage : {parsed - started:.2f} s ({rows / (parsed - started):,.0f} lignes/s)")
    print(
        f"enregistrement ({'COPY' if connection.vendor == 'postgresql' else 'bulk_create'}) : "
        f"{stored - parsed:.2f} s ({rows / (stored - parsed):,.0f} lignes/s)"
    )
    print(f"de bout en bout : {total:.2f} s ({rows / total:,.0f} lignes/s); pic mémoire {peak_mib():.0f} Mio")

    extract.periods = [list(period) for period in PERIODS]
    extract.save()
    commission, _ = Commission.objects.get_or_create(
        slug="bench-stats", defaults={"name": "Bench", "level": "CPD", "profession": "LPP", "territory": "13"}
    )
    CommissionTerritory.objects.get_or_create(commission=commission, code="13")
    commission.stat_tables.filter(derived_from=extract).delete()
    started = time.perf_counter()
    montants_derive(
        commission=commission,
        extract=extract,
        territory="13",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )
    print(f"tableau d'une commission calculé depuis l'extrait : {time.perf_counter() - started:.2f} s")
    extract.delete()
    commission.delete()


if __name__ == "__main__":
    main()
