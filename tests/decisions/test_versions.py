"""Corrections are versions: the earlier version stays available, marked "remplacée par la version N" on its page
and in the RDD lists, and links to the new one; the new version's page says "corrige la version N" (issue 12,
item 5)."""

import html

import pytest
from django.urls import reverse

from decisions import services
from decisions.models import Rdd

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


@pytest.fixture
def corrected(transmitted, alice):
    """The transmitted RDD, corrected by a version 2 still in draft."""
    return services.rdd_new_version(rdd=transmitted, user=alice)


def test_the_earlier_version_stays_available_and_links_to_the_new_one(client, corrected, transmitted, alice):
    client.force_login(alice)

    page = _page(client, transmitted.get_absolute_url())

    new_url = reverse("decisions:detail", args=[corrected.pk])
    assert f'Version 1 remplacée par la <a href="{new_url}">version 2</a>' in page
    assert "elle reste consultable telle qu'elle a été approuvée" in page
    assert "Décision actée" in page  # its content, as approved


def test_the_new_versions_page_says_which_version_it_corrects(client, corrected, transmitted, alice):
    client.force_login(alice)

    page = _page(client, corrected.get_absolute_url())

    old_url = reverse("decisions:detail", args=[transmitted.pk])
    assert f'corrige la <a href="{old_url}">version 1</a>' in page


def test_a_member_sees_the_correction_announced_before_it_is_transmitted(client, corrected, transmitted, member_user):
    client.force_login(member_user)

    page = _page(client, transmitted.get_absolute_url())
    listing = _page(client, reverse("decisions:transmitted"))

    assert "Version 1 remplacée par la version 2, en cours de correction" in page
    assert "remplacée par la version 2, en cours de correction" in listing


def test_the_list_links_the_replaced_version_to_its_transmitted_correction(
    client, corrected, transmitted, alice, presidents, member_user
):
    services.rdd_submit(rdd=corrected, user=alice)
    for president in presidents:
        services.rdd_approve(rdd=corrected, user=president.user)
    services.rdd_transmit(rdd=Rdd.objects.get(pk=corrected.pk), user=alice)
    client.force_login(member_user)

    listing = _page(client, reverse("decisions:transmitted"))

    new_url = reverse("decisions:detail", args=[corrected.pk])
    assert f'remplacée par la <a href="{new_url}">version 2</a>' in listing
    assert "version 2, corrige la version 1" in listing
