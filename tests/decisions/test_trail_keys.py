"""The keyed trail: entries chained by HMAC-SHA-256 under a key kept outside the database, so that someone who can
write the tables but has not the key cannot rewrite the chain unseen; entries written before the key keep their
plain SHA-256 and are anchored by `manage.py trail_rekey`; each transmission e-mail gives the members the anchors."""

import base64
import hashlib
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from decisions import services, trail
from decisions.models import TrailEntry
from decisions.trail import _canonical, _entry_fields, trail_verify
from portal.settings import _trail_keys
from tests.decisions.helpers import tamper

pytestmark = pytest.mark.django_db

OTHER_KEY = bytes(range(32))


def plain_sha256(entry: TrailEntry, previous: str) -> str:
    """What someone without the key computes: the portal's canonical fields, hashed with plain SHA-256."""
    return hashlib.sha256(previous.encode() + _canonical(_entry_fields(entry))).hexdigest()


def rewrite_from(entry: TrailEntry, hasher, **changes) -> None:
    """Change an entry and recompute its hash and every later one's, linked again, as a database user would."""
    entries = list(TrailEntry.objects.filter(rdd_id=entry.rdd_id, sequence__gte=entry.sequence).order_by("sequence"))
    previous = entries[0].previous_hash
    for index, later in enumerate(entries):
        for name, value in (changes if index == 0 else {}).items():
            setattr(later, name, value)
        later.previous_hash = previous
        later.entry_hash = hasher(later, previous)
        tamper(
            TrailEntry.objects.filter(pk=later.pk),
            previous_hash=later.previous_hash,
            entry_hash=later.entry_hash,
            **(changes if index == 0 else {}),
        )
        previous = later.entry_hash


@pytest.fixture
def pre_key(monkeypatch, session, alice, presidents):
    """An RDD approved before the trail had a key: every entry chained by plain SHA-256, without a key id."""
    monkeypatch.setattr(trail, "writing_key_id", lambda: None)
    rdd = services.rdd_create(meeting=session, user=alice)
    services.rdd_submit(rdd=rdd, user=alice)
    for president in presidents:
        services.rdd_approve(rdd=rdd, user=president.user)
    monkeypatch.undo()
    rdd.refresh_from_db()
    return rdd


# Keyed entries


def test_each_new_entry_records_its_key_and_is_chained_by_hmac(approved):
    entries = list(TrailEntry.objects.filter(rdd=approved).order_by("sequence"))

    assert {entry.key_id for entry in entries} == {django_settings.TRAIL_KEY_ID} == {"test"}
    for entry in entries:
        assert entry.entry_hash != plain_sha256(entry, entry.previous_hash)
    check = trail_verify(approved)
    assert check and check.pre_key == 0 and check.anchored and check.key_wording == ""


def test_an_entry_recomputed_with_plain_sha256_is_detected(approved):
    entry = TrailEntry.objects.get(rdd=approved, action="soumission")

    rewrite_from(entry, plain_sha256, note="ajouté après coup")

    check = trail_verify(approved)
    assert not check
    assert check.broken == entry
    assert check.reason == "l'empreinte de l'entrée a été recalculée sans la clé du journal (SHA-256 simple)"


def test_an_entry_recomputed_with_a_key_unknown_to_the_portal_is_detected(approved):
    entry = TrailEntry.objects.get(rdd=approved, action="soumission")

    def forged(entry, previous):
        return trail.hmac.new(
            b"not the portal's key, 32 bytes..", previous.encode() + _canonical(_entry_fields(entry)), "sha256"
        ).hexdigest()

    rewrite_from(entry, forged, user_label="quelqu'un d'autre")

    check = trail_verify(approved)
    assert not check
    assert check.broken == entry
    assert check.reason == "l'entrée a été modifiée après son enregistrement"


def test_an_entry_recomputed_with_another_of_the_portals_keys_is_detected(approved, settings):
    settings.TRAIL_KEYS = {**settings.TRAIL_KEYS, "autre": OTHER_KEY}
    entry = TrailEntry.objects.get(rdd=approved, action="soumission")

    def other_key(entry, previous):
        return trail.hmac.new(OTHER_KEY, previous.encode() + _canonical(_entry_fields(entry)), "sha256").hexdigest()

    rewrite_from(entry, other_key)

    check = trail_verify(approved)
    assert not check
    assert check.reason == "l'empreinte de l'entrée a été calculée avec une autre clé que la sienne (« autre »)"


def test_an_entry_rewritten_as_if_written_before_the_key_is_detected(approved):
    entry = TrailEntry.objects.filter(rdd=approved).order_by("-sequence").first()

    rewrite_from(entry, plain_sha256, key_id=None)

    check = trail_verify(approved)
    assert not check
    assert check.broken == entry
    assert check.reason == "l'entrée n'est pas scellée par la clé du journal alors qu'une entrée précédente l'est"


def test_a_retired_key_still_verifies_the_entries_it_sealed(approved, settings, alice):
    settings.TRAIL_KEYS = {**settings.TRAIL_KEYS, "2027": OTHER_KEY}
    settings.TRAIL_KEY_ID = "2027"

    services.rdd_transmit(rdd=approved, user=alice)

    keys = TrailEntry.objects.filter(rdd=approved).order_by("sequence").values_list("key_id", flat=True)
    assert list(keys)[:5] == ["test"] * 5 and set(list(keys)[5:]) == {"2027"}
    assert trail_verify(approved)
    # A key removed from TRAIL_KEYS no longer verifies what it sealed: the check names it.
    settings.TRAIL_KEYS = {"2027": OTHER_KEY}
    check = trail_verify(approved)
    assert not check
    assert check.broken.sequence == 1
    assert check.reason == "clé du journal inconnue « test » : absente de TRAIL_KEYS"


# Entries written before the key


def test_entries_written_before_the_key_still_verify_and_say_so(pre_key):
    check = trail_verify(pre_key)

    assert check
    assert check.pre_key == check.entries == 5
    assert not check.anchored
    assert check.key_wording == "toutes antérieures à la clé du journal, chaîne non encore ancrée par la clé"


def test_trail_rekey_anchors_a_chain_written_before_the_key(pre_key):
    call_command("trail_rekey")

    last = TrailEntry.objects.filter(rdd=pre_key).order_by("-sequence").first()
    assert (last.sequence, last.action, last.key_id) == (6, TrailEntry.Action.ANCHOR, "test")
    assert last.note == "5 entrées antérieures à la clé du journal vérifiées et ancrées par la clé « test »"
    check = trail_verify(pre_key)
    assert check and check.anchored
    assert check.key_wording == "dont 5 antérieures à la clé du journal, ancrées depuis par la clé"
    # An anchored chain is not anchored again.
    call_command("trail_rekey")
    assert TrailEntry.objects.filter(action=TrailEntry.Action.ANCHOR).count() == 1


def test_trail_rekey_leaves_a_chain_sealed_by_the_key_as_it_is(approved):
    call_command("trail_rekey")

    assert not TrailEntry.objects.filter(action=TrailEntry.Action.ANCHOR).exists()


def test_an_anchored_chain_rewritten_before_its_anchor_is_detected(pre_key):
    call_command("trail_rekey")
    entry = TrailEntry.objects.get(rdd=pre_key, action="soumission")

    # Everything from the entry up to the anchor recomputed with plain SHA-256: the anchor's HMAC covers the old
    # link, and cannot be recomputed without the key.
    rewrite_from(entry, plain_sha256, note="ajouté après coup")

    check = trail_verify(pre_key)
    assert not check
    assert check.broken.action == TrailEntry.Action.ANCHOR


def test_trail_rekey_refuses_to_anchor_a_broken_chain(pre_key):
    entry = TrailEntry.objects.get(rdd=pre_key, action="soumission")
    tamper(TrailEntry.objects.filter(pk=entry.pk), user_label="quelqu'un d'autre")

    with pytest.raises(CommandError, match="1 journal"):
        call_command("trail_rekey")

    assert not TrailEntry.objects.filter(rdd=pre_key, action=TrailEntry.Action.ANCHOR).exists()


# The keys' settings


def test_keys_are_read_in_hex_or_base64_with_their_ids():
    raw = bytes(range(1, 33))

    keys = _trail_keys(f"2026:{raw.hex()}, 2027:{base64.b64encode(raw).decode()}")

    assert keys == {"2026": raw, "2027": raw}


@pytest.mark.parametrize("value", ["2026:" + "ab" * 16, "2026:court", "a b:" + "ab" * 32])
def test_a_short_or_unreadable_key_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="TRAIL_KEYS"):
        _trail_keys(value)


def test_production_refuses_to_start_without_a_trail_key():
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        "TRAIL_KEYS": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=90,
    )

    assert result.returncode != 0
    assert "TRAIL_KEYS doit être défini" in result.stderr


# The anchors members keep


def test_the_transmission_email_states_the_documents_sha256_and_the_chain_head(
    approved, alice, member_user, django_capture_on_commit_callbacks
):
    # The members' e-mail leaves once the sealed document is recorded in the trail (supports.links).
    with django_capture_on_commit_callbacks(execute=True):
        services.rdd_transmit(rdd=approved, user=alice)

    document = TrailEntry.objects.get(rdd=approved, action=TrailEntry.Action.DOCUMENT)
    assert document.sequence == TrailEntry.objects.filter(rdd=approved).count()  # the chain's head
    [body] = [message.body for message in mail.outbox if message.to == [member_user.person.email]]
    sha256 = document.note.rsplit(" ", 1)[-1]
    assert f"Document PDF du relevé (SHA-256) : {sha256}" in body
    assert f"Tête de la chaîne du journal du relevé : {document.entry_hash}" in body


def test_the_rdd_page_says_which_entries_came_before_the_key(client, alice, pre_key):
    client.force_login(alice)
    page = client.get(pre_key.get_absolute_url()).content.decode()
    assert "Chaîne d'empreintes intacte (5 entrées, toutes antérieures à la clé du journal" in page
    call_command("trail_rekey")
    page = client.get(pre_key.get_absolute_url()).content.decode()
    assert "dont 5 antérieures à la clé du journal, ancrées depuis par la clé" in page
