"""Settings of the load benchmark's web workers: the portal's own, plus the reference page.

bench/run_bench.sh starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings, so that the reference page
(bench/views.py, bench/urls.py, bench/templates/) is served in the benchmark only, never by the portal's
URLconf. Everything else (middleware, sessions, cache, database) is the portal's, read from the same
environment variables.
"""

from portal.settings import *  # noqa: F403
from portal.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]
