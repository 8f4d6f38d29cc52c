"""With the database gone, every page answers the portal's French error page with an incident reference (never a
server's bare English "Internal Server Error", even for a signed-in user whose session cannot be read), and
/sante/ says "erreur". Production settings, in a process of their own whose database is a closed port."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
signed_in = Client(raise_request_exception=False)
signed_in.cookies["sessionid"] = "abcdefabcdefabcdefabcdef12345678"
for client, path in ((signed_in, "/commissions/"), (signed_in, "/page-inexistante/"), (Client(), "/sante/")):
    response = client.get(path)
    text = response.content.decode()
    print(path, response.status_code, response.get("X-Incident-Id", "-"), "Une erreur est survenue" in text,
          text.strip() == "erreur")
"""


def test_every_page_answers_the_french_error_page_with_the_database_down():
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/portal",  # nothing listens on port 9
        "CACHE_URL": "",
        "PYTHONPATH": str(settings.BASE_DIR),
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    lines = [line.split() for line in done.stdout.splitlines()]
    assert [line[:2] for line in lines] == [["/commissions/", "500"], ["/page-inexistante/", "500"], ["/sante/", "500"]]
    for path, _, incident, french_page, _ in lines[:2]:
        assert incident != "-" and french_page == "True", path
    assert lines[2][4] == "True"  # /sante/: a bare status to the public
