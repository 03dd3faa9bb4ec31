"""How a stored iCalendar object travels with an e-mail (RFC 6047, iMIP).

The message a calendar client recognises as an invitation is::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain
    │   ├── text/html
    │   └── text/calendar; method=REQUEST; charset=utf-8    ← what clients act on
    └── application/ics; name="invite.ics"  (attachment)   ← the same bytes, to save by hand

The calendar parts are base64-encoded so that the CRLF line ends and the 75-octet folding of
RFC 5545, 3.1 reach the client byte for byte: a text transfer encoding lets mail software
rewrap or normalise line ends. RFC 6047, 2.4 requires the ``method`` parameter of the
``text/calendar`` part to match the object's METHOD.
"""

from email.encoders import encode_base64
from email.mime.base import MIMEBase

from django.core.mail import EmailMultiAlternatives

ATTACHMENT_NAMES = {"REQUEST": "invite.ics", "CANCEL": "cancel.ics"}


class CalendarEmailMessage(EmailMultiAlternatives):
    """An e-mail whose alternatives may be ready-made MIME parts, passed through untouched.

    Django renders every ``text/*`` alternative through ``MIMEText``, which would re-encode the
    calendar and drop its ``method`` parameter.
    """

    def _create_mime_attachment(self, content, mimetype):
        if isinstance(content, MIMEBase):
            return content
        return super()._create_mime_attachment(content, mimetype)


def calendar_part(data: bytes, method: str) -> MIMEBase:
    part = MIMEBase("text", "calendar")
    # Written out rather than through set_param, which would quote the values: a few clients
    # look for the literal ``method=REQUEST``.
    part.replace_header("Content-Type", f"text/calendar; method={method}; charset=utf-8")
    part.set_payload(data)
    encode_base64(part)
    return part


def calendar_attachment(data: bytes, method: str) -> MIMEBase:
    # application/ics, as the big calendar services send it: a second text/calendar part
    # makes some clients show the invitation twice.
    filename = ATTACHMENT_NAMES.get(method, "meeting.ics")
    part = MIMEBase("application", "ics", name=filename)
    part.set_payload(data)
    encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def attach_calendar(email: CalendarEmailMessage, calendar: str, method: str) -> None:
    """Add the calendar as a ``text/calendar`` alternative and as an attached file.

    Calendar clients read the alternative and offer Accept/Decline when ``method`` is REQUEST,
    or remove the event when it is CANCEL.
    """
    if not isinstance(email, CalendarEmailMessage):
        # Only that class passes the ready-made calendar part through untouched.
        raise TypeError("A calendar needs a CalendarEmailMessage.")
    method = (method or "PUBLISH").upper()
    data = calendar.encode("utf-8")
    email.attach_alternative(calendar_part(data, method), "text/calendar")
    email.attach(calendar_attachment(data, method))
