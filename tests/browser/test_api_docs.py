"""The API's documentation page (/api/v1/docs/) in Chromium: Swagger UI, served from the portal's own static
files, draws every operation of the schema without a single violation of the content security policy."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_documentation_page_runs_without_a_csp_violation(page: Page, live_server):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));"
    )
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20000)
    expect(page.get_by_text("/api/v1/records/", exact=True).first).to_be_visible()
    assert page.evaluate("window.__violations") == []
    assert violations == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
