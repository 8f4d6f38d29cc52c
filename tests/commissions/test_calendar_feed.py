"""The iCal feed of a commission's meetings, behind a revocable per-user token."""

import datetime

import icalendar
from django.urls import reverse

from commissions.meetings.calendar import calendar_token_create, calendar_token_revoke
from commissions.meetings.models import CalendarToken
from commissions.meetings.services import meeting_create


def feed_url(commission, token) -> str:
    return reverse("commissions:calendar_feed", args=[commission.slug, token.token])


def test_a_member_creates_a_token_and_the_feed_lists_the_meetings(client, member_user, meeting, frozen_today):
    meeting_create(
        commission=meeting.commission, date=datetime.date(2027, 3, 4), start_time=datetime.time(9, 30), place="Nice"
    )
    client.force_login(member_user)
    page_url = reverse("commissions:calendar_token", args=[meeting.commission.slug])
    assert "Créer mon adresse" in client.get(page_url).content.decode()
    client.post(reverse("commissions:calendar_token_create", args=[meeting.commission.slug]))
    token = CalendarToken.objects.get(user=member_user)
    assert feed_url(meeting.commission, token) in client.get(page_url).content.decode()

    client.logout()
    response = client.get(feed_url(meeting.commission, token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [event.decoded("dtstart").replace(tzinfo=None) for event in events] == [
        datetime.datetime(2026, 12, 3, 10, 0),
        datetime.datetime(2027, 3, 4, 9, 30),
    ]
    assert {event["dtstart"].params["TZID"] for event in events} == {"Europe/Paris"}
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_a_revoked_token_answers_404(client, member_user, meeting):
    token = calendar_token_create(user=member_user)
    assert client.get(feed_url(meeting.commission, token)).status_code == 200
    calendar_token_revoke(user=member_user)
    assert client.get(feed_url(meeting.commission, token)).status_code == 404


def test_revoking_from_the_page_is_a_post_action(client, member_user, meeting):
    token = calendar_token_create(user=member_user)
    client.force_login(member_user)
    url = reverse("commissions:calendar_token_revoke", args=[meeting.commission.slug])
    assert client.get(url).status_code == 405
    client.post(url)
    token.refresh_from_db()
    assert token.revoked is not None
    assert client.get(feed_url(meeting.commission, token)).status_code == 404


def test_a_new_token_replaces_the_previous_one(client, member_user, meeting):
    first = calendar_token_create(user=member_user)
    second = calendar_token_create(user=member_user)
    assert client.get(feed_url(meeting.commission, first)).status_code == 404
    assert client.get(feed_url(meeting.commission, second)).status_code == 200
    assert CalendarToken.objects.filter(user=member_user, revoked__isnull=True).count() == 1


def test_a_wrong_token_answers_404(client, meeting):
    url = reverse("commissions:calendar_feed", args=[meeting.commission.slug, "pas-un-jeton"])
    assert client.get(url).status_code == 404


def test_bobs_token_does_not_open_alices_commission(client, bob, meeting):
    token = calendar_token_create(user=bob)
    assert client.get(feed_url(meeting.commission, token)).status_code == 404


def test_the_token_of_a_deactivated_account_answers_404(client, member_user, meeting):
    token = calendar_token_create(user=member_user)
    member_user.is_active = False
    member_user.save()
    assert client.get(feed_url(meeting.commission, token)).status_code == 404


def test_the_feed_is_in_the_commissions_time_zone(client, bob, other_meeting):
    token = calendar_token_create(user=bob)
    response = client.get(feed_url(other_meeting.commission, token))
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event["dtstart"].params["TZID"] == "Indian/Reunion"
    assert event["dtstart"].to_ical() == b"20261210T090000"


def test_the_token_page_needs_a_login(client, meeting):
    response = client.get(reverse("commissions:calendar_token", args=[meeting.commission.slug]))
    assert response.status_code == 302
