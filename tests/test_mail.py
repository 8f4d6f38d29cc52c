"""Automatic e-mails (portal.mail): their headers, and where the file backend writes them."""

import os
import subprocess
import sys

from django.conf import settings
from django.core import mail

from portal.mail import AutomaticEmail
from tests.mail_checks import assert_automatic


def test_an_automatic_email_says_so_and_keeps_its_subject_on_the_subject_line(db, frozen_today):
    subject = "Relevé de décisions à approuver — CPR PACA–Corse LPP — séance du 26/02/2025\n"
    AutomaticEmail(subject, "Bonjour,", to=["kern@example.org"]).send()
    [message] = mail.outbox
    assert message.subject == "Relevé de décisions à approuver — CPR PACA–Corse LPP — séance du 26/02/2025"
    sent = assert_automatic(message)
    assert sent["Date"].endswith("+0100")  # 22/11/2026 in Paris: winter time


def test_an_ascii_subject_is_left_as_it_is(db):
    AutomaticEmail("Convocation", "Bonjour,", to=["kern@example.org"]).send()
    assert b"\nSubject: Convocation\n" in mail.outbox[0].message().as_bytes()


def test_the_file_backends_folder_comes_from_the_environment(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test", "EMAIL_FILE_PATH": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_FILE_PATH)",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path)
