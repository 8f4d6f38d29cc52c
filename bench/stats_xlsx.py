"""Benchmark: a 100,000-row XLSX table read by the portal (pandas' calamine engine), then parsed as a table.

Not a test. The workbook is generated once with openpyxl into /tmp:
    DJANGO_SETTINGS_MODULE=portal.settings_test .venv/bin/python bench/stats_xlsx.py [ROWS]
Prints the read time (goal: under 2 s for 100,000 rows) and the time to recognise and check the table.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_test")

import django  # noqa: E402

django.setup()


def generate(rows: int) -> Path:
    """An `indicateurs`-like sheet: a title line, a header, then rows of counts, rates and text codes."""
    from openpyxl import Workbook

    path = Path(f"/tmp/stats_table_{rows}.xlsx")
    if path.exists():
        return path
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Feuil1")
    sheet.append(["Indicateurs par organisme — Source SNDS"])
    sheet.append(["Organisme", "Nb de TROD", "Nb de vaccinations", "Part vaccinée (%)", "Entretiens", "Code"])
    for number in range(rows):
        sheet.append(
            [
                f"Organisme {number:06d}",
                number % 997,
                (number * 7) % 10_000,
                ((number % 1000) / 1000),
                "NS" if number % 101 == 0 else (number % 50),
                f"{number % 100:02d}",
            ]
        )
    partial = path.with_suffix(".part.xlsx")
    workbook.save(partial)
    partial.rename(path)
    return path


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    from stats.layouts import parse_table
    from stats.parsing import read_grid

    path = generate(rows)
    data = path.read_bytes()
    read_grid(generate(10).read_bytes(), "petit.xlsx", max_bytes=len(data) + 1)  # load the engine once
    started, cpu = time.perf_counter(), time.process_time()
    grid = read_grid(data, "bench.xlsx", max_bytes=len(data) + 1)
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    table = parse_table(grid, "indicateurs")
    parsed, parsed_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{rows:,} lignes, {len(data) / 1e6:.1f} Mo")
    # Processor time too: one thread, so on an idle machine the elapsed time is close to it.
    print(f"lecture du classeur (calamine) : {read:.2f} s, processeur {read_cpu:.2f} s ({rows / read:,.0f} lignes/s)")
    print(
        f"reconnaissance et contrôles du tableau : {parsed:.2f} s, processeur {parsed_cpu:.2f} s "
        f"({len(table.rows):,} lignes lues)"
    )


if __name__ == "__main__":
    main()
