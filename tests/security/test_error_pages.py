"""Error pages: a server error shows an incident id that is also logged; denied accesses are logged."""

import datetime
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commissions.meetings.agenda import agenda_attachment_add, agenda_item_add
from commissions.meetings.services import meeting_create


@pytest.fixture
def failing_client(settings):
    settings.ROOT_URLCONF = "tests.security.urls"
    return Client(raise_request_exception=False)


def test_a_server_error_shows_an_incident_id_that_the_log_repeats(failing_client, db, caplog):
    caplog.set_level(logging.ERROR, logger="portal.errors")

    response = failing_client.get("/panne/")

    assert response.status_code == 500
    incident = response["X-Incident-Id"]
    assert re.fullmatch(r"[0-9A-F]{4}-[0-9A-F]{4}", incident)
    page = response.content.decode()
    assert f"référence de l'incident : <strong>{incident}</strong>" in page
    assert "database on fire" not in page  # no detail for the user
    [record] = [record for record in caplog.records if record.name == "portal.errors"]
    assert record.getMessage().startswith(f"incident {incident}: server error user=anonyme")
    assert record.incident_id == incident
    assert "database on fire" in str(record.exc_info[1])


def test_each_error_gets_its_own_incident_id(failing_client, db):
    first = failing_client.get("/panne/")["X-Incident-Id"]
    second = failing_client.get("/panne/")["X-Incident-Id"]

    assert first != second


def test_the_error_page_needs_no_database_nor_request_context(failing_client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = failing_client.get("/panne/")

    assert response.status_code == 500


def test_a_stranger_asking_for_a_commission_is_logged(client, charlie, commission, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    client.force_login(charlie)

    response = client.get(reverse("commissions:detail", args=[commission.slug]))

    assert response.status_code == 404
    [record] = [record for record in caplog.records if record.getMessage().startswith("access denied")]
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert f"access denied status=404 user=charlie (#{charlie.pk})" in message
    assert "path=/commissions/cpr-paca/" in message
    assert "reason='Commission introuvable.'" in message


def test_a_member_asking_for_a_secretariat_action_is_logged_as_a_warning(client, member_user, commission, caplog):
    caplog.set_level(logging.INFO, logger="portal.security")
    client.force_login(member_user)

    response = client.get(reverse("commissions:seat_add", args=[commission.slug]))

    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.getMessage().startswith("access denied")]
    assert record.levelno == logging.WARNING
    assert "access denied status=403 user=marc" in record.getMessage()
    assert "réservée au secrétariat" in record.getMessage()


def test_an_attachment_is_downloaded_as_an_attachment_never_shown_inline(client, alice, commission, frozen_today):
    meeting = meeting_create(commission=commission, date=datetime.date(2026, 12, 3), start_time=datetime.time(10))
    item = agenda_item_add(meeting=meeting, title="Questions diverses")
    attachment = agenda_attachment_add(
        item=item, upload=SimpleUploadedFile("note.html", b"<html><script>alert(1)</script></html>")
    )
    client.force_login(alice)

    response = client.get(
        reverse("commissions:agenda_attachment_download", args=[commission.slug, meeting.pk, attachment.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
