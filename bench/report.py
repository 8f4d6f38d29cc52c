"""Requests per second and p50/p95/p99 per page, from locust's CSV statistics (bench/results/bench_stats.csv)."""

import csv
import os
import platform
import sys
from pathlib import Path


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def main(path: str) -> None:
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"machine: {os.cpu_count()} CPU ({_cpu()}), Python {platform.python_version()}")
    print(f"{'page':<24} {'requests':>9} {'fails':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for row in sorted(rows, key=lambda row: (row["Name"] == "Aggregated", row["Name"])):
        name = "TOTAL" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<24} {row['Request Count']:>9} {row['Failure Count']:>6} {float(row['Requests/s']):>8.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/bench_stats.csv")
