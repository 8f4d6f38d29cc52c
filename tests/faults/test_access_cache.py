"""Access decisions are kept in the shared cache (portal.generations), so they must go the moment the roles they
come from change: ending a mandate, a section presidency or a secretariat assignment takes the access (or the
role) away at the very next request served by ANOTHER process, which reads the same Redis and database.

The other process is a real Python process (a web node's stand-in): it serves the requests this test sends it
on its standard input, with Django's test client, on the test database and a Redis database of its own."""

import datetime
import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings

from commissions.composition import services
from commissions.composition.models import SectionKind
from portal.cache import redis_cache
from tests.factories import PersonFactory, UserFactory, seat_member

pytestmark = [pytest.mark.postgres, pytest.mark.broker]

REDIS_DATABASE = 13

SERVER = """
import os, sys
import django
from django.test.utils import setup_test_environment
django.setup()
setup_test_environment()
from django.conf import settings
from django.test import Client
print("ready", flush=True)
for line in sys.stdin:
    session, path = line.split()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    response = client.get(path)
    badge = '<span class="badge text-bg-secondary me-1">Président(e) de section</span>'
    print(response.status_code, badge in response.content.decode(), flush=True)
"""


class OtherProcess:
    def __init__(self, cache_url: str):
        database = connection.settings_dict
        environment = os.environ | {
            "DJANGO_SETTINGS_MODULE": "portal.settings_test",
            "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}",
            "CACHE_URL": cache_url,
            "PORTAL_RELEASE": settings.PORTAL_RELEASE,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER],
            cwd=settings.BASE_DIR,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def get(self, session: str, path: str) -> tuple[int, bool]:
        self.process.stdin.write(f"{session} {path}\n")
        self.process.stdin.flush()
        status, president = self.process.stdout.readline().split()
        return int(status), president == "True"

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=20)


@pytest.fixture
def shared_cache():
    url = f"{os.environ['CELERY_BROKER_URL'].rsplit('/', 1)[0]}/{REDIS_DATABASE}"
    redis.Redis.from_url(url).flushdb()
    with override_settings(
        CACHES={"default": redis_cache(url, key_prefix=f"portal-{settings.PORTAL_RELEASE}")},
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        PAGE_CACHE=True,
    ):
        yield url
    redis.Redis.from_url(url).flushdb()


@pytest.fixture
def other(shared_cache):
    process = OtherProcess(shared_cache)
    yield process
    process.stop()


def session_of(client, user) -> str:
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def yesterday() -> datetime.date:
    return datetime.date.today() - datetime.timedelta(days=1)


def test_an_ended_mandate_takes_the_members_access_away_at_the_next_request(client, commission, other):
    user = UserFactory(username="membre")
    mandate = seat_member(commission, SectionKind.PROFESSIONAL, user=user)
    session = session_of(client, user)
    assert other.get(session, commission.get_absolute_url()) == (200, False)  # kept in the cache from now on
    assert other.get(session, commission.get_absolute_url()) == (200, False)

    services.mandate_end(mandate=mandate, end=yesterday())

    assert other.get(session, commission.get_absolute_url())[0] == 404


def test_an_agent_taken_off_the_secretariat_loses_access_at_the_next_request(client, commission, alice, other):
    session = session_of(client, alice)
    assert other.get(session, commission.get_absolute_url())[0] == 200

    commission.agents.remove(alice)

    assert other.get(session, commission.get_absolute_url())[0] == 404


def test_an_ended_section_presidency_takes_the_role_away_at_the_next_request(client, commission, other):
    user = UserFactory(username="presidente")
    president = seat_member(commission, SectionKind.SOCIAL, user=user).person
    services.section_president_set(
        section=commission.sections.get(kind=SectionKind.SOCIAL), person=president, start=datetime.date(2024, 1, 1)
    )
    successor = seat_member(commission, SectionKind.SOCIAL, person=PersonFactory()).person
    session = session_of(client, user)
    assert other.get(session, commission.get_absolute_url()) == (200, True)

    services.section_president_set(
        section=commission.sections.get(kind=SectionKind.SOCIAL), person=successor, start=datetime.date.today()
    )

    assert other.get(session, commission.get_absolute_url()) == (200, False)  # still a member, no more president
