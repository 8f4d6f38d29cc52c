"""Single-request timings of the benchmarked pages, on the bench dataset (portal_bench), without HTTP.

For each page: the mean wall time of a request through Django's test client (middleware, view, template),
the CPU time of this process (steadier on a busy machine), its SQL queries and the time they took.
`--profile PAGE` prints a pyinstrument profile of that page (pip install pyinstrument; not a requirement).
Read-only: GET requests of an agent and a president. After `make bench` (the database and targets.json):

    . <(grep '^export' bench/run_bench.sh)
    DJANGO_ALLOWED_HOSTS=testserver .venv/bin/python bench/profile_pages.py [-n 50] [--profile "commission page"]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

TARGETS = json.loads((ROOT / "bench" / "results" / "targets.json").read_text())


def _pages() -> list[tuple[str, str, str]]:
    agent = sorted(TARGETS["agents"])[0]
    president = sorted(TARGETS["presidents"])[0]
    commission = TARGETS["agents"][agent]["commissions"][0]
    return [
        ("commission list", agent, "/commissions/"),
        ("commission page", agent, f"/commissions/{commission['slug']}/"),
        ("composition at a date", agent, f"/commissions/{commission['slug']}/?date=2025-03-15"),
        ("meeting page", agent, f"/commissions/{commission['slug']}/seances/{commission['meetings'][-1]}/"),
        ("RDD page", agent, f"/rdd/{commission['rdds'][-1]}/"),
        ("transmitted RDDs", agent, "/rdd/transmis/"),
        ("statistics page", agent, f"/commissions/{commission['slug']}/statistiques/"),
        ("inbox", president, "/rdd/a-approuver/"),
        ("RDD page (president)", president, f"/rdd/{TARGETS['presidents'][president]['commissions'][0]['rdds'][-1]}/"),
    ]


class SqlTimer:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--profile")
    args = parser.parse_args()
    User = get_user_model()
    clients: dict[str, Client] = {}
    print(f"{'page':<24} {'ms':>7} {'CPU ms':>7} {'queries':>8} {'SQL ms':>7} {'bytes':>7}")
    for name, username, url in _pages():
        if args.profile and name != args.profile:
            continue
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.n):
                client.get(url)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            return
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.n):
                client.get(url)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{name:<24} {elapsed / args.n * 1000:>7.1f} {cpu / args.n * 1000:>7.1f} {timer.count / args.n:>8.0f} "
            f"{timer.seconds / args.n * 1000:>7.1f} {len(response.content):>7}"
        )


if __name__ == "__main__":
    main()
