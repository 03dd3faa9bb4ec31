"""Scheduling, changing and cancelling meetings; answers, reminders, feeds and themes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from meetings import services
from meetings.choices import MeetingStatus, ReminderKind, Response
from meetings.formats import clock, long_date
from meetings.models import CalendarFeed, Invitation, Meeting, Reminder, ThemeVote
from meetings.timezones import EASTERN
from peernet.outbox.models import OutboxMessage
from tests.meetings.conftest import calendar_text, ical_value
from tests.meetings.factories import InvitationFactory, MeetingFactory, ThemeFactory, eastern
from tests.members.factories import MemberFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.unit


def _fields(**overrides):
    start = timezone.now() + timedelta(days=30)
    fields = {
        "title_en": "Heat and Health",
        "title_fr": "Chaleur et santé",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "join_url": "https://zoom.us/j/81234567890",
        "passcode": "482913",
    }
    fields.update(overrides)
    return fields


def _schedule(capture, **overrides) -> Meeting:
    with capture(execute=True):
        return services.meeting_create(**_fields(**overrides))


# --- Scheduling --------------------------------------------------------------------------------


def test_scheduling_invites_every_member_once_in_their_language(
    member, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    RegistrationFactory()  # pending: not invited
    meeting = _schedule(django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mailoutbox) == [
        "amelie@gatineau.ca",
        "jordan@calgary.ca",
    ]
    by_address = {message.to[0]: message for message in mailoutbox}
    english, french = by_address["jordan@calgary.ca"], by_address["amelie@gatineau.ca"]
    assert english.subject.startswith("Invitation: Heat and Health (")
    assert french.extra_headers["Content-Language"] == "fr"
    assert ical_value(calendar_text(french), "SUMMARY") == "Chaleur et santé"
    assert ical_value(calendar_text(english), "SEQUENCE") == "0"
    assert ical_value(calendar_text(english), "UID") == meeting.calendar_uid
    assert Invitation.objects.filter(meeting=meeting).count() == 2
    invitation = Invitation.objects.get(meeting=meeting, user=french_member)
    assert invitation.sequence_sent == 0
    assert invitation.wants_interpretation is True  # the registration's wish
    assert OutboxMessage.objects.filter(purpose="meetings.invitation").count() == 2


@pytest.mark.parametrize(
    ("province", "language", "zone", "hour", "other_day"),
    [
        ("NL", "en", "America/St_Johns", 23, True),  # 1:00 a.m. the next day
        ("NL", "fr", "America/St_Johns", 23, True),
        ("BC", "en", "America/Vancouver", 1, True),  # 10:30 p.m. the day before
        ("BC", "fr", "America/Vancouver", 13, False),
    ],
)
def test_the_own_zone_time_names_its_date_when_it_is_another_day(
    db, province, language, zone, hour, other_day, mailoutbox, django_capture_on_commit_callbacks
):
    MemberFactory(province=province, user=UserFactory(preferred_language=language))
    day = (timezone.now() + timedelta(days=21)).astimezone(EASTERN).date()
    start = eastern(day.year, day.month, day.day, hour, 30)
    _schedule(
        django_capture_on_commit_callbacks, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    (message,) = mailoutbox
    own = start.astimezone(ZoneInfo(zone))
    with translation.override(language):
        label = _("In your time zone:")
        expected = (
            f"{label} {long_date(own)}, {clock(own)}" if other_day else f"{label} {clock(own)}"
        )
    assert expected in message.body
    assert expected in message.alternatives[0][0]


def test_an_invitation_before_the_link_exists_has_no_empty_link_and_the_link_follows(
    member, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(django_capture_on_commit_callbacks, join_url="", passcode="")
    english, french = sorted(mailoutbox, key=lambda message: message.to[0] != member.email)
    for message, sentence in (
        (english, "The link to join will be sent to you before the meeting."),
        (french, "Le lien pour participer vous sera envoyé avant la rencontre."),
    ):
        assert sentence in message.body
        assert sentence in message.alternatives[0][0]
        assert 'href=""' not in message.alternatives[0][0]
        assert "Join on Zoom:" not in message.body and "Participer sur Zoom" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, join_url="https://zoom.us/j/81234567890")
    assert len(mailoutbox) == 4
    assert "https://zoom.us/j/81234567890" in mailoutbox[2].body
    assert ical_value(calendar_text(mailoutbox[2]), "SEQUENCE") == "1"


def test_sending_twice_sends_once(member, mailoutbox, django_capture_on_commit_callbacks):
    meeting = _schedule(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_invitations_send(meeting=meeting) == 0
        assert services.invitations_sweep() == 0
    assert len(mailoutbox) == 1


def test_a_past_meeting_sends_nothing(member, mailoutbox, django_capture_on_commit_callbacks):
    _schedule(
        django_capture_on_commit_callbacks,
        starts_at=eastern(2025, 4, 30),
        ends_at=eastern(2025, 4, 30, 14),
    )
    assert mailoutbox == []


def test_both_titles_are_required(db):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(**_fields(title_fr=""))
    assert set(error.value.message_dict) == {"title_fr"}


def test_the_meeting_must_end_after_it_starts(db):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.meeting_create(**_fields(starts_at=start, ends_at=start))
    assert error.value.messages == ["The meeting must end after it starts."]


def test_unknown_fields_are_refused(db):
    with pytest.raises(ValueError):
        services.meeting_create(**_fields(sequence=9))


# --- Updates -----------------------------------------------------------------------------------


def test_a_new_time_raises_sequence_and_updates_those_who_did_not_decline(
    member, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(django_capture_on_commit_callbacks)
    Invitation.objects.filter(user=french_member).update(response=Response.DECLINED)
    mailoutbox.clear()
    new_start = meeting.starts_at + timedelta(hours=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        updated = services.meeting_update(
            meeting=meeting, starts_at=new_start, ends_at=new_start + timedelta(hours=1)
        )
        # Raised in the service's own transaction, before any task ran.
        assert Meeting.objects.get(pk=meeting.pk).sequence == 1
    assert len(callbacks) >= 1
    assert updated.sequence == 1
    # The member who declined is told of the new time by a plain e-mail (test_reschedules.py).
    requests = [message for message in mailoutbox if "text/calendar" in str(message.message())]
    assert [message.to[0] for message in requests] == ["jordan@calgary.ca"]
    text = calendar_text(requests[0])
    assert ical_value(text, "SEQUENCE") == "1"
    assert ical_value(text, "UID") == meeting.calendar_uid
    assert "METHOD:REQUEST" in text
    assert requests[0].subject.startswith("Updated: Heat and Health")
    assert Invitation.objects.get(user=member).sequence_sent == 1
    assert Invitation.objects.get(user=french_member).sequence_sent == 0


@pytest.mark.parametrize(
    "change",
    [
        {"title_fr": "Chaleur, santé et climat"},
        {"join_url": "https://zoom.us/j/99999999999"},
        {"passcode": "000111"},
        {"has_interpretation": False},
    ],
)
def test_title_link_passcode_and_interpretation_are_significant(
    change, member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, **change)
    assert Meeting.objects.get(pk=meeting.pk).sequence == 1
    assert len(mailoutbox) == 2


def test_a_description_change_sends_nothing(member, mailoutbox, django_capture_on_commit_callbacks):
    meeting = _schedule(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, description_en="New agenda.")
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0
    assert Meeting.objects.get(pk=meeting.pk).description_en == "New agenda."
    assert len(mailoutbox) == 1


def test_control_characters_and_stray_line_breaks_are_not_stored(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(
        django_capture_on_commit_callbacks,
        title_en="Heat\x0band\x1b[31m\nHealth\u2028 ",
        theme_fr="Chaleur\x7f\tet santé",
        description_en="Agenda\r\n\x0cOne\x85Two\x00\r",
        passcode=" 48\x0b2913 ",
    )
    meeting.refresh_from_db()
    assert meeting.title_en == "Heat and [31m Health"
    assert meeting.theme_fr == "Chaleur et santé"
    assert meeting.description_en == "Agenda\n\nOne\nTwo"
    assert meeting.passcode == "48 2913"
    assert "\x1b" not in mailoutbox[0].subject
    # The same text typed again with its control characters is not a change.
    services.meeting_update(meeting=meeting, title_en="Heat and\x1b[31m Health")
    assert Meeting.objects.get(pk=meeting.pk).sequence == 0


def test_no_change_changes_nothing(member, django_capture_on_commit_callbacks):
    meeting = _schedule(django_capture_on_commit_callbacks)
    before = Meeting.objects.get(pk=meeting.pk).updated_at
    services.meeting_update(meeting=meeting, title_en="Heat and Health")
    assert Meeting.objects.get(pk=meeting.pk).updated_at == before


def test_a_stale_update_task_sends_only_the_newest_revision(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(django_capture_on_commit_callbacks)
    stale = Meeting.objects.get(pk=meeting.pk)
    services.meeting_update(meeting=meeting, passcode="1")
    services.meeting_update(meeting=meeting, passcode="2")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_deliver(meeting=stale, user=member) is False
        current = Meeting.objects.get(pk=meeting.pk)
        assert services.invitation_deliver(meeting=current, user=member) is True
        assert services.invitation_deliver(meeting=current, user=member) is False
    assert len(mailoutbox) == 1
    assert ical_value(calendar_text(mailoutbox[0]), "SEQUENCE") == "2"


def test_a_cancelled_meeting_cannot_be_changed(db):
    meeting = MeetingFactory(status=MeetingStatus.CANCELLED)
    with pytest.raises(services.MeetingStateError):
        services.meeting_update(meeting=meeting, passcode="1")


def test_an_attached_members_theme_fills_an_empty_theme(db):
    meeting = MeetingFactory(theme_en="", theme_fr="")
    theme = ThemeFactory(title="Adapter les infrastructures", language="fr")
    services.theme_attach(theme=theme, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.suggested_theme == theme
    assert meeting.theme_fr == "Adapter les infrastructures"
    assert meeting.theme_en in ("", None)
    assert meeting.sequence == 0


# --- Cancellation ------------------------------------------------------------------------------


def test_cancelling_sends_one_cancel_to_everyone_invited(
    member, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(django_capture_on_commit_callbacks)
    Invitation.objects.filter(user=french_member).update(response=Response.DECLINED)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.meeting_cancel(meeting=meeting)
    assert cancelled.status == MeetingStatus.CANCELLED
    assert cancelled.sequence == 1
    assert sorted(message.to[0] for message in mailoutbox) == [
        "amelie@gatineau.ca",
        "jordan@calgary.ca",
    ]
    english = next(message for message in mailoutbox if message.to[0] == "jordan@calgary.ca")
    text = calendar_text(english)
    assert "METHOD:CANCEL" in text
    assert ical_value(text, "STATUS") == "CANCELLED"
    assert ical_value(text, "SEQUENCE") == "1"
    assert english.subject.startswith("Cancelled: Heat and Health")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_cancellations_send(meeting=cancelled) == 0
        assert services.invitations_sweep() == 0
    assert len(mailoutbox) == 2


def test_a_meeting_is_cancelled_once(db):
    meeting = MeetingFactory()
    services.meeting_cancel(meeting=meeting)
    with pytest.raises(services.MeetingStateError):
        services.meeting_cancel(meeting=meeting)


def test_a_past_meeting_cannot_be_cancelled(db):
    meeting = MeetingFactory(starts_at=eastern(2025, 4, 30), ends_at=eastern(2025, 4, 30, 14))
    with pytest.raises(services.MeetingStateError):
        services.meeting_cancel(meeting=meeting)


# --- New members -------------------------------------------------------------------------------


def test_a_new_member_is_invited_to_every_upcoming_meeting(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = MeetingFactory(), MeetingFactory()
    MeetingFactory(status=MeetingStatus.CANCELLED)
    MeetingFactory(starts_at=eastern(2025, 4, 30), ends_at=eastern(2025, 4, 30, 14))
    user = MemberFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        assert services.member_invitations_send(user=user) == 2
    assert sorted(Invitation.objects.values_list("meeting_id", flat=True)) == sorted(
        [first.pk, second.pk]
    )
    assert len(mailoutbox) == 2


def test_a_registrant_who_is_not_approved_gets_nothing(db, mailoutbox):
    MeetingFactory()
    assert services.member_invitations_send(user=RegistrationFactory().user) == 0


# --- Answers -----------------------------------------------------------------------------------


def test_answering_records_the_answer(member):
    meeting = MeetingFactory()
    invitation = services.invitation_answer(
        meeting=meeting, user=member, response=Response.DECLINED
    )
    assert invitation.response == Response.DECLINED
    assert invitation.responded_at is not None


def test_accepting_after_a_missed_update_sends_the_current_revision(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = InvitationFactory(
        user=member, response=Response.DECLINED, meeting=MeetingFactory(sequence=2)
    ).meeting
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_answer(meeting=meeting, user=member, response=Response.ACCEPTED)
    assert len(mailoutbox) == 1
    assert ical_value(calendar_text(mailoutbox[0]), "SEQUENCE") == "2"


@pytest.mark.parametrize(
    ("meeting_kwargs", "code"),
    [
        ({"status": MeetingStatus.CANCELLED}, "cancelled"),
        (
            {
                "starts_at": datetime(2025, 4, 30, 17, tzinfo=UTC),
                "ends_at": datetime(2025, 4, 30, 18, tzinfo=UTC),
            },
            "ended",
        ),
    ],
)
def test_answers_are_refused_when_the_meeting_is_closed(member, meeting_kwargs, code):
    meeting = MeetingFactory(**meeting_kwargs)
    with pytest.raises(services.AnswerError) as error:
        services.invitation_answer(meeting=meeting, user=member, response=Response.ACCEPTED)
    assert error.value.code == code


def test_only_members_answer(db):
    pending = RegistrationFactory().user
    with pytest.raises(services.AnswerError) as error:
        services.invitation_answer(
            meeting=MeetingFactory(), user=pending, response=Response.ACCEPTED
        )
    assert error.value.code == "not_member"


def test_interpretation_wish_per_meeting(member):
    meeting = MeetingFactory()
    services.invitation_interpretation_set(meeting=meeting, user=member, wants=True)
    assert Invitation.objects.get(meeting=meeting, user=member).wants_interpretation is True
    services.invitation_interpretation_set(meeting=meeting, user=member, wants=False)
    assert Invitation.objects.get(meeting=meeting, user=member).wants_interpretation is False


def test_no_interpretation_wish_without_interpretation(member):
    with pytest.raises(services.AnswerError):
        services.invitation_interpretation_set(
            meeting=MeetingFactory(has_interpretation=False), user=member, wants=True
        )


# --- Reminders ---------------------------------------------------------------------------------


def _invited(meeting, user, *, days_before=30, **kwargs):
    return InvitationFactory(
        meeting=meeting,
        user=user,
        created_at=meeting.starts_at - timedelta(days=days_before),
        **kwargs,
    )


def test_week_and_day_reminders_each_go_once(
    member, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    meeting = MeetingFactory(
        starts_at=now + timedelta(days=6, hours=20), ends_at=now + timedelta(days=6, hours=21)
    )
    _invited(meeting, member)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=now) == 1
        assert services.reminders_send(now=now) == 0
        assert services.reminders_send(now=now + timedelta(days=5)) == 0
        assert services.reminders_send(now=now + timedelta(days=6)) == 1
        assert services.reminders_send(now=now + timedelta(days=6, hours=1)) == 0
    assert [message.subject for message in mailoutbox] == [
        f"In one week: {meeting.title_en}",
        f"Tomorrow: {meeting.title_en}",
    ]
    assert "https://zoom.us/j/81234567890?pwd=secret" in mailoutbox[0].body
    assert sorted(Reminder.objects.values_list("kind", flat=True)) == [
        ReminderKind.DAY,
        ReminderKind.WEEK,
    ]


@pytest.mark.parametrize(
    ("starts_in", "sentence"),
    [
        (timedelta(hours=20), "is tomorrow."),
        (timedelta(days=6, hours=20), "is in one week."),
    ],
)
@pytest.mark.parametrize(
    ("response", "with_answer_links"),
    [(Response.NEEDS_ACTION, True), (Response.ACCEPTED, False)],
)
def test_the_reminder_says_when_and_asks_for_an_answer_until_accepted(
    member,
    mailoutbox,
    django_capture_on_commit_callbacks,
    starts_in,
    sentence,
    response,
    with_answer_links,
):
    now = timezone.now()
    meeting = MeetingFactory(
        starts_at=now + starts_in, ends_at=now + starts_in + timedelta(hours=1)
    )
    _invited(meeting, member, response=response)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=now) == 1
    message = mailoutbox[0]
    html = message.alternatives[0][0]
    assert f"A reminder: the meeting “{meeting.title_en}” {sentence}" in message.body
    assert f"A reminder: the meeting “{meeting.title_en}” {sentence}" in html
    assert ("I will attend:" in message.body) is with_answer_links
    assert (">I will attend</a>" in html) is with_answer_links


def test_reminders_skip_decliners_cancelled_meetings_and_late_invitations(
    member, french_member, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    soon = {"starts_at": now + timedelta(days=6), "ends_at": now + timedelta(days=6, hours=1)}
    meeting = MeetingFactory(**soon)
    _invited(meeting, member, response=Response.DECLINED)
    _invited(meeting, french_member, days_before=6)  # invited after the week reminder's moment
    cancelled = MeetingFactory(status=MeetingStatus.CANCELLED, **soon)
    _invited(cancelled, MemberFactory().user)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=now) == 0
    assert mailoutbox == []


def test_the_reminder_is_in_the_members_language(
    french_member, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    meeting = MeetingFactory(starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=21))
    _invited(meeting, french_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=now)
    assert mailoutbox[0].subject == f"Demain : {meeting.title_fr}"


# --- Feeds -------------------------------------------------------------------------------------


def test_regenerating_the_feed_replaces_its_token(member):
    first = services.feed_regenerate(user=member).token
    second = services.feed_regenerate(user=member).token
    assert first != second
    assert list(CalendarFeed.objects.values_list("token", flat=True)) == [second]
    assert len(second) >= 40


def test_revoking_the_feed_deletes_it(member):
    services.feed_regenerate(user=member)
    services.feed_revoke(user=member)
    assert not CalendarFeed.objects.exists()


def test_only_members_have_a_feed(db):
    with pytest.raises(services.AnswerError):
        services.feed_regenerate(user=UserFactory())


# --- Themes ------------------------------------------------------------------------------------


def test_a_suggestion_comes_with_its_authors_vote(member):
    theme = services.theme_suggest(user=member, title="  Fleet   electrification ", language="fr")
    assert theme.title == "Fleet electrification"
    assert theme.language == "fr"
    assert list(ThemeVote.objects.values_list("user_id", flat=True)) == [member.pk]


def test_a_suggested_theme_keeps_no_control_character(member):
    theme = services.theme_suggest(
        user=member,
        title="Fleet\x1b[2J\x0belectrification\u2028",
        details="Why\x00\r\nit",
        language="en",
    )
    assert theme.title == "Fleet [2J electrification"
    assert theme.details == "Why\nit"


def test_a_suggestion_sent_twice_is_listed_once(member):
    first = services.theme_suggest(user=member, title="Heat pumps", language="en")
    again = services.theme_suggest(user=member, title="heat pumps ", language="en")
    assert again.pk == first.pk
    assert first.votes.count() == 1
    other = MemberFactory().user
    assert services.theme_suggest(user=other, title="Heat pumps", language="en").pk != first.pk


def test_voting_twice_counts_once_and_can_be_withdrawn(member):
    theme = ThemeFactory()
    services.theme_vote(theme=theme, user=member)
    services.theme_vote(theme=theme, user=member)
    assert theme.votes.count() == 1
    services.theme_vote(theme=theme, user=member, vote=False)
    assert theme.votes.count() == 0


def test_votes_close_once_a_theme_is_chosen(member):
    theme = ThemeFactory()
    MeetingFactory(suggested_theme=theme)
    with pytest.raises(services.AnswerError):
        services.theme_vote(theme=theme, user=member)


def test_only_members_suggest(db):
    with pytest.raises(services.AnswerError):
        services.theme_suggest(user=RegistrationFactory().user, title="x", language="en")


# --- Departure ---------------------------------------------------------------------------------


def test_a_departing_member_loses_feed_and_upcoming_invitations(member):
    services.feed_regenerate(user=member)
    upcoming = InvitationFactory(user=member)
    past = InvitationFactory(
        user=member,
        meeting=MeetingFactory(starts_at=eastern(2025, 4, 30), ends_at=eastern(2025, 4, 30, 14)),
    )
    services.member_departure(user=member)
    assert not CalendarFeed.objects.exists()
    assert list(Invitation.objects.values_list("pk", flat=True)) == [past.pk]
    assert not Invitation.objects.filter(pk=upcoming.pk).exists()


@pytest.mark.django_db
def test_a_meeting_nobody_was_invited_to_can_be_deleted():
    meeting = MeetingFactory()
    services.meeting_delete(meeting=meeting)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.django_db
def test_a_meeting_members_were_invited_to_is_cancelled_never_deleted():
    invitation = InvitationFactory()
    with pytest.raises(services.MeetingStateError) as raised:
        services.meeting_delete(meeting=invitation.meeting)
    assert raised.value.messages == [
        "Members were invited to this meeting: cancel it instead of deleting it."
    ]
    assert Meeting.objects.filter(pk=invitation.meeting_id).exists()
