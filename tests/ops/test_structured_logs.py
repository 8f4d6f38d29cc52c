"""LOG_FORMAT=json writes one JSON object per log line, for a log collector."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

SCRIPT = (
    "import logging; "
    "logging.getLogger('portal.security').warning('login failed user=%r ip=%s', 'kern', '10.1.2.3', "
    "extra={'incident_id': 'AB12-CD34'})"
)


def emit(log_format: str) -> str:
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "LOG_FORMAT": log_format,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_json_logs_are_one_object_per_line():
    [line] = [line for line in emit("json").splitlines() if "portal.security" in line]

    record = json.loads(line)
    assert record["logger"] == "portal.security"
    assert record["level"] == "WARNING"
    assert record["message"] == "login failed user='kern' ip=10.1.2.3"
    assert record["incident_id"] == "AB12-CD34"
    assert record["time"]


def test_text_logs_are_the_default():
    [line] = [line for line in emit("text").splitlines() if "portal.security" in line]

    assert line.endswith("WARNING portal.security login failed user='kern' ip=10.1.2.3")
