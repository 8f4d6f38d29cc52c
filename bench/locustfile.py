"""The load benchmark's scenario: secretariat agents and section presidents, logged in through the real form.

Agents browse their commissions (list, commission page, composition at a past date, meeting page, RDD page,
transmitted RDDs, statistics); presidents read their inbox, open an RDD awaiting them and approve it (the
password typed again). Each user logs in once (CSRF token from the login page; django-axes sees only
successes) and keeps its session: requests come well within the 30-minute idle timeout.

Which meeting or RDD a user opens: by default the recent ones most often, as a secretariat works on the
coming session and the last ones (a Zipf law over recency: among a commission's ten meetings the newest is
chosen a third of the time, the oldest 3 %); BENCH_ACCESS=uniform chooses any with the same chance, the worst
case for the pages' cache (bench/run_bench.sh passes it on; the README gives both figures).

The reference page (ReferenceUser, bench/views.py: ten `Person` gets and a 20-line template behind the same
middleware and session) is measured in the same run, in rounds interleaved with the portal's mix, under the same
users and pauses. bench/run_bench.sh names the user classes of each phase: `SecretariatAgent SectionPresident`
for the portal's mix, `ReferenceUser` for the reference (without names, locust would mix all three).

Each round's presidents are others (BENCH_ROUND: presidents 01–05 in round 1, 06–10 in round 2…), so that every
round finds its 50 RDDs awaiting approval, as the first did; the dataset has 20 presidents, four rounds.

Run by bench/run_bench.sh; bench/results/targets.json (written by bench/generate.py) says what each account
may open, meetings and RDDs oldest first. Request names are the pages, so that locust's statistics are per page.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

TARGETS = json.loads((Path(__file__).parent / "results" / "targets.json").read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INBOX_RDD = re.compile(r'href="/rdd/(\d+)/approuver/"')
AGENTS = itertools.cycle(sorted(TARGETS["agents"]))
# 20 users give 5 presidents (weights 3:1): round N starts with the president 5 × (N - 1) + 1.
PRESIDENTS_PER_ROUND = 5
_presidents = sorted(TARGETS["presidents"])
_first = (int(os.environ.get("BENCH_ROUND", "1")) - 1) * PRESIDENTS_PER_ROUND % len(_presidents)
PRESIDENTS = itertools.cycle(_presidents[_first:] + _presidents[:_first])
UNIFORM = os.environ.get("BENCH_ACCESS", "recent") == "uniform"


def pick(ids: list[int]) -> int:
    """One of a commission's meetings or RDDs (oldest first): the newest most often, unless BENCH_ACCESS=uniform."""
    if UNIFORM:
        return random.choice(ids)
    return random.choices(ids, weights=[1 / rank for rank in range(len(ids), 0, -1)])[0]


def _csrf(response) -> str:
    match = CSRF.search(response.text or "")
    if match is None:
        raise RuntimeError(f"no CSRF token in {response.url} ({response.status_code})")
    return match.group(1)


class PortalUser(FastHttpUser):
    abstract = True
    # Short pauses: 20 users keep the two gunicorn workers busy, as a region's secretariats would at peak.
    wait_time = between(0.02, 0.1)
    accounts = AGENTS
    kind = "agents"

    def on_start(self) -> None:
        self.username = next(self.accounts)
        self.target = TARGETS[self.kind][self.username]
        page = self.client.get("/compte/connexion/", name="login page")
        response = self.client.post(
            "/compte/connexion/",
            data={"username": self.username, "password": TARGETS["password"], "csrfmiddlewaretoken": _csrf(page)},
            headers={"Referer": f"{self.host}/compte/connexion/"},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.username} refused ({response.status_code})")

    def commission(self) -> dict:
        return random.choice(self.target["commissions"])


class SecretariatAgent(PortalUser):
    weight = 3
    accounts = AGENTS
    kind = "agents"

    @task(2)
    def commission_list(self) -> None:
        self.client.get("/commissions/", name="commission list")

    @task(4)
    def commission_page(self) -> None:
        self.client.get(f"/commissions/{self.commission()['slug']}/", name="commission page")

    @task(1)
    def composition_at_a_date(self) -> None:
        day = f"{random.randint(2024, 2026)}-{random.randint(1, 12):02}-15"
        self.client.get(f"/commissions/{self.commission()['slug']}/?date={day}", name="composition at a date")

    @task(3)
    def meeting_page(self) -> None:
        commission = self.commission()
        self.client.get(
            f"/commissions/{commission['slug']}/seances/{pick(commission['meetings'])}/", name="meeting page"
        )

    @task(2)
    def rdd_page(self) -> None:
        self.client.get(f"/rdd/{pick(self.commission()['rdds'])}/", name="RDD page")

    @task(1)
    def transmitted(self) -> None:
        self.client.get("/rdd/transmis/", name="transmitted RDDs")

    @task(1)
    def statistics(self) -> None:
        self.client.get(f"/commissions/{self.commission()['slug']}/statistiques/", name="statistics page")


class SectionPresident(PortalUser):
    weight = 1
    accounts = PRESIDENTS
    kind = "presidents"

    @task(4)
    def inbox(self) -> None:
        self.client.get("/rdd/a-approuver/", name="inbox")

    @task(2)
    def rdd_page(self) -> None:
        self.client.get(f"/rdd/{pick(self.commission()['rdds'])}/", name="RDD page")

    @task(1)
    def approve(self) -> None:
        """Open the first RDD of the inbox and approve it; nothing left to approve is a plain inbox visit."""
        inbox = self.client.get("/rdd/a-approuver/", name="inbox")
        match = INBOX_RDD.search(inbox.text or "")
        if match is None:
            return
        url = f"/rdd/{match.group(1)}/approuver/"
        page = self.client.get(url, name="approval page")
        self.client.post(
            url,
            data={"password": TARGETS["password"], "csrfmiddlewaretoken": _csrf(page)},
            headers={"Referer": f"{self.host}{url}"},
            name="approve",
            allow_redirects=False,
        )


class ReferenceUser(PortalUser):
    """The reference page: logged in through the same form, with the same pauses as the portal's users."""

    accounts = AGENTS
    kind = "agents"

    @task
    def reference(self) -> None:
        ids = ",".join(str(pk) for pk in random.sample(TARGETS["persons"], 10))
        self.client.get(f"/banc/reference/?ids={ids}", name="reference page")


@events.quitting.add_listener
def _fail_on_errors(environment, **kwargs) -> None:
    # More than 1 % of failed requests means the benchmark measured errors, not pages.
    if environment.stats.total.fail_ratio > 0.01:
        environment.process_exit_code = 1
