"""What a signed-in user receives is kept by no cache: Cache-Control: private, no-store (pages and downloads)."""

import pytest
from django.urls import reverse

from portal.middleware import PrivateCacheMiddleware


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_a_page_of_a_signed_in_user_is_private_and_not_stored(client, alice, commission):
    client.force_login(alice)

    response = client.get(commission.get_absolute_url())

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_download_of_a_signed_in_user_is_private_and_not_stored(client, alice, commission, kind):
    client.force_login(alice)

    response = client.get(reverse("commissions:composition_export", args=[commission.slug]), {"format": kind})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"private", "no-store"} <= directives(response)


def test_a_redirect_for_a_signed_in_user_is_private_too(client, alice, commission):
    client.force_login(alice)

    response = client.get(reverse("commissions:composition_export", args=[commission.slug]), {"format": "exe"})

    assert response.status_code == 302
    assert {"private", "no-store"} <= directives(response)


def test_an_anonymous_page_is_left_as_it_is(client, db):
    assert not client.get("/une-page-qui-n-existe-pas/").has_header("Cache-Control")


def test_a_cache_control_of_the_view_is_kept_and_made_private(rf, alice):
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse("image")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    request = rf.get("/")
    request.user = alice

    response = PrivateCacheMiddleware(view)(request)

    assert directives(response) == {"private", "max-age=3600"}
