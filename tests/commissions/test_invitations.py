"""Invitations that calendars take: the convocation e-mail read back with Python's email package, its iCalendar
read by two parsers (icalendar and vobject); a stable UID, a SEQUENCE raised by every move, CANCEL on cancellation.
"""

import datetime

import icalendar
import vobject
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from commissions.meetings import lifecycle
from commissions.meetings.calendar import calendar_token_create
from commissions.meetings.convocation import meeting_convene
from commissions.meetings.services import meeting_update
from tests.commissions.helpers import parsed
from tests.mail_checks import assert_automatic


def convene(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return meeting_convene(meeting=meeting)


def kerns(outbox):
    return next(message for message in outbox if message.to == ["kern@example.org"])


def calendar_parts(message):
    """(the multipart/alternative's text/calendar part, the attached .ics part) of the e-mail as sent."""
    sent = parsed(message)
    assert sent.get_content_type() == "multipart/mixed"
    first, *attachments = sent.iter_parts()
    assert first.get_content_type() == "multipart/alternative"
    alternatives = list(first.iter_parts())
    assert [part.get_content_type() for part in alternatives] == ["text/plain", "text/calendar"]
    [attachment] = attachments
    return alternatives[1], attachment


def both_parsers(content: bytes | str):
    """The single VEVENT as icalendar and as vobject read it, and the METHOD each reads."""
    text = content if isinstance(content, str) else content.decode()
    ical = icalendar.Calendar.from_ical(text)
    [ical_event] = ical.walk("VEVENT")
    vcal = vobject.readOne(text)
    [vobject_event] = vcal.vevent_list
    return (str(ical["method"]), ical_event), (vcal.method.value, vobject_event)


def test_the_convocation_is_a_calendar_invitation_with_the_ics_attached_too(
    agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    assert_automatic(kerns(mail.outbox))
    invitation, attachment = calendar_parts(kerns(mail.outbox))
    # One charset, the method the calendar acts on: Outlook and Thunderbird show an invitation with its buttons.
    assert invitation.get_params() == [("text/calendar", ""), ("charset", "utf-8"), ("method", "REQUEST")]
    assert invitation.get_content_disposition() is None
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "convocation.ics"
    # The same file (a text part's line ends are the transport's: CRLF on the wire).
    assert attachment.get_content().replace(b"\r\n", b"\n") == invitation.get_content().encode()


def test_two_parsers_read_the_invitation_with_the_attendee_asked_to_answer(
    agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    invitation, _ = calendar_parts(kerns(mail.outbox))
    (ical_method, ical_event), (vobject_method, vobject_event) = both_parsers(invitation.get_content())
    agenda.refresh_from_db()
    uid = f"{agenda.calendar_uid}@commissions-paritaires"

    assert ical_method == vobject_method == "REQUEST"
    assert str(ical_event["uid"]) == vobject_event.uid.value == uid
    assert ical_event["sequence"] == int(vobject_event.sequence.value) == 0
    start = datetime.datetime(2026, 12, 3, 10, 0)
    assert ical_event.decoded("dtstart").replace(tzinfo=None) == start
    assert vobject_event.dtstart.value.replace(tzinfo=None) == start
    assert vobject_event.dtstart.value.utcoffset() == datetime.timedelta(hours=1)

    attendee = ical_event["attendee"]
    assert str(attendee) == "mailto:kern@example.org"
    assert (attendee.params["RSVP"], attendee.params["PARTSTAT"]) == ("TRUE", "NEEDS-ACTION")
    assert vobject_event.attendee.value == "mailto:kern@example.org"
    assert vobject_event.attendee.params["RSVP"] == ["TRUE"]
    assert vobject_event.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]
    assert vobject_event.organizer.value == "mailto:commissions@localhost"


def test_the_uid_is_stored_on_the_meeting_and_does_not_follow_the_portals_address(
    agenda, members, django_capture_on_commit_callbacks
):
    with override_settings(PORTAL_BASE_URL="https://commissions.ancienne-adresse.example"):
        convene(agenda, django_capture_on_commit_callbacks)
    first, _ = calendar_parts(kerns(mail.outbox))
    mail.outbox.clear()
    with override_settings(PORTAL_BASE_URL="https://portail.nouvelle-adresse.example"):
        convene(agenda, django_capture_on_commit_callbacks)
    second, _ = calendar_parts(kerns(mail.outbox))
    (_, before), _ = both_parsers(first.get_content())
    (_, after), _ = both_parsers(second.get_content())
    agenda.refresh_from_db()
    assert str(before["uid"]) == str(after["uid"]) == f"{agenda.calendar_uid}@commissions-paritaires"
    assert "adresse" not in str(after["uid"])


def feed_events(client, user, meeting) -> dict:
    token = calendar_token_create(user=user)
    response = client.get(reverse("commissions:calendar_feed", args=[meeting.commission.slug, token.token]))
    assert response.status_code == 200
    return {str(event["uid"]): event for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}


def test_each_change_of_date_time_or_place_raises_the_sequence_the_feed_shows_at_once(
    client, member_user, agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    agenda.refresh_from_db()
    uid = f"{agenda.calendar_uid}@commissions-paritaires"
    assert feed_events(client, member_user, agenda)[uid]["sequence"] == 0

    meeting = meeting_update(meeting=agenda, title="Séance plénière")  # not what a calendar shows of its time
    assert meeting.calendar_sequence == 0 and not meeting.convocation_outdated
    meeting = meeting_update(meeting=meeting, date=datetime.date(2026, 12, 4))
    meeting = meeting_update(meeting=meeting, start_time=datetime.time(14), end_time=datetime.time(17))
    meeting = meeting_update(meeting=meeting, place="CPAM du Var, Toulon")
    meeting = meeting_update(meeting=meeting, place="CPAM du Var, Toulon")  # the same place again: no change
    assert meeting.calendar_sequence == 3
    event = feed_events(client, member_user, meeting)[uid]
    assert event["sequence"] == 3
    assert event.decoded("dtstart").replace(tzinfo=None) == datetime.datetime(2026, 12, 4, 14, 0)
    assert str(event["location"]) == "CPAM du Var, Toulon"
    # Nothing was sent by itself: the secretariat is asked to send the convocation again.
    assert len(mail.outbox) == sent and meeting.convocation_outdated


def test_alice_is_asked_to_send_again_after_a_move_and_the_new_round_carries_the_sequence(
    client, alice, agenda, members, django_capture_on_commit_callbacks
):
    convene(agenda, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client.force_login(alice)
    edit = reverse("commissions:meeting_edit", args=[agenda.commission.slug, agenda.pk])
    form = client.get(edit).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(date="03/12/2026", start_time="15:00", place="Visioconférence seulement", status="")
    response = client.post(edit, data, follow=True)
    page = response.content.decode()
    assert "renvoyez-la pour que l&#x27;invitation se mette à jour" in page
    assert "les agendas des membres montrent encore" in page
    assert mail.outbox == []

    convene(agenda, django_capture_on_commit_callbacks)
    invitation, _ = calendar_parts(kerns(mail.outbox))
    (_, ical_event), (_, vobject_event) = both_parsers(invitation.get_content())
    assert ical_event["sequence"] == int(vobject_event.sequence.value) == 1
    assert vobject_event.dtstart.value.hour == 15
    page = client.get(agenda.get_absolute_url()).content.decode()
    assert "montrent encore" not in page


def test_a_cancelled_meeting_sends_a_cancel_that_both_parsers_read(agenda, members, django_capture_on_commit_callbacks):
    convene(agenda, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.meeting_cancel(meeting=agenda, reason="Grève des transports")
    invitation, attachment = calendar_parts(kerns(mail.outbox))
    assert invitation.get_params()[-1] == ("method", "CANCEL")
    (ical_method, ical_event), (vobject_method, vobject_event) = both_parsers(attachment.get_content())
    assert ical_method == vobject_method == "CANCEL"
    assert str(ical_event["status"]) == vobject_event.status.value == "CANCELLED"
    assert ical_event["sequence"] == int(vobject_event.sequence.value) == 1
    agenda.refresh_from_db()
    assert vobject_event.uid.value == f"{agenda.calendar_uid}@commissions-paritaires"


def test_a_move_made_in_the_admin_raises_the_sequence_too(rf, admin_user, meeting):
    from django.contrib import admin
    from django.forms.models import model_to_dict

    from commissions.meetings.admin import MeetingAdmin
    from commissions.meetings.models import Meeting

    model_admin = MeetingAdmin(Meeting, admin.site)
    request = rf.post("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, meeting, change=True)
    data = {name: value for name, value in model_to_dict(meeting, fields=form_class.base_fields).items() if value}
    for changes, sequence in (({"title": "Séance plénière"}, 0), ({"place": "CPAM du Var, Toulon"}, 1)):
        form = form_class({**data, **changes}, instance=Meeting.objects.get(pk=meeting.pk))
        assert form.is_valid(), form.errors
        model_admin.save_model(request, form.save(commit=False), form, change=True)
        assert Meeting.objects.get(pk=meeting.pk).calendar_sequence == sequence
