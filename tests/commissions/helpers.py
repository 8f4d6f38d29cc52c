"""Helpers of the meeting tests: an e-mail read back as a mail reader reads it."""

import email
import email.message
import email.policy

import icalendar


def parsed(message) -> email.message.EmailMessage:
    """The e-mail as sent (its bytes), parsed by Python's email package."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def invitation(message) -> icalendar.Calendar:
    """The e-mail's invitation part (the text/calendar of its multipart/alternative), parsed by icalendar."""
    [part] = [part for part in parsed(message).walk() if part.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())
