"""Canada's time zones, and which one a member is likely in.

Meetings are stored in UTC and organised in Eastern time; members read them in their own zone.
Newfoundland's zone is half an hour off the others, and Saskatchewan, Yukon, Atikokan and
Blanc-Sablon keep one offset all year, which is why every zone is computed from zoneinfo rather
than by adding hours.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

EASTERN = ZoneInfo("America/Toronto")


@dataclass(frozen=True)
class CanadianZone:
    key: str
    label: str
    # Other IANA names a browser may report for the same clock (used to point out the
    # visitor's own row).
    aliases: tuple[str, ...] = ()

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.key)


# West to east, as Canadians list them.
CANADIAN_ZONES = (
    CanadianZone("America/Vancouver", _("Pacific time")),
    CanadianZone(
        "America/Whitehorse",
        _("Yukon time"),
        ("America/Dawson", "America/Dawson_Creek", "America/Fort_Nelson", "America/Creston"),
    ),
    CanadianZone(
        "America/Edmonton",
        _("Mountain time"),
        ("America/Yellowknife", "America/Inuvik", "America/Cambridge_Bay"),
    ),
    CanadianZone("America/Regina", _("Saskatchewan time"), ("America/Swift_Current",)),
    CanadianZone(
        "America/Winnipeg",
        _("Central time"),
        ("America/Rainy_River", "America/Rankin_Inlet", "America/Resolute"),
    ),
    # Eastern standard time all year: Eastern's clock in winter, Central's in summer, so it
    # cannot share either row.
    CanadianZone("America/Atikokan", _("Atikokan time"), ("America/Coral_Harbour",)),
    CanadianZone(
        "America/Toronto",
        _("Eastern time"),
        ("America/Montreal", "America/Nipigon", "America/Thunder_Bay", "America/Iqaluit"),
    ),
    CanadianZone(
        "America/Halifax",
        _("Atlantic time"),
        ("America/Moncton", "America/Glace_Bay", "America/Goose_Bay"),
    ),
    # Atlantic standard time all year: Atlantic's clock in winter, Eastern's in summer.
    CanadianZone("America/Blanc-Sablon", _("Blanc-Sablon time")),
    CanadianZone("America/St_Johns", _("Newfoundland time")),
)
ZONES_BY_KEY = {zone.key: zone for zone in CANADIAN_ZONES}

# The zone most people of a province or territory live in (Nunavut and Ontario span several;
# the table always shows every zone, this only picks the one to point out).
PROVINCE_ZONES = {
    "BC": "America/Vancouver",
    "YT": "America/Whitehorse",
    "AB": "America/Edmonton",
    "NT": "America/Edmonton",
    "SK": "America/Regina",
    "MB": "America/Winnipeg",
    "ON": "America/Toronto",
    "QC": "America/Toronto",
    "NU": "America/Toronto",
    "NB": "America/Halifax",
    "NS": "America/Halifax",
    "PE": "America/Halifax",
    "NL": "America/St_Johns",
}


@dataclass(frozen=True)
class ZoneTimes:
    zone: CanadianZone
    starts_at: datetime
    ends_at: datetime
    is_own: bool


def zone_for_province(province: str | None) -> CanadianZone | None:
    key = PROVINCE_ZONES.get(province or "")
    return ZONES_BY_KEY[key] if key else None


def meeting_zone_times(
    *, starts_at: datetime, ends_at: datetime, own_zone: CanadianZone | None = None
) -> list[ZoneTimes]:
    """The meeting's start and end in every Canadian zone, west to east."""
    return [
        ZoneTimes(
            zone=zone,
            starts_at=starts_at.astimezone(zone.zone),
            ends_at=ends_at.astimezone(zone.zone),
            is_own=own_zone is not None and zone.key == own_zone.key,
        )
        for zone in CANADIAN_ZONES
    ]
