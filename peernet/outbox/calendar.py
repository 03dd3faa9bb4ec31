"""How a stored iCalendar object travels with an e-mail (RFC 6047, iMIP)."""


def attach_calendar(email, calendar: str, method: str) -> None:
    """Add the calendar as a ``text/calendar`` alternative and as an attached file.

    Calendar clients read the alternative part and offer Accept/Decline when ``method`` is
    REQUEST; the attachment lets anyone save the event by hand.
    """
    method = (method or "PUBLISH").upper()
    data = calendar.encode("utf-8")
    email.attach_alternative(data, f"text/calendar; method={method}; charset=utf-8")
    email.attach("invite.ics", data, f"application/ics; method={method}")
