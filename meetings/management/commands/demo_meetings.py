"""Demo meetings: the network's three past meetings of 2025 and upcoming ones (idempotent).

Each meeting is found again by its Eastern date, so running the command twice changes nothing.
Upcoming meetings are scheduled through the services, so members who exist already are invited
(mail goes wherever the settings send it; with ``make run``, to files under var/).
"""

from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, Theme
from meetings.timezones import EASTERN
from members.models import User

START, END = time(13, 0), time(14, 0)

PAST = [
    {
        "day": date(2025, 4, 30),
        "title_en": "Misinformation at the Local Level",
        "title_fr": "La désinformation à l'échelle locale",
        "theme_en": "Answering climate misinformation in council chambers and online",
        "theme_fr": "Répondre à la désinformation climatique au conseil et en ligne",
        "description_en": (
            "How staff respond when false claims about climate programs reach council meetings, "
            "public consultations and community social media pages."
        ),
        "description_fr": (
            "Comment le personnel réagit quand de fausses affirmations sur les programmes "
            "climatiques surgissent au conseil, en consultation publique ou sur les réseaux "
            "sociaux de la communauté."
        ),
    },
    {
        "day": date(2025, 6, 25),
        "title_en": "Preparing for Wildfire Smoke and Extreme Heat",
        "title_fr": "Se préparer à la fumée des feux de forêt et à la chaleur extrême",
        "theme_en": "Cooling centres, clean-air spaces and reaching residents at risk",
        "theme_fr": "Centres de rafraîchissement, espaces d'air pur et personnes à risque",
        "description_en": (
            "Members compare summer readiness plans: who opens clean-air and cooling spaces, "
            "how alerts reach isolated residents, and what changed after last season."
        ),
        "description_fr": (
            "Les membres comparent leurs plans pour l'été : qui ouvre les espaces d'air pur et "
            "de rafraîchissement, comment les alertes joignent les personnes isolées et ce qui "
            "a changé depuis la dernière saison."
        ),
    },
    {
        "day": date(2025, 11, 26),
        "title_en": "Funding Climate Action in the Municipal Budget",
        "title_fr": "Financer l'action climatique dans le budget municipal",
        "theme_en": "Making the case for climate spending at budget time",
        "theme_fr": "Défendre les dépenses climatiques au moment du budget",
        "description_en": (
            "Climate budgeting, carbon accounting in capital plans, and federal and provincial "
            "funds that small governments can realistically apply for."
        ),
        "description_fr": (
            "Budgétisation climatique, comptabilité carbone dans les plans d'investissement et "
            "programmes fédéraux et provinciaux accessibles aux petites administrations."
        ),
    },
]

UPCOMING = [
    {
        "weeks": 3,
        "title_en": "Nature-Based Solutions for Stormwater",
        "title_fr": "Des solutions fondées sur la nature pour les eaux pluviales",
        "theme_en": "Rain gardens, wetlands and bioswales that work in our climate",
        "theme_fr": "Jardins de pluie, milieux humides et noues adaptés à notre climat",
        "description_en": (
            "Members who built green stormwater infrastructure share costs, maintenance "
            "lessons and how they won council support."
        ),
        "description_fr": (
            "Des membres qui ont aménagé des infrastructures vertes pour les eaux pluviales "
            "parlent des coûts, de l'entretien et de l'appui obtenu du conseil."
        ),
        "join_url": "https://zoom.us/j/81234567890?pwd=demo",
        "passcode": "482913",
    },
    {
        "weeks": 16,
        "title_en": "Engaging Residents on Home Energy Retrofits",
        "title_fr": "Mobiliser la population pour la rénovation énergétique des maisons",
        "theme_en": "",
        "theme_fr": "",
        "description_en": "The theme will be chosen from members' suggestions.",
        "description_fr": "Le thème sera choisi parmi les suggestions des membres.",
        "join_url": "https://zoom.us/j/89876543210?pwd=demo",
        "passcode": "731604",
    },
]

THEMES = [
    ("Electrifying municipal fleets in cold climates", "en"),
    ("Adapter les infrastructures aux inondations printanières", "fr"),
    ("Working with Indigenous partners on climate plans", "en"),
]


def _eastern(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=EASTERN)


def _wednesday_after(day: date, weeks: int) -> date:
    target = day + timedelta(weeks=weeks)
    return target + timedelta(days=(2 - target.weekday()) % 7)


class Command(BaseCommand):
    help = "Load demo meetings and theme suggestions; running it twice changes nothing."

    def handle(self, *args, **options):
        today = timezone.localdate()
        created = 0
        for item in PAST:
            created += self._ensure(item["day"], item, upcoming=False)
        for item in UPCOMING:
            day = _wednesday_after(today, item["weeks"])
            created += self._ensure(day, item, upcoming=True, key=item["title_en"])
        self._themes()
        self.stdout.write(f"{created} demo meetings created.")

    def _ensure(self, day: date, item: dict, *, upcoming: bool, key: str = "") -> int:
        # Upcoming meetings move with today's date: find them by title instead of day.
        existing = (
            Meeting.objects.filter(title_en=key, starts_at__gte=timezone.now())
            if upcoming
            else Meeting.objects.filter(starts_at=_eastern(day, START))
        )
        if existing.exists():
            return 0
        fields = {
            name: value
            for name, value in item.items()
            if name in services.EDITABLE_FIELDS and value != ""
        }
        fields.setdefault("join_url", "https://zoom.us/j/80000000000")
        services.meeting_create(
            starts_at=_eastern(day, START), ends_at=_eastern(day, END), **fields
        )
        return 1

    def _themes(self) -> None:
        author = User.objects.filter(registration__status="approved").order_by("pk").first()
        if author is None:
            return
        for title, language in THEMES:
            if not Theme.objects.filter(title=title).exists():
                services.theme_suggest(user=author, title=title, language=language)
