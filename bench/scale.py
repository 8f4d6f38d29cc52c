"""Pages and commands at national size: each main page and admin changelist measured on the bench datasets of
scale 1 and scale 20 (bench/generate.py, BENCH_SCALE), through Django's test client (middleware, view, template;
no HTTP), both sizes in the same minutes.

`run` starts one worker process per scale (`serve`: Django set up on that scale's database, its accounts logged
in, each page asked once so that the per-process caches are those of a running web worker) and then, page by
page, has them take turns request by request: a request of the page at scale 1, the same at scale 20, and so on
(the other order on the next page and in the next round), so that whatever else the shared machine does falls on
both sizes alike. For each page and round: the SQL queries and time of one request with an empty cache (cold),
then `-n` requests once its parts are cached (warm). Only the request is timed (the worker's clock around the test
client's call), not the hand-over between the processes. The workers share the Redis database under two key
prefixes (PORTAL_RELEASE), so a worker empties only its own entries. `compare` prints the README's table:
queries, cold median, warm median and p95 of all rounds' requests, and each page's p95 at scale 20 against
scale 1.

    python bench/scale.py run --scale 1 URL TARGETS.json --scale 20 URL TARGETS.json OUT_DIR [--rounds 6] [-n 50]
    python bench/scale.py compare OUT_DIR
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
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


def serve(targets_file: str) -> None:
    """A worker: set up on DATABASE_URL's dataset, then answer each of the driver's lines on stdin ({"page", "cold"})
    with one request of the page (its time in ms; with "cold", its own entries in the cache emptied first and its
    queries counted), one JSON line on stdout."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count, Max
    from django.test import Client

    from members.models import Person

    User = get_user_model()
    # The last name of a person holding one mandate, after the presidents (who hold five): one row at both scales.
    searched = (
        Person.objects.annotate(held=Count("mandates"))
        .filter(held=1, pk__gt=Person.objects.filter(user__isnull=False).aggregate(last=Max("pk"))["last"])
        .order_by("pk")
        .values_list("last_name", flat=True)[100]
    )
    pages = _pages(json.loads(Path(targets_file).read_text()), searched)
    clients: dict[str, Client] = {}
    for name, username, url in pages:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        response = clients[username].get(url)  # the per-process caches (content types, templates), as a worker has
        assert response.status_code == 200, (name, url, response.status_code)
    addresses = {name: (clients[username], url) for name, username, url in pages}
    gc.collect()  # the set-up's garbage (the targets: megabytes at scale 20) is no request's to collect
    print(json.dumps({"pages": [name for name, _, _ in pages]}), flush=True)

    for line in sys.stdin:
        order = json.loads(line)
        client, url = addresses[order["page"]]
        if order["cold"]:
            cache.delete_pattern("*")  # this worker's entries only (its key prefix), sessions included
            queries = _Counter()
            started = time.perf_counter()
            with connection.execute_wrapper(queries):
                response = client.get(url)
        else:
            queries = None
            started = time.perf_counter()
            response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (order["page"], response.status_code)
        answer = {"ms": elapsed, "bytes": len(response.content)}
        print(json.dumps({**answer, "queries": len(queries)} if queries is not None else answer), flush=True)


def _worker(database_url: str, targets: str, release: str) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url, "PORTAL_RELEASE": release}
    return subprocess.Popen(
        [sys.executable, __file__, "serve", targets], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=environment,
    )  # fmt: skip


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(scales: list[tuple[str, str, str]], out: str, rounds: int, n: int) -> None:
    """Both scales' workers taking turns, page by page, for `rounds` rounds; OUT/scale-<s>.json per scale."""
    workers = {}
    for scale, database_url, targets in scales:
        workers[scale] = _worker(database_url, targets, f"bench-scale-{int(scale):02}")
    pages = None
    for worker in workers.values():
        pages = json.loads(worker.stdout.readline())["pages"]
    results = {
        scale: {page: {"queries": [], "cold_ms": [], "warm_ms": [], "bytes": 0} for page in pages} for scale in workers
    }
    loads = [_load()]
    order = list(workers)
    for round_ in range(rounds):
        print(f"== {time.strftime('%H:%M:%S')} round {round_ + 1} of {rounds}, load average {_load()}", flush=True)
        for index, page in enumerate(pages):
            turn = order if (round_ + index) % 2 == 0 else order[::-1]
            # The cold requests, then the warm ones one by one, each scale in turn: whatever the machine does
            # meanwhile falls on both alike.
            for cold in [True] + [False] * n:
                for scale in turn:
                    worker = workers[scale]
                    worker.stdin.write(json.dumps({"page": page, "cold": cold}) + "\n")
                    worker.stdin.flush()
                    answer = json.loads(worker.stdout.readline())
                    kept = results[scale][page]
                    if cold:
                        kept["queries"].append(answer["queries"])
                        kept["cold_ms"].append(answer["ms"])
                    else:
                        kept["warm_ms"].append(answer["ms"])
                    kept["bytes"] = answer["bytes"]
        loads.append(_load())
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    Path(out).mkdir(parents=True, exist_ok=True)
    for scale, by_page in results.items():
        Path(out, f"scale-{scale}.json").write_text(json.dumps({"load": loads, "pages": by_page}))
    print(f"load average by round: {' | '.join(loads)}")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def compare(out: str) -> None:
    """Each page: queries, cold and warm medians and the p95 of every warm request of both scales, the ratio of the
    p95s and whether it is within 1.2."""
    one = json.loads(Path(out, "scale-1.json").read_text())["pages"]
    twenty = json.loads(Path(out, "scale-20.json").read_text())["pages"]
    print("| page | queries ×1 / ×20 | cold ms ×1 / ×20 | median ms ×1 / ×20 | p95 ms ×1 / ×20 | p95 ratio |")
    print("|---|---|---|---|---|---|")
    for page, a in one.items():
        b = twenty[page]
        queries = [
            f"{min(x['queries'])}" + (f"–{max(x['queries'])}" if max(x["queries"]) > min(x["queries"]) else "")
            for x in (a, b)
        ]
        ratio = _p95(b["warm_ms"]) / _p95(a["warm_ms"])
        print(
            f"| {page} | {queries[0]} / {queries[1]} | "
            f"{statistics.median(a['cold_ms']):.0f} / {statistics.median(b['cold_ms']):.0f} | "
            f"{statistics.median(a['warm_ms']):.1f} / {statistics.median(b['warm_ms']):.1f} | "
            f"{_p95(a['warm_ms']):.1f} / {_p95(b['warm_ms']):.1f} | {ratio:.2f}{'' if ratio <= 1.2 else ' ✗'} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    worker = sub.add_parser("serve")
    worker.add_argument("targets")
    driver = sub.add_parser("run")
    driver.add_argument(
        "--scale", nargs=3, action="append", required=True, metavar=("SCALE", "DATABASE_URL", "TARGETS")
    )
    driver.add_argument("out")
    driver.add_argument("--rounds", type=int, default=6)
    driver.add_argument("-n", type=int, default=50)
    both = sub.add_parser("compare")
    both.add_argument("out")
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.targets)
    elif args.command == "run":
        run(args.scale, args.out, args.rounds, args.n)
    else:
        compare(args.out)


if __name__ == "__main__":
    main()
