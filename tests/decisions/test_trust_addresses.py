"""IP addresses out of the chain: the trail covers a keyed digest of each address, the address itself lives in an
access table that the secretariat alone sees and that `purge_expired` empties after its retention period.

Protects the members' personal data (an address kept for ever in an append-only table, shown to every reader of the
RDD page) without weakening the record: a changed address is still detected while it is kept."""

import datetime
import hashlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from decisions import services
from decisions.models import TrailAccess, TrailEntry
from decisions.trail import access_matches, ip_digest, trail_addresses, trail_verify
from ops.retention import purge_expired
from tests.decisions.helpers import tamper

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-solide"  # tests.factories.UserFactory's
ADDRESS = "203.0.113.7"


@pytest.fixture
def approved_from(client, submitted, presidents):
    """The RDD approved by the social president from ADDRESS, through the approval page."""
    client.force_login(presidents[0].user)
    client.post(reverse("decisions:approve", args=[submitted.pk]), {"password": PASSWORD}, REMOTE_ADDR=ADDRESS)
    client.logout()
    return TrailEntry.objects.get(rdd=submitted, action=TrailEntry.Action.APPROVE)


def test_the_chain_holds_a_keyed_digest_and_the_access_table_the_address(approved_from, submitted):
    entry = approved_from

    assert entry.ip is None
    assert entry.ip_digest == ip_digest(ADDRESS, entry.key_id)
    # Keyed: the plain SHA-256 of the address (reversed by trying the 2³² IPv4 addresses) is not what is stored.
    assert entry.ip_digest != hashlib.sha256(ADDRESS.encode()).hexdigest()
    assert TrailAccess.objects.get(entry=entry).ip == ADDRESS
    assert trail_verify(submitted)


def test_the_digest_is_covered_by_the_chain(approved_from, submitted):
    # Someone with data rights swaps the digest for the one of another address: the entry no longer verifies.
    tamper(TrailEntry.objects.filter(pk=approved_from.pk), ip_digest=ip_digest("198.51.100.1", approved_from.key_id))

    check = trail_verify(submitted)

    assert not check
    assert check.broken == approved_from


def test_an_address_changed_in_the_access_table_is_flagged(client, approved_from, submitted, alice):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_trailaccess SET ip = %s WHERE entry_id = %s", ["198.51.100.1", approved_from.pk]
        )

    assert not access_matches(approved_from, "198.51.100.1")
    assert trail_addresses([approved_from])[approved_from.pk].matches is False
    client.force_login(alice)
    page = client.get(reverse("decisions:detail", args=[submitted.pk])).content.decode()
    assert "198.51.100.1 — ne correspond pas à l'empreinte du journal" in page
    # The chain itself is intact: the access table is outside it.
    assert trail_verify(submitted)


def test_the_secretariat_sees_the_addresses_and_the_members_do_not(client, approved_from, submitted, alice, presidents):
    url = reverse("decisions:detail", args=[submitted.pk])

    client.force_login(alice)
    page = client.get(url).content.decode()
    assert "Adresse IP" in page
    assert ADDRESS in page

    client.force_login(presidents[1].user)
    page = client.get(url).content.decode()
    assert page.count("Soumission aux présidents") >= 1  # the trail is listed
    assert "Adresse IP" not in page
    assert ADDRESS not in page


def test_the_purge_removes_old_addresses_and_the_chain_stays_intact(client, approved_from, submitted, alice):
    later = timezone.now() + datetime.timedelta(days=366)

    counts = {purged.name: purged.count for purged in purge_expired(now=later)}

    assert counts["trail_ips"] >= 1
    assert not TrailAccess.objects.exists()
    assert trail_verify(submitted)
    client.force_login(alice)
    page = client.get(reverse("decisions:detail", args=[submitted.pk])).content.decode()
    assert "effacée (durée de conservation écoulée)" in page
    assert ADDRESS not in page


def test_the_purge_keeps_addresses_within_their_retention(approved_from):
    counts = {purged.name: purged.count for purged in purge_expired(now=timezone.now() + datetime.timedelta(days=30))}

    assert counts["trail_ips"] == 0
    assert TrailAccess.objects.get().ip == ADDRESS


def test_an_entry_without_address_has_an_empty_digest_and_no_access_row(submitted, presidents):
    services.rdd_approve(rdd=submitted, user=presidents[1].user)  # no request: no address

    entry = TrailEntry.objects.filter(rdd=submitted).order_by("-sequence").first()
    assert entry.ip_digest == ""
    assert not TrailAccess.objects.filter(entry=entry).exists()
