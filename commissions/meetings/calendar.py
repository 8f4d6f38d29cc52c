"""The meetings as iCalendar: one event per meeting (stable UID, SEQUENCE, VTIMEZONE) for the convocation's
.ics and for each user's revocable calendar feed.

The UID is the meeting's stored UUID (`Meeting.calendar_uid`): it does not depend on the portal's address, so a
move of the portal does not duplicate the entries. SEQUENCE is `Meeting.calendar_sequence`, raised by the
services on every change of date, times or place and on a cancellation, so the feed shows the new revision at
once and the next convocation replaces the entry.
"""

import icalendar
from django.db import transaction
from django.utils import timezone

from .models import (
    CalendarToken,
    Meeting,
)
from .selectors import AgendaNode


def _uid(meeting: Meeting) -> str:
    return f"{meeting.calendar_uid}@commissions-paritaires"


def meeting_event(meeting: Meeting, *, agenda: list[AgendaNode] | None = None) -> icalendar.Event:
    """The meeting as an iCalendar event, its times in the commission's time zone (TZID)."""
    event = icalendar.Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.commission.name} — {meeting.title or meeting.get_kind_display().split(' (')[0]}")
    location = meeting.place or meeting.video_link
    if location:
        event.add("location", location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    event.add("sequence", meeting.calendar_sequence)
    if meeting.is_called_off:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED" if meeting.status != Meeting.Status.PLANNED else "TENTATIVE")
    if agenda:
        event.add("description", "Ordre du jour :\n" + "\n".join(f"{n.number} {n.item.title}" for n in agenda))
    return event


def meetings_calendar(meetings, *, name: str, method: str | None = None, events=None) -> bytes:
    """An iCalendar file with the meetings' events and the VTIMEZONE of every time zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Assurance Maladie//Portail des commissions paritaires//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    for event in events if events is not None else [meeting_event(meeting) for meeting in meetings]:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_token_active(user) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked__isnull=True).first()


@transaction.atomic
def calendar_token_create(*, user) -> CalendarToken:
    """A new feed token for the user; the previous one is revoked (its addresses stop working)."""
    calendar_token_revoke(user=user)
    return CalendarToken.objects.create(user=user)


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    return CalendarToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
