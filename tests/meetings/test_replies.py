"""Calendar replies (iMIP, RFC 6047): read, matched to the invitation, recorded or kept.

The replies are written here by hand in the shapes Outlook, Gmail and Apple Calendar send
(RFC 6047 and the clients' documented behaviour), never with PeerNet's own iCalendar writer.
"""

import base64
import quopri
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from meetings.choices import AnswerChannel, MeetingStatus, ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies import parsing
from meetings.replies.proof import reply_address
from meetings.replies.services import calendar_reply_receive
from meetings.timezones import EASTERN
from tests.meetings.factories import InvitationFactory, MeetingFactory

pytestmark = pytest.mark.unit

ORGANIZER = "network@peernet.example"
MEMBER = "jordan@calgary.ca"


def local(moment) -> str:
    return moment.astimezone(EASTERN).strftime("%Y%m%dT%H%M%S")


def utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def reply_to(meeting, sender: str) -> str:
    """Where the sender's calendar answers: the ORGANIZER of the sender's own invitation to
    the meeting (their reply address), or the plain organiser address without one."""
    invitation = Invitation.objects.filter(meeting=meeting, user__email__iexact=sender).first()
    if invitation is None:
        return ORGANIZER
    return reply_address(user_id=invitation.user_id, meeting_id=meeting.pk)


def crlf(lines) -> str:
    return "".join(f"{line}\r\n" for line in lines)


def message(headers: dict, body: str) -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (head + "MIME-Version: 1.0\r\n\r\n" + body).encode("utf-8")


def outlook_calendar(meeting, *, partstat="ACCEPTED", attendee=MEMBER, sequence=None, start=None):
    """Exchange's REPLY: its own Windows time zone name, COMMENT, SUMMARY with LANGUAGE,
    X-MICROSOFT properties, and lowercase mailto:."""
    start = start or meeting.starts_at
    sequence = meeting.sequence if sequence is None else sequence
    return crlf(
        [
            "BEGIN:VCALENDAR",
            "METHOD:REPLY",
            "PRODID:Microsoft Exchange Server 2010",
            "VERSION:2.0",
            "BEGIN:VTIMEZONE",
            "TZID:Eastern Standard Time",
            "BEGIN:STANDARD",
            "DTSTART:16010101T020000",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:16010101T020000",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"ATTENDEE;PARTSTAT={partstat};CN=Jordan Whitehead:mailto:{attendee}",
            "COMMENT;LANGUAGE=en-US:See you there.",
            f"SUMMARY;LANGUAGE=en-US:Accepted: {meeting.title}",
            f"DTSTART;TZID=Eastern Standard Time:{local(start)}",
            f"DTEND;TZID=Eastern Standard Time:{local(start + timedelta(hours=1))}",
            f"UID:{meeting.calendar_uid}",
            "CLASS:PUBLIC",
            "PRIORITY:5",
            f"DTSTAMP:{utc(timezone.now())}",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            f"SEQUENCE:{sequence}",
            "LOCATION;LANGUAGE=en-US:Zoom",
            f"X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}",
            "X-MICROSOFT-CDO-OWNERAPPTID:-1187383927",
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
            "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
            "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            "X-MICROSOFT-CDO-INSTTYPE:0",
            "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )


def outlook_reply(
    meeting, *, sender=MEMBER, message_id="<outlook-1@calgary.ca>", to=None, **kwargs
):
    """Outlook: multipart/alternative, the calendar a base64 text/calendar; method=REPLY."""
    calendar = outlook_calendar(meeting, **kwargs)
    encoded = base64.encodebytes(calendar.encode("utf-8")).decode("ascii")
    body = crlf(
        [
            "--_000_outlook_",
            'Content-Type: text/plain; charset="us-ascii"',
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "See you there.",
            "",
            "--_000_outlook_",
            'Content-Type: text/calendar; charset="utf-8"; method=REPLY',
            "Content-Transfer-Encoding: base64",
            "",
            encoded,
            "--_000_outlook_--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{sender}>",
            "To": f"PeerNet <{to or reply_to(meeting, sender)}>",
            "Subject": f"Accepted: {meeting.title}",
            "Message-ID": message_id,
            "Thread-Topic": meeting.title,
            "Content-Type": 'multipart/alternative; boundary="_000_outlook_"',
        },
        body,
    )


def gmail_calendar(meeting, *, partstat="ACCEPTED", attendee=MEMBER):
    """Google Calendar's REPLY: UTC times, the whole event back (DESCRIPTION with the
    organiser's links) and X-NUM-GUESTS on the attendee."""
    return crlf(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:REPLY",
            "BEGIN:VEVENT",
            f"DTSTART:{utc(meeting.starts_at)}",
            f"DTEND:{utc(meeting.ends_at)}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"ORGANIZER;CN=PeerNet:mailto:{ORGANIZER}",
            f"UID:{meeting.calendar_uid}",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="
            f"{partstat};CN=Jordan Whitehead;X-NUM-GUESTS=0:mailto:{attendee}",
            f"CREATED:{utc(meeting.created_at)}",
            "DESCRIPTION:Attending: https://peernet.example/en/meetings/answer/SECRET-T",
            " OKEN/accept/",
            f"LAST-MODIFIED:{utc(timezone.now())}",
            "LOCATION:https://zoom.us/j/81234567890?pwd=secret",
            f"SEQUENCE:{meeting.sequence}",
            "STATUS:CONFIRMED",
            f"SUMMARY:{meeting.title}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )


def gmail_reply(
    meeting, *, sender=MEMBER, message_id="<gmail-1@mail.gmail.com>", to=None, **kwargs
):
    """Gmail: the text parts, then an invite.ics attachment (application/ics, base64)."""
    calendar = base64.encodebytes(gmail_calendar(meeting, **kwargs).encode("utf-8"))
    body = crlf(
        [
            "--000000000000mixed",
            'Content-Type: multipart/alternative; boundary="000000000000alt"',
            "",
            "--000000000000alt",
            'Content-Type: text/plain; charset="UTF-8"',
            "",
            "Jordan Whitehead has accepted this invitation.",
            "--000000000000alt",
            'Content-Type: text/html; charset="UTF-8"',
            "",
            "<p>Jordan Whitehead has accepted this invitation.</p>",
            "--000000000000alt--",
            "--000000000000mixed",
            'Content-Type: application/ics; name="invite.ics"',
            'Content-Disposition: attachment; filename="invite.ics"',
            "Content-Transfer-Encoding: base64",
            "",
            calendar.decode("ascii"),
            "--000000000000mixed--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{sender}>",
            "To": to or reply_to(meeting, sender),
            "Subject": f"Accepted: {meeting.title} @ Wed Dec 23, 2026",
            "Message-ID": message_id,
            "Content-Type": 'multipart/mixed; boundary="000000000000mixed"',
        },
        body,
    )


def apple_calendar(meeting, *, partstat="TENTATIVE", attendee="JORDAN@CALGARY.CA", extra=()):
    """Apple Calendar's REPLY: MAILTO: in upper case with an EMAIL parameter, quoted CN,
    X-APPLE properties, REQUEST-STATUS, and its own PRODID."""
    return crlf(
        [
            "BEGIN:VCALENDAR",
            "METHOD:REPLY",
            "VERSION:2.0",
            "PRODID:-//Apple Inc.//macOS 15.1//EN",
            "BEGIN:VEVENT",
            f'ATTENDEE;CN="Jordan Whitehead";CUTYPE=INDIVIDUAL;EMAIL="{MEMBER}";'
            f"PARTSTAT={partstat}:MAILTO:{attendee}",
            f"DTEND;TZID=America/Toronto:{local(meeting.ends_at)}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"DTSTART;TZID=America/Toronto:{local(meeting.starts_at)}",
            f'ORGANIZER;CN="PeerNet":MAILTO:{ORGANIZER.upper()}',
            "REQUEST-STATUS:2.0;Success",
            f"SEQUENCE:{meeting.sequence}",
            f"SUMMARY:{meeting.title}",
            f"UID:{meeting.calendar_uid}",
            "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC",
            *extra,
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )


def apple_reply(
    meeting, *, sender="Jordan@Calgary.ca", message_id="<apple-1@icloud.com>", to=None, **kw
):
    """Apple Mail: the calendar as a quoted-printable text/calendar attachment."""
    calendar = quopri.encodestring(apple_calendar(meeting, **kw).encode("utf-8")).decode("ascii")
    body = crlf(
        [
            "--Apple-Mail=_1",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "Jordan Whitehead has tentatively accepted.",
            "--Apple-Mail=_1",
            "Content-Disposition: attachment; filename=iCal-20261201-101010.ics",
            "Content-Type: text/calendar; charset=utf-8; method=REPLY; "
            "name=iCal-20261201-101010.ics",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            calendar,
            "--Apple-Mail=_1--",
        ]
    )
    return message(
        {
            "From": f"Jordan Whitehead <{sender}>",
            "To": to or reply_to(meeting, sender),
            "Subject": f"Invitation: {meeting.title} (Maybe)",
            "Message-ID": message_id,
            "Content-Type": 'multipart/mixed; boundary="Apple-Mail=_1"',
        },
        body,
    )


def calendar_message(calendar: bytes | str, *, headers=None, part_headers=None) -> bytes:
    """A plain text/calendar message around any calendar text, for the hostile cases, sent to
    the reply address of the member's latest invitation."""
    if isinstance(calendar, str):
        calendar = calendar.encode("utf-8")
    invitation = Invitation.objects.filter(user__email=MEMBER).order_by("pk").last()
    head = {
        "From": MEMBER,
        "To": reply_to(invitation.meeting, MEMBER) if invitation else ORGANIZER,
        "Subject": "Reply",
        "Message-ID": "<hostile@calgary.ca>",
        "MIME-Version": "1.0",
        "Content-Type": 'text/calendar; charset="utf-8"; method=REPLY',
        **(part_headers or {}),
        **(headers or {}),
    }
    return "".join(f"{k}: {v}\r\n" for k, v in head.items()).encode() + b"\r\n" + calendar


@pytest.fixture
def invitation(member):
    return InvitationFactory(user=member, meeting=MeetingFactory())


@pytest.fixture
def meeting(invitation):
    return invitation.meeting


def answer_of(invitation) -> Invitation:
    return Invitation.objects.get(pk=invitation.pk)


# --- the three clients ------------------------------------------------------------------------


def test_outlook_accept_is_recorded_as_a_calendar_answer(invitation, meeting):
    received = calendar_reply_receive(raw=outlook_reply(meeting))

    reply = received.reply
    assert received.created
    assert reply.outcome == ReplyOutcome.RECORDED
    assert (reply.method, reply.uid, reply.attendee, reply.partstat, reply.sequence) == (
        "REPLY",
        meeting.calendar_uid,
        MEMBER,
        "ACCEPTED",
        0,
    )
    assert reply.sender == MEMBER
    assert reply.meeting == meeting
    assert reply.invitation == invitation
    saved = answer_of(invitation)
    assert saved.response == Response.ACCEPTED
    assert saved.response_channel == AnswerChannel.CALENDAR
    assert saved.responded_at is not None


def test_gmail_decline_in_an_invite_ics_attachment(invitation, meeting):
    reply = calendar_reply_receive(raw=gmail_reply(meeting, partstat="DECLINED")).reply

    assert reply.outcome == ReplyOutcome.RECORDED
    assert answer_of(invitation).response == Response.DECLINED
    # The organiser's own text, with the member's answer link, is not kept.
    assert "SECRET" not in reply.excerpt
    assert "DESCRIPTION" not in reply.excerpt
    assert "pwd=secret" not in reply.excerpt
    assert "ATTENDEE" in reply.excerpt


def test_apple_tentative_with_uppercase_mailto_and_sender_case(invitation, meeting):
    reply = calendar_reply_receive(raw=apple_reply(meeting)).reply

    assert reply.outcome == ReplyOutcome.RECORDED
    assert reply.attendee == MEMBER.upper()
    assert answer_of(invitation).response == Response.TENTATIVE


def test_gmail_shape_with_the_calendar_also_inline_is_read_once(invitation, meeting):
    # Gmail may put the same object inline (method=REPLY) and as invite.ics: one answer.
    raw = gmail_reply(meeting)
    inline = crlf(
        [
            "--000000000000mixed",
            'Content-Type: text/calendar; charset="UTF-8"; method=REPLY',
            "Content-Transfer-Encoding: 7bit",
            "",
            gmail_calendar(meeting, partstat="TENTATIVE"),
        ]
    ).encode()
    raw = raw.replace(
        b"--000000000000mixed\r\nContent-Type: application/ics",
        inline + b"--000000000000mixed\r\nContent-Type: application/ics",
    )
    reply = calendar_reply_receive(raw=raw).reply

    assert reply.outcome == ReplyOutcome.RECORDED
    # The part with the method parameter wins (RFC 6047, 2.4).
    assert answer_of(invitation).response == Response.TENTATIVE


def test_delegated_counts_as_declined_with_the_delegate_noted(invitation, meeting):
    calendar = outlook_calendar(meeting, partstat="DELEGATED").replace(
        "ATTENDEE;PARTSTAT=DELEGATED;",
        'ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:sam@calgary.ca";',
    )
    reply = calendar_reply_receive(raw=calendar_message(calendar)).reply

    assert reply.outcome == ReplyOutcome.RECORDED
    assert reply.detail == "delegated to sam@calgary.ca"
    saved = answer_of(invitation)
    assert (saved.response, saved.delegated_to) == (Response.DECLINED, "sam@calgary.ca")


def test_an_answer_on_the_page_later_clears_the_delegation(invitation, meeting):
    from meetings.services import invitation_answer

    calendar = outlook_calendar(meeting, partstat="DELEGATED").replace(
        "PARTSTAT=DELEGATED;", 'PARTSTAT=DELEGATED;DELEGATED-TO="mailto:sam@calgary.ca";'
    )
    calendar_reply_receive(raw=calendar_message(calendar))
    invitation_answer(
        meeting=meeting, user=invitation.user, response=Response.ACCEPTED, channel="page"
    )

    saved = answer_of(invitation)
    assert (saved.response, saved.response_channel, saved.delegated_to) == (
        Response.ACCEPTED,
        AnswerChannel.PAGE,
        "",
    )


def test_the_same_message_twice_changes_nothing(invitation, meeting):
    first = calendar_reply_receive(raw=outlook_reply(meeting))
    answered_at = answer_of(invitation).responded_at
    second = calendar_reply_receive(raw=outlook_reply(meeting, partstat="DECLINED"))

    assert first.created and not second.created
    assert second.reply.pk == first.reply.pk
    assert CalendarReply.objects.count() == 1
    saved = answer_of(invitation)
    assert (saved.response, saved.responded_at) == (Response.ACCEPTED, answered_at)


def test_a_message_without_message_id_is_known_by_its_bytes(invitation, meeting):
    raw = outlook_reply(meeting).replace(b"Message-ID: <outlook-1@calgary.ca>\r\n", b"")
    first = calendar_reply_receive(raw=raw)
    second = calendar_reply_receive(raw=raw)

    assert first.reply.message_id.startswith("sha256:")
    assert (first.created, second.created) == (True, False)


# --- replies that are kept, not believed -------------------------------------------------------


def test_a_forwarded_invitation_answered_by_an_outsider_is_shown_to_staff(invitation, meeting):
    raw = outlook_reply(meeting, attendee="friend@example.com", sender="friend@example.com")
    reply = calendar_reply_receive(raw=raw).reply

    assert reply.outcome == ReplyOutcome.NOT_INVITED
    assert (reply.attendee, reply.meeting, reply.invitation) == (
        "friend@example.com",
        meeting,
        None,
    )
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_member_not_invited_to_that_meeting_is_not_recorded(invitation, meeting):
    from tests.members.factories import MemberFactory, UserFactory

    MemberFactory(user=UserFactory(email="other@calgary.ca"))
    raw = outlook_reply(meeting, attendee="other@calgary.ca", sender="other@calgary.ca")

    assert calendar_reply_receive(raw=raw).reply.outcome == ReplyOutcome.NOT_INVITED
    assert Invitation.objects.filter(user__email="other@calgary.ca").count() == 0


def test_a_reply_sent_by_someone_else_is_not_believed(invitation, meeting):
    reply = calendar_reply_receive(raw=outlook_reply(meeting, sender="mallory@example.com")).reply

    assert reply.outcome == ReplyOutcome.SENDER_MISMATCH
    assert reply.detail == "sent by mallory@example.com"
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_an_unknown_uid_is_kept(invitation, meeting):
    other = MeetingFactory.build()  # a UID of the right form that no meeting has
    calendar = outlook_calendar(meeting).replace(meeting.calendar_uid, other.calendar_uid)
    raw = calendar_message(calendar)
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.meeting) == (ReplyOutcome.UNKNOWN_EVENT, None)


@pytest.mark.parametrize(
    "uid",
    [
        "{uid}\u0000",  # suffix of a real one
        "{uid}.evil",
        "{upper}",  # ours are written in lower case
        "040000008200E00074C5B7101A82E00800000000",  # an Outlook-made UID
    ],
)
def test_uids_not_of_our_form_are_not_looked_up(invitation, meeting, uid):
    text = uid.format(uid=meeting.calendar_uid, upper=meeting.calendar_uid.upper())
    calendar = outlook_calendar(meeting).replace(f"UID:{meeting.calendar_uid}", f"UID:{text}")
    reply = calendar_reply_receive(raw=calendar_message(calendar)).reply

    assert reply.outcome in (ReplyOutcome.UNKNOWN_EVENT, ReplyOutcome.INVALID)
    assert reply.meeting is None
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_uid_with_a_control_character_is_refused(invitation, meeting):
    calendar = outlook_calendar(meeting).replace(
        f"UID:{meeting.calendar_uid}", f"UID:{meeting.calendar_uid}\x07"
    )
    reply = calendar_reply_receive(raw=calendar_message(calendar)).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.INVALID, "control character in the UID")
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_an_attendee_with_a_control_character_is_refused(invitation, meeting):
    calendar = outlook_calendar(meeting, attendee="jordan@calgary.ca\x1b[2J")
    reply = calendar_reply_receive(raw=calendar_message(calendar)).reply

    assert reply.outcome == ReplyOutcome.INVALID
    assert "\x1b" not in reply.detail


def test_a_reply_for_a_cancelled_meeting_is_kept(invitation, meeting):
    type(meeting).objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)

    reply = calendar_reply_receive(raw=gmail_reply(meeting)).reply

    assert reply.outcome == ReplyOutcome.MEETING_CLOSED
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_reply_for_a_past_meeting_is_kept(member):
    start = timezone.now() - timedelta(days=2)
    meeting = MeetingFactory(starts_at=start, ends_at=start + timedelta(hours=1))
    invitation = InvitationFactory(user=member, meeting=meeting)

    reply = calendar_reply_receive(raw=gmail_reply(meeting)).reply

    assert reply.outcome == ReplyOutcome.MEETING_CLOSED
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_reply_to_an_older_time_is_not_believed(invitation, meeting):
    old_start = meeting.starts_at
    type(meeting).objects.filter(pk=meeting.pk).update(
        sequence=1,
        starts_at=old_start + timedelta(days=1),
        ends_at=meeting.ends_at + timedelta(days=1),
    )
    meeting.refresh_from_db()

    raw = outlook_reply(meeting, sequence=0, start=old_start)
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.OUTDATED, "SEQUENCE 0, current 1")
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_reply_to_an_older_revision_with_the_same_time_is_recorded(invitation, meeting):
    # The link changed (SEQUENCE 1), the time did not: the member's answer still holds.
    type(meeting).objects.filter(pk=meeting.pk).update(sequence=1)
    meeting.refresh_from_db()

    reply = calendar_reply_receive(raw=outlook_reply(meeting, sequence=0)).reply

    assert reply.outcome == ReplyOutcome.RECORDED
    assert answer_of(invitation).response == Response.ACCEPTED


def sabre_calendar(meeting, *, sequence):
    """sabre/vobject's REPLY (Nextcloud): a TZID on times that are written in UTC, with a Z,
    and the VTIMEZONE it names, whose own DTSTARTs are local."""
    return crlf(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Sabre//Sabre VObject 4.5.4//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:REPLY",
            "BEGIN:VTIMEZONE",
            "TZID:America/Toronto",
            "BEGIN:DAYLIGHT",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "TZNAME:EDT",
            "DTSTART:19700308T020000",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "TZNAME:EST",
            "DTSTART:19701101T020000",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"UID:{meeting.calendar_uid}",
            f"DTSTAMP:{utc(timezone.now())}",
            f"SEQUENCE:{sequence}",
            f"DTSTART;TZID=America/Toronto:{utc(meeting.starts_at)}",
            f"DTEND;TZID=America/Toronto:{utc(meeting.ends_at)}",
            f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Jordan Whitehead:mailto:{MEMBER}",
            f"ORGANIZER;CN=PeerNet:mailto:{ORGANIZER}",
            "REQUEST-STATUS:2.0;Success",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )


def test_a_utc_time_under_a_tzid_is_read_in_utc(invitation, meeting):
    # RFC 5545 (3.2.19): a TZID never applies to a time written in UTC.
    answer = parsing.calendar_read(sabre_calendar(meeting, sequence=0))

    assert (answer.starts_at, answer.ends_at) == (meeting.starts_at, meeting.ends_at)
    assert answer.starts_at.utcoffset() == timedelta(0)


def test_a_sabre_reply_to_an_older_revision_with_the_same_time_is_recorded(invitation, meeting):
    type(meeting).objects.filter(pk=meeting.pk).update(sequence=1)
    meeting.refresh_from_db()

    reply = calendar_reply_receive(raw=calendar_message(sabre_calendar(meeting, sequence=0))).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.RECORDED, "")
    assert answer_of(invitation).response == Response.ACCEPTED


def test_a_reply_to_an_older_revision_without_its_time_is_not_believed(invitation, meeting):
    type(meeting).objects.filter(pk=meeting.pk).update(sequence=2)
    meeting.refresh_from_db()
    calendar = "".join(
        line + "\r\n"
        for line in outlook_calendar(meeting, sequence=1).splitlines()
        if not line.startswith(("DTSTART;TZID=Eastern", "DTEND;"))
    )

    reply = calendar_reply_receive(raw=calendar_message(calendar)).reply

    assert reply.outcome == ReplyOutcome.OUTDATED


def test_a_revision_never_sent_is_refused(invitation, meeting):
    reply = calendar_reply_receive(raw=outlook_reply(meeting, sequence=7)).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.INVALID, "SEQUENCE 7 was never sent")


def test_a_counter_proposal_is_listed_for_staff(invitation, meeting):
    later = meeting.starts_at + timedelta(hours=2)
    calendar = outlook_calendar(meeting, start=later).replace("METHOD:REPLY", "METHOD:COUNTER")
    raw = calendar_message(calendar, part_headers={"Content-Type": "text/calendar; method=COUNTER"})
    reply = calendar_reply_receive(raw=raw).reply

    assert reply.outcome == ReplyOutcome.COUNTER
    assert reply.meeting == meeting
    assert reply.detail == f"proposed start {later.astimezone(EASTERN).isoformat()}"
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_needs_action_is_no_answer(invitation, meeting):
    reply = calendar_reply_receive(raw=outlook_reply(meeting, partstat="NEEDS-ACTION")).reply

    assert (reply.outcome, reply.detail) == (
        ReplyOutcome.INVALID,
        "PARTSTAT:NEEDS-ACTION is not an answer",
    )


def test_a_member_who_left_is_not_recorded(invitation, meeting):
    from members.choices import RegistrationStatus

    registration = invitation.user.registration
    type(registration).objects.filter(pk=registration.pk).update(
        status=RegistrationStatus.WITHDRAWN
    )
    reply = calendar_reply_receive(raw=outlook_reply(meeting)).reply

    assert reply.outcome == ReplyOutcome.NOT_INVITED
    assert answer_of(invitation).response == Response.NEEDS_ACTION


# --- other mail ---------------------------------------------------------------------------------


def test_an_out_of_office_reply_is_other_mail(invitation):
    raw = message(
        {
            "From": MEMBER,
            "To": ORGANIZER,
            "Subject": "Automatic reply: Climate meeting",
            "Message-ID": "<ooo@calgary.ca>",
            "Auto-Submitted": "auto-replied",
            "Content-Type": "text/plain; charset=utf-8",
        },
        "I am away until January. See https://calgary.ca/away?token=abc\r\n",
    )
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.OTHER_MAIL, "automatic reply")
    assert reply.excerpt == "I am away until January. See [link]\n"


def test_a_human_reply_is_other_mail(invitation):
    raw = message(
        {
            "From": MEMBER,
            "To": ORGANIZER,
            "Subject": "=?utf-8?q?Re=C2=A0: Rencontre?=",
            "Message-ID": "<human@calgary.ca>",
            "Content-Type": "text/plain; charset=iso-8859-1",
            "Content-Transfer-Encoding": "quoted-printable",
        },
        "J'y serai, merci =E0 vous.\r\n",
    )
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.OTHER_MAIL, "no calendar part")
    assert reply.subject == "Re : Rencontre"  # one line: the no-break space too
    assert reply.excerpt == "J'y serai, merci à vous.\n"


# --- bad input: refused cleanly, never raised ---------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "problem"),
    [
        ("this is not a calendar", "broken iCalendar"),
        ("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n", "broken iCalendar"),
        ("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n", "0 VEVENTs, not one"),
        (
            "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n"
            "BEGIN:VEVENT\r\nUID:b\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "2 VEVENTs, not one",
        ),
        (
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "no METHOD",
        ),
        (
            "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:a\r\nSEQUENCE:one\r\n"
            "ATTENDEE:mailto:a@b.ca\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "SEQUENCE is not a number",
        ),
        (
            "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            "ATTENDEE;PARTSTAT=ACCEPTED:https://a.ca/\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "not a mailto: address",
        ),
        (
            "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n",
            "no ATTENDEE",
        ),
    ],
)
def test_broken_calendars_are_refused(invitation, calendar, problem):
    # Without METHOD in the object or in the Content-Type.
    raw = calendar_message(calendar, part_headers={"Content-Type": "text/calendar"})
    reply = calendar_reply_receive(raw=raw).reply

    assert reply.outcome == ReplyOutcome.INVALID
    assert reply.detail.startswith(problem)
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_huge_calendar_part_is_refused_unread(invitation, meeting):
    padding = "X-FILLER:" + "a" * 70 + "\r\n"
    calendar = outlook_calendar(meeting).replace(
        "END:VEVENT", padding * (parsing.MAX_CALENDAR_OCTETS // len(padding) + 1) + "END:VEVENT"
    )
    reply = calendar_reply_receive(raw=calendar_message(calendar)).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.INVALID, "calendar part too large")
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_a_huge_message_is_refused_and_keeps_only_its_headers(invitation, meeting):
    raw = outlook_reply(meeting) + b"x" * parsing.MAX_MESSAGE_OCTETS
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.INVALID, "message too large")
    assert (reply.message_id, reply.sender, reply.excerpt) == ("<outlook-1@calgary.ca>", MEMBER, "")
    assert answer_of(invitation).response == Response.NEEDS_ACTION


def test_an_unknown_charset_is_refused(invitation, meeting):
    raw = calendar_message(
        outlook_calendar(meeting),
        part_headers={"Content-Type": "text/calendar; charset=x-klingon; method=REPLY"},
    )
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.detail) == (ReplyOutcome.INVALID, "unknown charset x-klingon")


def test_a_codec_that_is_not_a_charset_is_refused(invitation, meeting):
    raw = calendar_message(
        outlook_calendar(meeting),
        part_headers={"Content-Type": "text/calendar; charset=rot13; method=REPLY"},
    )

    assert calendar_reply_receive(raw=raw).reply.outcome == ReplyOutcome.INVALID


def test_bytes_that_are_not_the_declared_charset_are_refused(invitation, meeting):
    calendar = outlook_calendar(meeting).replace("See you there.", "À bientôt")
    raw = calendar_message(calendar.encode("latin-1"))
    reply = calendar_reply_receive(raw=raw).reply

    assert (reply.outcome, reply.detail) == (
        ReplyOutcome.INVALID,
        "calendar part is not valid utf-8",
    )


def test_another_declared_charset_is_read(invitation, meeting):
    calendar = outlook_calendar(meeting).replace("See you there.", "À bientôt")
    raw = calendar_message(
        calendar.encode("windows-1252"),
        part_headers={"Content-Type": "text/calendar; charset=windows-1252; method=REPLY"},
    )

    assert calendar_reply_receive(raw=raw).reply.outcome == ReplyOutcome.RECORDED
    assert answer_of(invitation).response == Response.ACCEPTED


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage \x00",
        b"From: \x00\r\nMessage-ID: <\x00>\r\nContent-Type: multipart/mixed\r\n\r\nno boundary",
        b"Content-Type: text/calendar; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
        b"\r\n!!!not base64!!!",
        b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n" * 200,
    ],
)
def test_hostile_messages_never_raise(db, raw):
    received = calendar_reply_receive(raw=raw)

    assert received.reply.outcome in (ReplyOutcome.INVALID, ReplyOutcome.OTHER_MAIL)
    assert "\x00" not in received.reply.message_id + received.reply.sender


def test_answers_on_the_page_and_by_link_keep_their_channel(invitation, meeting):
    from meetings.services import invitation_answer

    invitation_answer(meeting=meeting, user=invitation.user, response="tentative", channel="link")

    saved = answer_of(invitation)
    assert (saved.response, saved.response_channel) == (Response.TENTATIVE, AnswerChannel.LINK)


def test_the_answer_service_refuses_what_is_no_answer(invitation, meeting):
    from meetings.services import invitation_answer

    with pytest.raises(ValueError):
        invitation_answer(meeting=meeting, user=invitation.user, response="needs_action")
    with pytest.raises(ValueError):
        invitation_answer(
            meeting=meeting, user=invitation.user, response="accepted", channel="pigeon"
        )
