"""Benchmark: a national extract imported end to end against a typed COPY of the same rows, in one run.

Not a test. Run against PostgreSQL:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/stats_extract.py [ROWS] [RUNS]

For the same generated file (ROWS lines, 1,000,000 by default, of the documented format: French amounts with
no-break spaces, some n-1 cells empty), each run measures, in an order rotated from run to run:
- the import end to end as the task runs it (`extract_process`: the job claimed, the stored file read a block at
  a time, checked, cleaned and COPYed into the extract's new table, its BRIN index built, the table attached as
  the extract's partition, the job's row finished, the commit);
- the reference: a typed COPY of the same rows already cleaned (a CSV of ISO dates and dotted decimals) into a
  plain table of the types bigint, int, date, date, varchar, varchar, varchar, numeric(18,2), numeric(18,2),
  without index nor key;
- a COPY of the raw file into seven text columns.
Each measure runs in a process of its own (forked from this one, which has Django, pyarrow and pandas loaded as
a worker has): elapsed time, processor time of the client (all its threads) and of its PostgreSQL backend, peak
resident memory of the process. RUNS (5 by default) runs are interleaved; the figures printed are medians, the
ratios the median of each run's ratio (the machine is shared: a ratio within one run is what compares).
The derivation of a commission's table from the loaded extract is timed after, as many times.
"""

import datetime
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from stats.territories import DEPARTMENT_REGION  # noqa: E402

POSTES = [f"Poste de dépense {number:03d}" for number in range(330)]
REGIMES = ["RG", "MSA", "Autres"]
PERIODS = [("2024-01-01", "2024-12-31"), ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-09-30")]
FOLDER = Path("/tmp")
TYPED = (
    "extract_id bigint, line int, period_start date, period_end date, territory varchar(10), poste varchar(200), "
    "regime varchar(20), amount numeric(18,2), amount_n_1 numeric(18,2)"
)
RAW = ", ".join(f"{name} text" for name in ("c1", "c2", "c3", "c4", "c5", "c6", "c7"))
COPY_READ_BYTES = 1 << 20


def generate(rows: int) -> Path:
    """The extract file, written once into /tmp (line by line, so that generating costs no memory).

    French-formatted amounts (thousands separated by a no-break space, decimal comma), some n-1 empty.
    """
    path = FOLDER / f"stats_extract_{rows}.csv"
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


def cleaned_file(path: Path) -> Path:
    """The rows of the file already cleaned, as a CSV for the typed COPY (written once, in a child process)."""
    cleaned = path.with_name(path.stem + "_cleaned.csv")
    if not cleaned.exists():

        def write() -> dict:
            import numpy as np
            import pyarrow as pa
            import pyarrow.csv as pacsv

            from stats.extract.reading import ChunkReader

            partial = cleaned.with_suffix(".part")
            with path.open("rb") as handle, pa.OSFile(str(partial), "wb") as sink:
                for table in ChunkReader(handle, path.name):
                    table = table.add_column(0, "extract_id", pa.array(np.full(table.num_rows, 1, dtype=np.int64)))
                    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(include_header=False))
            partial.rename(cleaned)
            return {}

        in_child(write)
    return cleaned


def warm_up(path: Path) -> None:
    """Read, clean and lay out the file's first lines, as a worker has done on its first task (Arrow's kernels
    are set up on their first call: a quarter of a second)."""
    from stats.extract.binary import copy_rows
    from stats.extract.reading import extract_table

    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    copy_rows(extract_table(head[: head.rfind(b"\n") + 1], path.name), 1)


def backend_cpu(pid: int) -> float:
    """CPU seconds of a PostgreSQL backend (a local server)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_child(measure) -> dict:
    """Run `measure` in a forked process with its own database connection: its result, and the process's peak."""
    connection.close()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reading)
        try:
            result = measure()
            result["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            payload = json.dumps(result)
        except BaseException as error:  # noqa: BLE001 - reported by the parent
            payload = json.dumps({"error": repr(error)})
        with os.fdopen(writing, "w") as out:
            out.write(payload)
        connection.close()
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as incoming:
        result = json.loads(incoming.read() or '{"error": "no result"}')
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def timed(work) -> dict:
    """Elapsed and processor times of `work()` (client: this process, all threads; server: its backend)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    started, client, server = time.perf_counter(), time.process_time(), backend_cpu(backend)
    extra = work() or {}
    return {
        "wall": time.perf_counter() - started,
        "client": time.process_time() - client,
        "server": backend_cpu(backend) - server,
        **extra,
    }


def measure_import(path: Path, extract_id: int):
    def run() -> dict:
        from stats.extract import jobs

        return timed(lambda: {"status": jobs.extract_process(extract_id=extract_id).status})

    return run


def measure_copy(table: str, columns: str, path: Path, options: str):
    def run() -> dict:
        def work():
            with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as handle:
                cursor.copy_expert(f"COPY {table} FROM STDIN WITH ({options})", handle, COPY_READ_BYTES)

        return timed(work)

    return run


def fresh_table(name: str, columns: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TABLE {name} ({columns})")


def forget_extracts() -> None:
    """The runs' extracts deleted, their partitions dropped with them."""
    from stats.models import NationalExtract

    NationalExtract.objects.filter(file_hash__startswith="bench-").delete()


def new_extract(path: Path, run: int):
    """A new upload of the file. The runs' extracts are kept until the end (as in production, where extracts are
    seldom deleted), each in its partition."""
    from stats.models import NationalExtract

    extract = NationalExtract.objects.create(
        title="Benchmark", file_hash=f"bench-{run}", file_name="bench.csv", status=NationalExtract.Status.PENDING
    )
    extract.file.name = path.name  # the generated file, in the storage's folder
    extract.save(update_fields=["file"])
    return extract


def median(results: list[dict], key: str) -> float:
    return statistics.median(result[key] for result in results)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if connection.vendor != "postgresql":
        sys.exit("Ce benchmark mesure COPY : lancez-le sur PostgreSQL (DATABASE_URL).")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(FOLDER)}}
    override_settings(STORAGES={"default": storage, "staticfiles": storage}).enable()
    call_command("migrate", verbosity=0)
    # A worker has pandas and pyarrow loaded after its first task: import them before measuring.
    import pandas  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import pyarrow.csv  # noqa: F401

    from commissions.composition.models import Commission
    from stats import services  # noqa: F401 - loaded by the views in a web process
    from stats.extract.derivation import montants_derive
    from stats.models import CommissionTerritory

    path = generate(rows)
    cleaned = cleaned_file(path)
    warm_up(path)
    print(
        f"{rows:,} lignes, {path.stat().st_size / 1e6:.1f} Mo ; {runs} passes entrelacées ; "
        f"charge de la machine au départ {os.getloadavg()[0]:.1f} ; mémoire au départ "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mio"
    )
    forget_extracts()
    measures = {"import": [], "typed": [], "raw": []}
    for run in range(runs):
        order = ["import", "typed", "raw"]
        order = order[run % 3 :] + order[: run % 3]
        for name in order:
            if name == "import":
                extract = new_extract(path, run)
                result = in_child(measure_import(path, extract.pk))
                assert result["status"] == "termine", result
            elif name == "typed":
                fresh_table("bench_typed_copy", TYPED)
                result = in_child(measure_copy("bench_typed_copy", TYPED, cleaned, "FORMAT csv, NULL ''"))
            else:
                fresh_table("bench_raw_copy", RAW)
                result = in_child(measure_copy("bench_raw_copy", RAW, path, "FORMAT csv, DELIMITER ';', HEADER true"))
            measures[name].append(result)
        imported, typed, raw = (measures[name][-1] for name in ("import", "typed", "raw"))
        print(
            f"passe {run + 1} : import {imported['wall']:.2f} s, "
            f"COPY typé {typed['wall']:.2f} s, COPY brut {raw['wall']:.2f} s : "
            f"{imported['wall'] / typed['wall']:.2f}× le COPY typé ; charge {os.getloadavg()[0]:.1f}"
        )

    def ratios(key: str, over: str) -> float:
        pairs = zip(measures["import"], measures[over], strict=True)
        return statistics.median(mine[key] / theirs["wall"] for mine, theirs in pairs)

    print()
    print("| mesure (médianes) | écoulé | processeur client | processeur PostgreSQL | pic mémoire |")
    print("|---|---|---|---|---|")
    labels = {
        "import": "import de bout en bout, jusqu'à la validation",
        "typed": "COPY typé des lignes déjà nettoyées (référence)",
        "raw": "COPY du fichier brut en colonnes texte",
    }
    for name, label in labels.items():
        results = measures[name]
        print(
            f"| {label} | {median(results, 'wall'):.2f} s | {median(results, 'client'):.2f} s | "
            f"{median(results, 'server'):.2f} s | {median(results, 'peak'):.0f} Mio |"
        )
    print()
    pairs = zip(measures["import"], measures["typed"], strict=True)
    each = ", ".join(f"{mine['wall'] / theirs['wall']:.2f}" for mine, theirs in pairs)
    print(f"import / COPY typé : {ratios('wall', 'typed'):.2f}× (médiane des rapports de chaque passe : {each})")
    typed_over_raw = statistics.median(
        typed["wall"] / raw["wall"] for typed, raw in zip(measures["typed"], measures["raw"], strict=True)
    )
    print(f"import / COPY brut : {ratios('wall', 'raw'):.2f}× ; COPY typé / COPY brut : {typed_over_raw:.2f}×")
    print(f"pic mémoire de l'import : {max(result['peak'] for result in measures['import']):.0f} Mio au plus")

    # The per-territory derivation, on the last extract loaded (timed apart, as many times).
    from stats.models import NationalExtract

    extract = NationalExtract.objects.get(file_hash=f"bench-{runs - 1}")
    commission, _ = Commission.objects.get_or_create(
        slug="bench-stats", defaults={"name": "Bench", "level": "CPD", "profession": "LPP", "territory": "13"}
    )
    CommissionTerritory.objects.get_or_create(commission=commission, code="13")
    derived = []
    for _ in range(runs):
        commission.stat_tables.filter(derived_from=extract).delete()
        derived.append(
            timed(
                lambda: (
                    montants_derive(
                        commission=commission,
                        extract=extract,
                        territory="13",
                        period_start=datetime.date(2024, 1, 1),
                        period_end=datetime.date(2024, 12, 31),
                    )
                    and None
                )
            )
        )
    print(
        f"tableau d'une commission calculé depuis l'extrait : {median(derived, 'wall'):.2f} s "
        f"(processeur : client {median(derived, 'client'):.2f} s, PostgreSQL {median(derived, 'server'):.2f} s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) FROM pg_partition_tree('statistics_extractline')"
        )
        print(f"taille des lignes d'extrait en base : {cursor.fetchone()[0]}")
        cursor.execute("DROP TABLE IF EXISTS bench_typed_copy, bench_raw_copy")
    commission.delete()
    forget_extracts()


if __name__ == "__main__":
    main()
