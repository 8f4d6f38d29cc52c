"""Browser tests: the system Chromium, driven by pytest-playwright, against a live server on 127.0.0.1.

No browser is ever downloaded: Playwright launches the Debian package's
/usr/bin/chromium (tests/conftest.py skips these tests without it, and fails
them under REQUIRE_POSTGRES=1).

Playwright's synchronous API keeps an asyncio loop running in the main thread
while it is started, and Django then refuses ORM calls from that thread. The
test code builds its data with the ORM, so DJANGO_ALLOW_ASYNC_UNSAFE is set,
and Playwright started and stopped, around this package only: the fixtures
that pytest-playwright scopes to the session are scoped to the package here,
so that the tests that run after these ones keep Django's guard.
"""

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from demo.compositions import DEMO_PASSWORD, load_demo
from demo.loader import load_all
from tests.conftest import CHROMIUM

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LAPTOP = {"width": 1366, "height": 768}


def pytest_configure(config):
    # `make test` passes no flags: keep a screenshot and a trace of every failing browser test
    # (in test-results/, pytest-playwright's --output), unless the command line asked otherwise.
    if config.getoption("--screenshot") == "off":
        config.option.screenshot = "only-on-failure"
    if config.getoption("--tracing") == "off":
        config.option.tracing = "retain-on-failure"


@pytest.fixture(scope="package", autouse=True)
def _async_unsafe_allowed():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def live_server():
    """The portal served on 127.0.0.1 (pytest-django's default is localhost)."""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def playwright(_async_unsafe_allowed, _pw_api_request_contexts):
    started = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(started)
    yield started
    started.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    launched = launch_browser()
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server):
    return {
        "base_url": live_server.url,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": LAPTOP,
        "accept_downloads": True,
    }


@pytest.fixture
def demo(live_server):
    """The demo data of `make demo`: three commissions, their members and the demo accounts."""
    load_demo()


@pytest.fixture
def log_in(page: Page):
    """Log in through the real login form, as a person would."""

    def log_in_as(username: str, password: str = DEMO_PASSWORD) -> Page:
        page.goto("/compte/connexion/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("button", name="Se déconnecter").wait_for()
        return page

    return log_in_as


@pytest.fixture
def full_demo(live_server):
    """All the demo of `make demo` (demo.loader.load_all): compositions and accounts, the meetings and their RDDs
    (the PACA one of 26/02/2025 transmitted; a draft ready for the workflow for the "Séance ordinaire de
    démonstration" held a few days ago; a draft for the upcoming "Séance de démonstration"), the tables."""
    return load_all()


@pytest.fixture
def log_out(page: Page):
    def log_out_now() -> Page:
        page.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
        return page

    return log_out_now
