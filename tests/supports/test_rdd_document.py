"""The RDD's own PDF: rendered once at transmission, stored unchanged, its SHA-256 recorded in the trail."""

import datetime
import hashlib

import pytest
from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Speaker
from decisions import services as decisions
from decisions.content import item_record_save
from decisions.models import TrailEntry
from decisions.trail import trail_verify
from supports import services
from supports.models import SupportRender
from tests.factories import make_session
from tests.supports.helpers import pdf_pages


@pytest.fixture
def approved(commission, alice, presidents, frozen_today):
    meeting = make_session(commission, datetime.date(2026, 10, 1))  # held: its RDD can be submitted
    agenda_item_add(meeting=meeting, title="Aides à la télétransmission", speaker=Speaker.SOCIAL)
    rdd = decisions.rdd_create(meeting=meeting, user=alice)
    item_record_save(
        record=rdd.item_records.first(),
        summary="La section sociale présente les aides.",
        decisions=["Les aides 2026 sont versées en mars."],
    )
    decisions.rdd_submit(rdd=rdd, user=alice)
    for president in presidents:
        decisions.rdd_approve(rdd=rdd, user=president.user)
    rdd.refresh_from_db()
    return rdd


def test_transmission_renders_the_rdd_once_and_records_its_sha256(approved, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decisions.rdd_transmit(rdd=approved, user=alice)

    document = SupportRender.objects.get(meeting=approved.meeting, kind="rdd", version="final")
    data = document.file.read()
    assert document.status == "pret"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    entry = TrailEntry.objects.get(rdd=approved, action=TrailEntry.Action.DOCUMENT)
    assert entry.note.endswith(f"SHA-256 : {document.sha256}")
    assert trail_verify(approved)
    text = "\n".join(pdf_pages(data))
    assert "Les aides 2026 sont versées en mars." in text
    transmit = TrailEntry.objects.get(rdd=approved, action=TrailEntry.Action.TRANSMIT)
    assert transmit.entry_hash[:16] in text.replace("\n", "")

    again, created = services.support_request(meeting=approved.meeting, kind="rdd", version="final")
    assert (again.pk, created) == (document.pk, False)


def test_a_member_downloads_the_rdd_only_once_transmitted(
    client, approved, alice, member_user, fake_renderer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft_render, _ = services.support_request(meeting=approved.meeting, kind="rdd", version="convocation")
    url = reverse(
        "supports:support_download", args=[approved.meeting.commission.slug, approved.meeting.pk, draft_render.pk]
    )
    client.force_login(member_user)
    assert client.get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        decisions.rdd_transmit(rdd=approved, user=alice)
    final = SupportRender.objects.get(meeting=approved.meeting, kind="rdd", version="final")
    response = client.get(
        reverse("supports:support_download", args=[approved.meeting.commission.slug, approved.meeting.pk, final.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
