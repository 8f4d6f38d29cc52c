"""The e-mails the portal sends by itself: one class, so that each carries the same headers.

- `Auto-Submitted: auto-generated` (RFC 3834): out-of-office replies and mailing-list robots leave them alone;
- the Subject folded after its name, never on an empty first line (Django 5.2 folds a long non-ASCII subject
  so that "Subject:" stands alone and a reader decodes it with a leading space);
- the Date in the portal's time zone with its real offset (settings.EMAIL_USE_LOCALTIME, not "-0000").

`calendar` (bytes of an iCalendar file with its METHOD) makes the e-mail an invitation that calendars take: a
multipart/mixed whose first part is a multipart/alternative of the text and the `text/calendar; method=…`
part, with the same file attached as `application/ics` for the mail readers that show only attachments.
"""

from __future__ import annotations

from email.header import Header

from django.core.mail import EmailMultiAlternatives

AUTO_SUBMITTED = {"Auto-Submitted": "auto-generated"}


class AutomaticEmail(EmailMultiAlternatives):
    """An e-mail the portal sends by itself (a convocation, a notice, a reminder, an invitation)."""

    def __init__(
        self,
        subject: str = "",
        body: str = "",
        *,
        calendar: bytes | None = None,
        calendar_method: str = "REQUEST",
        calendar_name: str = "invitation.ics",
        headers: dict | None = None,
        **kwargs,
    ):
        # A subject rendered from a template may end with a line break: one line, always.
        subject = " ".join(str(subject).split())
        super().__init__(subject, body, headers={**AUTO_SUBMITTED, **(headers or {})}, **kwargs)
        self.calendar_method = calendar_method
        if calendar is not None:
            self.attach_alternative(calendar.decode("utf-8"), "text/calendar")
            self.attach(calendar_name, calendar, "application/ics")

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        if not self.subject.isascii():
            # A Header that knows its name folds its encoded words after "Subject: " (replace_header stores it
            # as it is, where setting the header would turn it back into a pre-folded string).
            message.replace_header("Subject", Header(self.subject, "utf-8", header_name="Subject"))
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                part.set_param("method", self.calendar_method, requote=False)
        return message
