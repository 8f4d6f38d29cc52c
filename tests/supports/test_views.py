"""The supports page of a meeting: state, "Générer le support", download; 404 for another commission."""

import pytest
from django.urls import reverse

from supports.models import SupportRender
from supports.services import support_render, support_request


def urls(meeting, render=None):
    slug, pk = meeting.commission.slug, meeting.pk
    result = {
        "page": reverse("supports:meeting_supports", args=[slug, pk]),
        "generate": reverse("supports:support_generate", args=[slug, pk]),
    }
    if render is not None:
        result["download"] = reverse("supports:support_download", args=[slug, pk, render.pk])
    return result


@pytest.fixture
def ready(session, fake_renderer):
    render, _ = support_request(meeting=session, queue=False)
    return support_render(render_id=render.pk)


def test_the_secretariat_generates_the_support(
    client, alice, session, fake_renderer, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls(session)["generate"], {"kind": "support", "version": "convocation"}, follow=True)
    assert "La génération du support est lancée" in response.text
    assert 'http-equiv="refresh"' in response.text  # the page follows the rendering
    assert SupportRender.objects.get(meeting=session).status == SupportRender.Status.READY
    page = client.get(urls(session)["page"])
    assert "Télécharger le PDF" in page.text and 'http-equiv="refresh"' not in page.text


def test_generating_unchanged_data_keeps_the_existing_file(client, alice, session, ready, fake_renderer):
    client.force_login(alice)
    response = client.post(urls(session)["generate"], {"kind": "support", "version": "convocation"}, follow=True)
    assert "Les données n&#x27;ont pas changé" in response.text
    assert fake_renderer.calls == 1


def test_the_download_is_an_attachment(client, alice, session, ready):
    client.force_login(alice)
    response = client.get(urls(session, ready)["download"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_member_reads_but_does_not_generate(client, member_user, session, ready):
    client.force_login(member_user)
    assert client.get(urls(session)["page"]).status_code == 200
    assert client.get(urls(session, ready)["download"]).status_code == 200
    assert client.post(urls(session)["generate"], {"kind": "support", "version": "final"}).status_code == 403


@pytest.mark.parametrize("name", ["page", "generate", "download"])
@pytest.mark.parametrize("username", ["bob", "charlie"])
def test_another_commission_s_support_is_not_found(client, request, session, ready, name, username):
    client.force_login(request.getfixturevalue(username))
    url = urls(session, ready)[name]
    response = client.post(url, {"kind": "support", "version": "final"}) if name == "generate" else client.get(url)
    assert response.status_code == 404


def test_a_render_of_another_meeting_is_not_found_through_this_meeting(client, alice, session, ready, commission):
    from commissions.meetings.services import meeting_create

    other = meeting_create(commission=commission, date=session.date, start_time=session.start_time)
    client.force_login(alice)
    url = reverse("supports:support_download", args=[commission.slug, other.pk, ready.pk])
    assert client.get(url).status_code == 404


def test_generation_requires_post(client, alice, session):
    client.force_login(alice)
    assert client.get(urls(session)["generate"]).status_code == 405
