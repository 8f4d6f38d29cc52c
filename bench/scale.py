"""Pages and commands at national size: each main page and admin changelist measured on the bench dataset of one
scale (bench/generate.py, BENCH_SCALE), through Django's test client (middleware, view, template; no HTTP).

For each page: its SQL queries, the time of a request with an empty cache (cold) and the median and 95th percentile
of `-n` requests once its parts are cached (warm). Run by bench/scale.sh on the databases of scale 1 and scale 20 in
alternating rounds, so that both are measured in the same minutes of a shared machine; `compare` prints the table
of the README (each page's p95 at scale 20 against scale 1).

    python bench/scale.py measure TARGETS.json OUT.json [-n 30]     # DATABASE_URL names the scale's database
    python bench/scale.py compare --scale-1 OUT-1.json… --scale-20 OUT-20.json…
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Counter(list):
    """The SQL statements of a request (connection.execute_wrapper)."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def _pages(targets: dict, name: str) -> list[tuple[str, str, str]]:
    """(page, account, address): an agent's and a president's pages, the administrator's changelists and searches
    (`name`: a person's whole last name, found once at either scale)."""
    agent = sorted(targets["agents"])[0]
    president = sorted(targets["presidents"])[0]
    commission = targets["agents"][agent]["commissions"][0]
    slug = commission["slug"]
    presided = targets["presidents"][president]["commissions"][0]
    admin = "benchadmin"
    return [
        ("commission list", agent, "/commissions/"),
        ("commission page", agent, f"/commissions/{slug}/"),
        ("composition at a date", agent, f"/commissions/{slug}/?date=2025-03-15"),
        ("meeting page", agent, f"/commissions/{slug}/seances/{commission['meetings'][-1]}/"),
        ("RDD page", agent, f"/rdd/{commission['rdds'][-1]}/"),
        ("transmitted RDDs", agent, "/rdd/transmis/"),
        ("statistics page", agent, f"/commissions/{slug}/statistiques/"),
        ("inbox", president, "/rdd/a-approuver/"),
        ("RDD page (president)", president, f"/rdd/{presided['rdds'][-1]}/"),
        ("admin: persons", admin, "/admin/members/person/"),
        ("admin: persons, search", admin, f"/admin/members/person/?q={name.lower()}"),
        ("admin: mandates", admin, "/admin/commissions/mandate/"),
        ("admin: mandates, search", admin, f"/admin/commissions/mandate/?q={name.lower()}"),
        ("admin: mandates, commission", admin, f"/admin/commissions/mandate/?commission={slug}"),
        ("admin: meetings", admin, "/admin/commissions/meeting/"),
        ("admin: agenda items", admin, "/admin/commissions/agendaitem/"),
        ("admin: RDDs", admin, "/admin/decisions/rdd/"),
        ("admin: item records", admin, "/admin/decisions/itemrecord/"),
        ("admin: trail", admin, "/admin/decisions/trailentry/"),
    ]


def measure(targets_file: str, out: str, n: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    targets = json.loads(Path(targets_file).read_text())
    User = get_user_model()
    clients: dict[str, Client] = {}
    results = {}
    from members.models import Person

    # A substitute's last name (NOM0100 at scale 1, NOM000100 at scale 20): one person, one mandate at both scales.
    searched = Person.objects.order_by("pk").values_list("last_name", flat=True)[100]
    for name, username, url in _pages(targets, searched):
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        response = client.get(url)  # the per-process caches (content types, templates), as a running worker has
        assert response.status_code == 200, (name, url, response.status_code)
        cache.clear()
        started = time.perf_counter()
        queries = _Counter()
        with connection.execute_wrapper(queries):
            client.get(url)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url)
            warm.append(time.perf_counter() - started)
        warm.sort()
        results[name] = {
            "queries": len(queries),
            "cold_ms": cold * 1000,
            "median_ms": statistics.median(warm) * 1000,
            "p95_ms": warm[max(0, round(0.95 * len(warm)) - 1)] * 1000,
            "bytes": len(response.content),
        }
        print(
            f"{name:<32} {results[name]['queries']:>4} q  cold {cold * 1000:7.1f}  "
            f"median {results[name]['median_ms']:6.1f}  p95 {results[name]['p95_ms']:6.1f} ms",
            flush=True,
        )
    Path(out).write_text(json.dumps(results, indent=1))


def compare(small: list[str], large: list[str]) -> None:
    """Each page: queries, cold and warm medians and p95 of both scales (medians over the rounds), the ratio of the
    p95s and whether it is within 1.2."""

    def merged(files: list[str]) -> dict:
        runs = [json.loads(Path(file).read_text()) for file in files]
        return {
            page: {key: statistics.median(run[page][key] for run in runs) for key in runs[0][page]} for page in runs[0]
        }

    one, twenty = merged(small), merged(large)
    print("| page | queries ×1 / ×20 | cold ms ×1 / ×20 | median ms ×1 / ×20 | p95 ms ×1 / ×20 | p95 ratio |")
    print("|---|---|---|---|---|---|")
    for page, a in one.items():
        b = twenty[page]
        ratio = b["p95_ms"] / a["p95_ms"]
        print(
            f"| {page} | {a['queries']:.0f} / {b['queries']:.0f} | {a['cold_ms']:.0f} / {b['cold_ms']:.0f} | "
            f"{a['median_ms']:.1f} / {b['median_ms']:.1f} | {a['p95_ms']:.1f} / {b['p95_ms']:.1f} | "
            f"{ratio:.2f}{'' if ratio <= 1.2 else ' ✗'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("measure")
    run.add_argument("targets")
    run.add_argument("out")
    run.add_argument("-n", type=int, default=30)
    both = sub.add_parser("compare")
    both.add_argument("--scale-1", nargs="+", required=True)
    both.add_argument("--scale-20", nargs="+", required=True)
    args = parser.parse_args()
    if args.command == "measure":
        measure(args.targets, args.out, args.n)
    else:
        compare(args.scale_1, args.scale_20)


if __name__ == "__main__":
    main()
