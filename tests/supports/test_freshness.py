"""Current documents only: a support whose meeting changed since it was rendered is "à mettre à jour" for the
secretariat (with what changed), rendered again in one click or by itself once the changes settle, and not offered
to the members meanwhile."""

import pytest
from django.urls import reverse

from commissions.meetings.agenda import agenda_item_add
from commissions.meetings.models import Meeting
from supports import services
from supports.models import SupportRender

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendered(session, fake_renderer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        render, _ = services.support_request(meeting=session, kind="support", version="convocation")
    render.refresh_from_db()
    assert render.is_ready
    return render


def page(client, user, meeting) -> str:
    client.force_login(user)
    return client.get(reverse("supports:meeting_supports", args=[meeting.commission.slug, meeting.pk])).text


def test_a_support_is_current_until_its_meeting_changes(session, rendered):
    assert services.freshness(rendered).current

    agenda_item_add(meeting=session, title="Point ajouté")

    check = services.freshness(rendered)
    assert not check.current
    assert check.changes == ("ordre du jour, contenus et tableaux des points",)


def test_the_secretariat_sees_what_changed_and_updates_in_one_click(
    client, alice, session, rendered, fake_renderer, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=session.pk).update(place="Salle B")  # no signal: left to the button

    text = page(client, alice, session)
    assert "à mettre à jour" in text
    assert "Modifié depuis ce rendu : date, horaires, lieu ou titre de la réunion." in text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("supports:support_generate", args=[session.commission.slug, session.pk]),
            {"kind": "support", "version": "convocation"},
        )
    assert fake_renderer.calls == 2
    text = page(client, alice, session)
    assert "à mettre à jour" not in text
    assert "prêt" in text


def test_members_are_offered_the_current_version_only(client, member_user, session, rendered):
    download = reverse("supports:support_download", args=[session.commission.slug, session.pk, rendered.pk])
    client.force_login(member_user)
    assert client.get(download).status_code == 200

    agenda_item_add(meeting=session, title="Point ajouté")

    text = page(client, member_user, session)
    assert "en cours de mise à jour par le secrétariat" in text
    assert download not in text
    assert client.get(download).status_code == 404


def test_a_change_renders_the_support_again_once_the_changes_settle(
    session, rendered, fake_renderer, settings, django_capture_on_commit_callbacks
):
    settings.SUPPORTS_REFRESH_SECONDS = 60

    # Two changes in a burst: two tasks queued, the first one superseded by the second's token.
    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_add(meeting=session, title="Premier point ajouté")
        agenda_item_add(meeting=session, title="Second point ajouté")

    assert fake_renderer.calls == 2  # the first rendering, then one for the burst
    latest = services.last_ready(session, kind="support", version="convocation")
    assert latest.pk != rendered.pk
    assert services.freshness(latest).current


def test_without_a_ready_support_nothing_is_scheduled(
    session, fake_renderer, settings, django_capture_on_commit_callbacks
):
    settings.SUPPORTS_REFRESH_SECONDS = 60

    with django_capture_on_commit_callbacks(execute=True):
        agenda_item_add(meeting=session, title="Point ajouté")

    assert fake_renderer.calls == 0
    assert not SupportRender.objects.exists()


def test_a_transmitted_rdd_document_is_always_current(transmitted):
    document = SupportRender.objects.get(meeting=transmitted.meeting, kind="rdd", status="pret")
    Meeting.objects.filter(pk=transmitted.meeting_id).update(next_meeting_note="Le 12/12/2026")

    assert services.freshness(document).current
