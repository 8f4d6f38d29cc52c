"""Shared fixtures: two commissions and the people around them.

Alice is the secretariat agent of the PACA commission, Bob the agent of
another commission; Charlie sits in neither. Charlie should have no access
to Alice's stuff. Rémi and Régine are readers (role "lecteur") of Alice's
commission: Rémi by its name, Régine by its level and territory.
"""

import datetime
import os

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from commissions.composition.models import ReaderScope, SectionKind
from portal import cache as portal_cache
from tests.factories import CommissionFactory, SectionPresidencyFactory, UserFactory, seat_member

# The browser tests drive the Debian package's Chromium (scripts/system-deps.sh installs it); none is downloaded.
CHROMIUM = "/usr/bin/chromium"


def pytest_terminal_summary(terminalreporter):
    """The time of each suite (tests/<folder>/, the top-level modules together), so that CI shows where it goes."""
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if not hasattr(report, "nodeid") or not hasattr(report, "duration") or not report.nodeid:
                continue
            parts = report.nodeid.split("/")
            suite = parts[1] if len(parts) > 2 else "(top level)"
            seconds[suite] = seconds.get(suite, 0.0) + report.duration
            if report.when == "call":
                counts[suite] = counts.get(suite, 0) + 1
    if not seconds:
        return
    terminalreporter.section("time of each suite")
    for suite, total in sorted(seconds.items(), key=lambda pair: -pair[1]):
        terminalreporter.write_line(f"{suite:<14} {total:8.1f} s  {counts.get(suite, 0):5d} tests")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("broker"):
            item.add_marker(pytest.mark.django_db(transaction=True))


def pytest_runtest_setup(item):
    require = os.environ.get("REQUIRE_POSTGRES") == "1"
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        message = "needs PostgreSQL (set DATABASE_URL)"
        if require:
            pytest.fail(f"REQUIRE_POSTGRES=1 but the test would skip: {message}")
        pytest.skip(message)
    if item.get_closest_marker("broker") and not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        message = "needs a Redis broker (set CELERY_BROKER_URL)"
        if require:
            pytest.fail(f"REQUIRE_POSTGRES=1 but the test would skip: {message}")
        pytest.skip(message)
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        message = f"needs Chromium at {CHROMIUM} (scripts/system-deps.sh installs it as root)"
        if require:
            pytest.fail(f"REQUIRE_POSTGRES=1 but the test would skip: {message}")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page cached by an earlier test (whose rows were rolled back,
    their ids given again) must not be served to the next."""
    cache.clear()
    yield
    portal_cache.reset_breakers()  # a test that broke a cache on purpose leaves no open breaker behind


@pytest.fixture(scope="session", autouse=True)
def seal_certificate(tmp_path_factory):
    """The portal's seal, issued by a throw-away CA (tests/supports/seal_ca.py): every transmission seals its RDD
    document as in production, where no certificate means no transmission."""
    from django.test import override_settings

    from tests.supports.seal_ca import make_ca, seal_settings

    ca = make_ca(tmp_path_factory.mktemp("seal"))
    cert_file, key_file = ca.issue("Portail des commissions - cachet de test")
    with override_settings(**seal_settings(ca, cert_file, key_file)):
        yield ca


@pytest.fixture
def frozen_today():
    """The clock stopped on 22/11/2026 at noon in Paris."""
    with time_machine.travel("2026-11-22 11:00:00+00:00", tick=False) as traveller:
        yield traveller


@pytest.fixture
def commission(db):
    return CommissionFactory(name="CPR PACA–Corse LPP", slug="cpr-paca")


@pytest.fixture
def other_commission(db):
    return CommissionFactory(name="CPR La Réunion LPP", slug="cpr-reunion")


@pytest.fixture
def alice(commission):
    user = UserFactory(username="alice")
    commission.agents.add(user)
    return user


@pytest.fixture
def bob(other_commission):
    user = UserFactory(username="bob")
    other_commission.agents.add(user)
    return user


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie")


@pytest.fixture
def reader(commission):
    """Rémi, of a regional service, reads Alice's commission (a reader scope naming it) and changes nothing."""
    user = UserFactory(username="remi")
    scope = ReaderScope.objects.create(user=user, service="DCGDR PACA", start=datetime.date(2024, 1, 1))
    scope.commissions.add(commission)
    return user


@pytest.fixture
def regional_reader(commission, other_commission):
    """Régine reads every CPR of PACA–Corse (a scope by level and territory): Alice's commission, not La Réunion's."""
    other_commission.territory = "La Réunion"
    other_commission.save()
    user = UserFactory(username="regine")
    ReaderScope.objects.create(
        user=user, service="DCGDR PACA", level="CPR", territory="PACA–Corse", start=datetime.date(2024, 1, 1)
    )
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def member_user(commission):
    user = UserFactory(username="marc")
    seat_member(commission, SectionKind.PROFESSIONAL, user=user)
    return user


@pytest.fixture
def presidents(commission):
    """The two section presidents of the commission, each a titular member with an account."""
    social = seat_member(commission, SectionKind.SOCIAL, user=UserFactory(username="kern"))
    professional = seat_member(commission, SectionKind.PROFESSIONAL, user=UserFactory(username="roussel"))
    SectionPresidencyFactory(section=social.seat.section, person=social.person)
    SectionPresidencyFactory(section=professional.seat.section, person=professional.person)
    return social.person, professional.person
