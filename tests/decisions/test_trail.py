"""The trail: an append-only hash chain of the transitions, checked on the RDD page."""

import io
import logging

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from decisions.models import ItemRecord, TrailEntry
from decisions.tasks import verify_trails
from decisions.trail import content_hash, entry_hash, trail_verify
from tests.decisions.helpers import tamper

pytestmark = pytest.mark.django_db


def test_each_entry_records_who_when_where_and_the_content_hash(submitted, alice):
    entry = TrailEntry.objects.get(rdd=submitted, action="soumission")

    assert entry.user == alice
    assert entry.user_label == "alice"
    assert entry.ip is None
    assert entry.content_hash == content_hash(submitted)
    previous = TrailEntry.objects.get(rdd=submitted, sequence=entry.sequence - 1)
    assert entry.previous_hash == previous.entry_hash
    assert len(entry.entry_hash) == 64


def test_an_intact_chain_verifies(approved):
    check = trail_verify(approved)

    assert check
    assert check.entries == 5
    assert check.broken is None


def test_a_tampered_entry_is_detected(approved):
    entry = TrailEntry.objects.get(rdd=approved, action="soumission")

    tamper(TrailEntry.objects.filter(pk=entry.pk), user_label="quelqu'un d'autre")

    check = trail_verify(approved)
    assert not check
    assert check.broken == entry
    assert "modifiée" in check.reason


def test_a_rewritten_hash_breaks_the_link_with_the_next_entry(approved):
    entry = TrailEntry.objects.get(rdd=approved, action="soumission")
    entry.note = "ajouté après coup"
    entry.entry_hash = entry_hash(entry, entry.previous_hash)

    tamper(TrailEntry.objects.filter(pk=entry.pk), note=entry.note, entry_hash=entry.entry_hash)

    check = trail_verify(approved)
    assert not check
    assert check.broken.sequence == entry.sequence + 1


def test_a_deleted_entry_is_detected(approved):
    entry = TrailEntry.objects.get(rdd=approved, action="soumission")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        TrailEntry.objects.filter(pk=entry.pk).delete()

    assert not trail_verify(approved)


def test_content_changed_behind_the_workflow_is_detected(approved):
    tamper(ItemRecord.objects.filter(rdd=approved), summary="Réécrit en base")

    check = trail_verify(approved)
    assert not check
    assert "contenu" in check.reason


def test_the_rdd_page_shows_the_check(client, approved, alice):
    client.force_login(alice)
    assert "Chaîne d'empreintes intacte (5 entrées)" in client.get(approved.get_absolute_url()).content.decode()

    tamper(TrailEntry.objects.filter(rdd=approved, sequence=2), note="x")
    # Written past the portal, the change reaches the page when its cached rendering expires (PAGE_CACHE_TIMEOUT);
    # verify_trails (below) sees it at once.
    cache.clear()
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "Chaîne d'empreintes rompue à l'entrée n° 2" in page


def test_verify_trails_names_each_broken_trail_and_fails(approved, caplog):
    call_command("verify_trails", stdout=io.StringIO())  # intact: no error
    assert verify_trails() == 0

    tamper(TrailEntry.objects.filter(rdd=approved, sequence=2), note="x")
    stderr = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("verify_trails", stdout=io.StringIO(), stderr=stderr)
    assert error.value.returncode == 1
    assert "1 relevé(s) au journal rompu" in str(error.value)
    assert f"(relevé {approved.pk}) : chaîne rompue à l'entrée n° 2 : l'entrée a été modifiée" in stderr.getvalue()
    assert len(stderr.getvalue().splitlines()) == 1
    with caplog.at_level(logging.ERROR, logger="decisions.tasks"):
        assert verify_trails() == 1
    assert f"trail broken: RDD {approved.pk}" in caplog.text
