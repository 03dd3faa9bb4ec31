"""The dashboard's charts, figure by figure, against rows made by factories at fixed moments."""

from datetime import datetime, timedelta

import pytest
from django.utils import translation

from meetings.choices import Response
from meetings.dashboard import answers_chart
from meetings.timezones import EASTERN
from members.choices import OrganisationKind, Province, RegistrationStatus
from members.dashboard import (
    decision_time_chart,
    members_by_kind_chart,
    members_by_province_chart,
    requests_by_month_chart,
)
from peernet.outbox.models import MessageStatus, OutboxMessage
from staff.dashboard.outbox import delivery_chart
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, RegistrationFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=EASTERN)


def _decided(*, confirmed, waited_days, status=RegistrationStatus.APPROVED):
    return RegistrationFactory(
        status=status,
        submitted_at=confirmed - timedelta(hours=2),
        email_confirmed_at=confirmed,
        decided_at=confirmed + timedelta(days=waited_days),
    )


def _series(chart):
    return {one.label: one.values for one in chart.series + chart.extra_columns}


def test_requests_per_month_by_outcome():
    RegistrationFactory(status=RegistrationStatus.APPROVED, submitted_at=NOW - timedelta(days=2))
    RegistrationFactory(status=RegistrationStatus.APPROVED, submitted_at=NOW - timedelta(days=3))
    RegistrationFactory(status=RegistrationStatus.REJECTED, submitted_at=NOW - timedelta(days=4))
    RegistrationFactory(
        status=RegistrationStatus.PENDING,
        submitted_at=datetime(2026, 5, 31, 23, 30, tzinfo=EASTERN),
    )
    RegistrationFactory(
        status=RegistrationStatus.SUBMITTED,
        submitted_at=datetime(2025, 7, 1, 0, 30, tzinfo=EASTERN),
    )
    RegistrationFactory(
        status=RegistrationStatus.APPROVED,
        submitted_at=datetime(2025, 6, 30, 23, 0, tzinfo=EASTERN),
    )  # 13 months ago

    chart = requests_by_month_chart(now=NOW)

    assert chart.categories[0] == "July 2025" and chart.categories[-1] == "June 2026"
    series = _series(chart)
    assert series["Approved"] == [0] * 11 + [2]
    assert series["Rejected"] == [0] * 11 + [1]
    # 23:30 Eastern on 31 May is already June in UTC: the month is the network's own.
    assert series["Awaiting review"] == [0] * 10 + [1, 0]
    assert series["Awaiting e-mail confirmation"] == [1] + [0] * 11
    assert chart.summary == ("5 requests were sent in the last 12 months; 2 of them approved.")
    assert chart.stacked


def test_time_to_decision_exact_median_and_90th_percentile():
    june = datetime(2026, 6, 1, 9, 0, tzinfo=EASTERN)
    for days in (2, 4, 9, 10):
        _decided(confirmed=june, waited_days=days)
    _decided(
        confirmed=datetime(2026, 4, 1, 9, 0, tzinfo=EASTERN),
        waited_days=3,
        status=RegistrationStatus.REJECTED,
    )
    # Withdrawn by the registrant: not a decision of staff.
    _decided(confirmed=june, waited_days=1, status=RegistrationStatus.WITHDRAWN)

    chart = decision_time_chart(now=NOW)

    series = _series(chart)
    assert series["Median"][-1] == 6.5
    assert series["90th percentile"][-1] == 9.7
    assert series["Median"][-3] == 3.0  # April
    assert series["Median"][-2] is None  # May: no decision
    assert series["Decisions"][-3:] == [1, 0, 4]
    assert series["Decided within the week (per cent)"][-3:] == [100, None, 50]
    assert chart.reference == 7
    assert chart.summary == "Of 5 decisions in the last 12 months, 60% came within 7 days."


def test_members_by_province_and_kind():
    MemberFactory(province=Province.QC, organisation_kind=OrganisationKind.CITY)
    MemberFactory(province=Province.QC, organisation_kind=OrganisationKind.MRC)
    MemberFactory(province=Province.NU, organisation_kind=OrganisationKind.INUIT_COMMUNITY)
    MemberFactory(
        province=Province.BC, organisation_kind=OrganisationKind.CITY, user__is_active=False
    )
    RegistrationFactory(province=Province.AB)  # not a member yet

    by_province = members_by_province_chart()
    assert by_province.categories == ["Nunavut", "Quebec"]
    assert by_province.axis_labels == ["NU", "QC"]
    assert _series(by_province)["Members"] == [1, 2]
    assert by_province.summary == "3 members, in 2 provinces or territories."

    by_kind = members_by_kind_chart()
    assert by_kind.categories[0] == "City"
    assert sorted(_series(by_kind)["Members"]) == [1, 1, 1]
    assert by_kind.horizontal


def test_answers_and_interpretation_per_meeting_held():
    held = MeetingFactory(
        title_en="Heat",
        starts_at=datetime(2026, 4, 30, 13, tzinfo=EASTERN),
        ends_at=datetime(2026, 4, 30, 14, tzinfo=EASTERN),
    )
    for response, interpretation in [
        (Response.ACCEPTED, True),
        (Response.ACCEPTED, False),
        (Response.DECLINED, True),
        (Response.NEEDS_ACTION, True),
    ]:
        InvitationFactory(meeting=held, response=response, wants_interpretation=interpretation)
    MeetingFactory()  # upcoming: in the table of next meetings, not in this chart

    chart = answers_chart()

    assert chart.categories == ["Heat (April 30, 2026)"]
    assert _series(chart) == {
        "Attending": [2],
        "Maybe": [0],
        "Not attending": [1],
        "No answer yet": [1],
        "Interpretation requested": [2],
        "Invited": [4],
    }
    assert chart.summary == (
        "Over the last 1 meeting, 2 answers said attending and 2 asked for interpretation."
    )


def _message(status, created_at):
    return OutboxMessage.objects.create(
        status=status,
        purpose="x",
        to_email="a@gatineau.ca",
        from_email="n@peernet.example",
        language="en",
        subject="s",
        body_text="b",
        created_at=created_at,
    )


def test_mail_delivery_per_week():
    monday = datetime(2026, 6, 15, 0, 30, tzinfo=EASTERN)  # NOW's week starts this Monday
    _message(MessageStatus.SENT, monday)
    _message(MessageStatus.SENT, monday + timedelta(hours=5))
    _message(MessageStatus.QUEUED, monday + timedelta(hours=6))
    _message(MessageStatus.SENDING, monday + timedelta(hours=6))
    _message(MessageStatus.FAILED, monday - timedelta(hours=1))  # Sunday: the week before

    chart = delivery_chart(now=NOW)

    assert chart.categories[-1] == "June 15, 2026"
    series = _series(chart)
    assert series["Sent"][-2:] == [0, 2]
    assert series["Waiting"][-2:] == [0, 2]
    assert series["Failed"][-2:] == [1, 0]
    assert chart.summary == "5 e-mails in the last 12 weeks, 1 of them failed."


def test_charts_in_french():
    june = datetime(2026, 6, 1, 9, 0, tzinfo=EASTERN)
    for days in (2, 4, 9, 10):
        _decided(confirmed=june, waited_days=days)
    with translation.override("fr"):
        chart = decision_time_chart(now=NOW)
        assert chart.title == "Délai de décision par mois, en jours"
        assert chart.categories[-1] == "juin 2026"
        assert chart.summary == (
            "Sur 4 décisions des 12 derniers mois, 50 % ont été rendues dans les 7 jours."
        )
        assert [s.label for s in chart.series] == ["Médiane", "90e centile"]


def test_the_drawing_scales_bars_to_the_largest_value():
    june = datetime(2026, 6, 1, 9, 0, tzinfo=EASTERN)
    for days in (2, 4, 9, 10):
        _decided(confirmed=june, waited_days=days)
    drawing = decision_time_chart(now=NOW).drawing
    heights = [float(bar.height) for bar in drawing.bars if float(bar.height) > 0]
    # 6.5 and 9.7 days on an axis that goes to 10: the 90th percentile is the taller bar.
    assert len(heights) == 2
    assert heights[1] / heights[0] == pytest.approx(9.7 / 6.5, rel=1e-3)
    assert [tick.label for tick in drawing.value_ticks] == ["0", "5", "10"]
    assert drawing.reference.label == "7 days promised"
