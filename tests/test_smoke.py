import re

from django.conf import settings
from django.contrib.staticfiles import finders


def test_the_commission_list_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get("/commissions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_every_page_names_an_icon_the_portal_serves(client, db):
    """Without one, every browser asks /favicon.ico and logs a 404 on every page."""
    page = client.get("/compte/connexion/").content.decode()
    (href,) = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert href.startswith(settings.STATIC_URL) and href.endswith(".svg")
    assert finders.find(href.removeprefix(settings.STATIC_URL)) is not None
