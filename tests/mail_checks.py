"""What every automatic e-mail of the portal carries, checked on its bytes as a mail reader parses them."""

import datetime
import email
import email.policy
import email.utils
import zoneinfo


def assert_automatic(message) -> email.message.EmailMessage:
    """Auto-Submitted, a Subject whose first line is not empty, a Date in Paris time with its real offset."""
    raw = message.message().as_bytes()
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert sent["Auto-Submitted"] == "auto-generated"
    subject_line = next(line for line in raw.split(b"\n") if line.startswith(b"Subject:"))
    assert subject_line.strip() != b"Subject:", raw[:400]
    assert str(sent["Subject"]) == message.subject  # decoded without a leading space
    date = email.utils.parsedate_to_datetime(sent["Date"])
    assert not sent["Date"].endswith("-0000")
    paris = date.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    assert date.utcoffset() == paris.utcoffset() != datetime.timedelta(0)
    return sent
