"""An emptied trail is a broken trail: an RDD always has at least its creation entry."""

import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from decisions.models import TrailEntry
from decisions.trail import trail_verify

pytestmark = pytest.mark.django_db


def empty_trail(rdd):
    """Delete the RDD's entries as someone with direct database access would (on PostgreSQL, past the triggers)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        TrailEntry.objects.filter(rdd=rdd)._raw_delete(connection.alias)


def test_a_trail_without_any_entry_is_broken(rdd):
    check = trail_verify(rdd, entries=[])

    assert not check
    assert check.entries == 0
    assert check.broken is None
    assert check.reason.startswith("journal vide")


def test_a_draft_whose_entries_were_deleted_is_broken(rdd):
    assert trail_verify(rdd)

    empty_trail(rdd)

    assert not trail_verify(rdd)


def test_the_rdd_page_says_the_trail_is_empty(client, approved, alice):
    empty_trail(approved)
    cache.clear()  # the page's cached rendering would otherwise be served until it expires
    client.force_login(alice)

    page = client.get(approved.get_absolute_url()).content.decode()

    assert "Chaîne d'empreintes intacte" not in page
    assert "Chaîne d'empreintes rompue au journal : journal vide" in page


def test_verify_trails_reports_an_empty_trail(approved):
    empty_trail(approved)
    stderr = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("verify_trails", stdout=io.StringIO(), stderr=stderr)

    assert error.value.returncode == 1
    assert f"(relevé {approved.pk}) : chaîne rompue au journal : journal vide" in stderr.getvalue()
