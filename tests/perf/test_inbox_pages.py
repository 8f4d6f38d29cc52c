"""The presidents' inbox by pages: a president awaited on many RDDs gets them 25 at a time, the same queries on
every page whatever their number."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from commissions.meetings.models import Meeting
from decisions.models import Rdd
from decisions.views import INBOX_PER_PAGE

pytestmark = pytest.mark.django_db


def _submitted(commission, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        meeting = Meeting.objects.create(
            commission=commission, date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n), start_time="10:00"
        )
        Rdd.objects.create(meeting=meeting, version=1, status=Rdd.Status.SUBMITTED, submitted_at=timezone.now())


def _approve_links(html: str) -> list[str]:
    return re.findall(r'href="/rdd/(\d+)/approuver/"', html)


def test_the_inbox_is_paginated_with_the_same_queries(client, commission, presidents, django_assert_num_queries):
    social, _ = presidents
    client.force_login(social.user)
    url = reverse("decisions:inbox")
    _submitted(commission, 3)
    client.get(url)  # the per-process caches
    cache.clear()
    with django_assert_num_queries(5) as few:
        html = client.get(url).content.decode()
    assert len(_approve_links(html)) == 3
    assert "Page 1 sur" not in html

    _submitted(commission, INBOX_PER_PAGE + 5, first=3)
    cache.clear()
    with django_assert_num_queries(len(few)):
        first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert len(_approve_links(first)) == INBOX_PER_PAGE
    assert len(_approve_links(second)) == 8
    assert "Page 1 sur 2" in first and "Page 2 sur 2" in second
    assert not set(_approve_links(first)) & set(_approve_links(second))
    # The oldest submission first: the page's order is the inbox's.
    oldest = Rdd.objects.order_by("submitted_at", "pk").first()
    assert _approve_links(first)[0] == str(oldest.pk)
    # A page past the last shows the last one, never an error.
    assert "Page 2 sur 2" in client.get(url, {"page": "99"}).content.decode()
