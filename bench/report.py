"""The load benchmark's report, from locust's CSV statistics and the CPU seconds that bench/run_bench.sh wrote.

    python bench/report.py bench/results            every round: per page requests/s and p50/p95/p99, the CPU
                                                    seconds of each component, then the ratio portal / reference
                                                    of each round and their median
    python bench/report.py bench/results/X_stats.csv  one phase's table of pages

The throughput of a phase is locust's figure for all its requests (the 20 logins included, alike in both
phases). The ratio is the figure to compare between runs: both pages are measured in the same minutes on the
same processes, so the load of a shared machine weighs on both.
"""

import csv
import os
import platform
import statistics
import sys
from pathlib import Path

GOAL = 0.5
# The pages whose p95 the summary shows for the portal (the goal of the README's figures).
WATCHED = ("commission page", "inbox")


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _rows(path: Path) -> dict[str, dict]:
    with open(path, newline="") as handle:
        return {"TOTAL" if row["Name"] == "Aggregated" else row["Name"]: row for row in csv.DictReader(handle)}


def _table(rows: dict[str, dict]) -> None:
    print(f"{'page':<24} {'requests':>9} {'fails':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for name in sorted(rows, key=lambda name: (name == "TOTAL", name)):
        row = rows[name]
        print(
            f"{name:<24} {row['Request Count']:>9} {row['Failure Count']:>6} {float(row['Requests/s']):>8.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
        )


def _cpu_line(path: Path) -> str:
    if not path.exists():
        return "CPU seconds: not measured"
    words = path.read_text().split()
    cpu = dict(zip(words[::2], words[1::2], strict=True))
    return (
        f"CPU seconds: gunicorn workers {cpu['gunicorn']}, PostgreSQL (portal_bench) {cpu['postgres']}, "
        f"Redis {cpu['redis']}, locust {cpu['locust']}, "
        f"out of {int(cpu['cores']) * int(cpu['seconds'])} on {cpu['cores']} cores in {cpu['seconds']} s"
    )


def _throughput(rows: dict[str, dict]) -> float:
    return float(rows["TOTAL"]["Requests/s"])


def report(results: Path) -> None:
    print(f"machine: {os.cpu_count()} CPU ({_cpu()}), Python {platform.python_version()}")
    rounds = sorted(int(path.name.split("-")[1].split("_")[0]) for path in results.glob("portal-*_stats.csv"))
    summary = []
    for number in rounds:
        phases = {}
        for name in ("portal", "reference"):
            stats = results / f"{name}-{number}_stats.csv"
            if not stats.exists():
                continue
            phases[name] = _rows(stats)
            print(f"\nround {number}, {'portal mix' if name == 'portal' else 'reference page'}")
            _table(phases[name])
            print(_cpu_line(results / f"{name}-{number}.cpu"))
        if len(phases) == 2:
            portal, reference = _throughput(phases["portal"]), _throughput(phases["reference"])
            p95 = [phases["portal"].get(page, {}).get("95%", "-") for page in WATCHED]
            summary.append((number, portal, reference, portal / reference if reference else 0.0, p95))
    if not summary:
        print("\nno complete round (portal mix and reference page)")
        return
    print(f"\n{'round':<6} {'portal req/s':>13} {'reference req/s':>16} {'ratio':>6}", end="")
    print("".join(f" {page + ' p95':>20}" for page in WATCHED))
    for number, portal, reference, ratio, p95 in summary:
        print(f"{number:<6} {portal:>13.1f} {reference:>16.1f} {ratio:>6.3f}", end="")
        print("".join(f" {value + ' ms':>20}" for value in p95))
    median = statistics.median(ratio for *_, ratio, _ in summary)
    verdict = "reached" if median >= GOAL else "not reached"
    print(f"median ratio portal / reference over {len(summary)} rounds: {median:.3f} (goal ≥ {GOAL}: {verdict})")


def main(path: str) -> None:
    target = Path(path)
    if target.is_dir():
        report(target)
    else:
        _table(_rows(target))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results")
