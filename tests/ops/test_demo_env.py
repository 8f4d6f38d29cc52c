"""After `make demo`, the README's `manage.py` commands work as written: the settings read var/demo.env, which
never overrides what the environment sets."""

import os
import subprocess
import sys

from django.conf import settings

KEYS = "k:" + "ab" * 32  # the trail's key, which `make demo` writes in var/trail/ (absent from a fresh clone)
PRINT_DEBUG = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _debug_with(env_file, **variables) -> str:
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_LOCAL_ENV": str(env_file),
        "PYTHONPATH": str(settings.BASE_DIR),
        **variables,
    }
    done = subprocess.run(
        [sys.executable, "-c", PRINT_DEBUG], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def test_the_demo_env_file_makes_the_commands_work_without_any_variable(tmp_path):
    env_file = tmp_path / "demo.env"
    env_file.write_text("DJANGO_DEBUG=1\n")
    assert _debug_with(env_file, TRAIL_KEYS=KEYS) == "True"


def test_without_the_file_production_asks_for_its_secret_key(tmp_path):
    assert "DJANGO_SECRET_KEY doit être défini" in _debug_with(tmp_path / "absent.env")


def test_the_environment_wins_over_the_file(tmp_path):
    env_file = tmp_path / "demo.env"
    env_file.write_text("DJANGO_DEBUG=1\n")
    assert _debug_with(env_file, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x", TRAIL_KEYS=KEYS) == "False"


PRINT_BASE_URL = "import django; django.setup(); from django.conf import settings; print(settings.PORTAL_BASE_URL)"


def test_make_demo_port_serves_there_and_the_e_mailed_links_follow_it(tmp_path):
    dry_run = subprocess.run(
        ["make", "-n", "demo", "PORT=8101"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8101" in dry_run
    assert "PORTAL_BASE_URL=http://127.0.0.1:%s" in dry_run and '"8101" > var/demo.env' in dry_run
    # What the file then holds is what the settings read for the README's later commands.
    env_file = tmp_path / "demo.env"
    env_file.write_text("DJANGO_DEBUG=1\nPORTAL_BASE_URL=http://127.0.0.1:8101\n")
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_DEBUG", "PORTAL_BASE_URL")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_LOCAL_ENV": str(env_file),
        "TRAIL_KEYS": KEYS,
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-c", PRINT_BASE_URL], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    assert done.stdout.strip() == "http://127.0.0.1:8101"


QUIET_TASK = """
import django
django.setup()
import pikepdf  # noqa: F401  (supports.pdfua, after every rendering)
import pyhanko.sign.signers  # noqa: F401  (imported by the seal of every transmitted RDD)
from portal.celery import app

@app.task
def double(value):
    return value * 2

print(double.delay(21).get())
"""


def test_the_demo_runs_a_task_without_spurious_warnings():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "DJANGO_DEBUG")
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "1",
        "TRAIL_KEYS": KEYS,
        "PYTHONPATH": str(settings.BASE_DIR),
        "PYTHONWARNINGS": "default",
    }
    done = subprocess.run(
        [sys.executable, "-c", QUIET_TASK], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )
    assert done.stdout.strip() == "42", done.stderr
    assert "No hostname was supplied" not in done.stderr
    assert "DSA is deprecated" not in done.stderr
    assert "logger bridge initialized" not in done.stderr
