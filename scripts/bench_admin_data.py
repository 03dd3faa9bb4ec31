"""The rows behind the "admin" section of `make bench`: 50,000 registrations from people of many
governments, with the flags the assistant would store, and a year of outbox mail, bulk-created
beside the demo data. Never through the services: the outbox rows must not be sent."""

import random
from datetime import timedelta

from bench_members import registration_build
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from members.choices import FlagCode
from members.models import Registration, RegistrationFlag, User
from peernet.outbox.models import OutboxMessage

ADMIN_DOMAIN = "queue.peernet.test"
SEED = 20260310

FIRST_NAMES = (
    "Amélie, Léa, François, Chloé, Jérôme, Zoë, Renée, Siobhán, Noémie, Hélène, "
    "Thérèse, Ève, Mathéo, Anaïs, Alex, Priya, Wei, Olusegun, Kateri, Tanya, Ahmad, "
    "Marie-Ève, José, Björn"
).split(", ")
LAST_NAMES = (
    "Côté, Tremblay, Gagnon, Bélanger, Lévesque, Bérubé, O'Neil, Nguyễn, Müller, "
    "Sḵwx̱wú7mesh, Ouellet, Paré, Séguin, Thibodeau, Smith, MacDonald, Wong, Singh, "
    "Blackbird, Kootoo, Laliberté, St-Pierre, D'Amours, Fournier, Larivière, Morin"
).split(", ")
PLACES = (
    "Gatineau, Saint-Jérôme, Trois-Rivières, Lévis, Rimouski, Sherbrooke, Moncton, "
    "Iqaluit, Whitehorse, Yellowknife, Kamloops, Nanaimo, Red Deer, Lethbridge, "
    "Brandon, Thunder Bay, Sudbury, Kingston, Guelph, Halifax, Charlottetown, "
    "Corner Brook, Prince Albert, Saskatoon, Québec, Montréal, Baie-Comeau, "
    "Val-d'Or, Rouyn-Noranda, Chéticamp"
).split(", ")
PREFIXES = [
    ("Ville de", "city"),
    ("City of", "city"),
    ("Town of", "town"),
    ("Municipalité de", "municipality"),
    ("MRC de", "mrc"),
    ("County of", "county"),
    ("Regional District of", "regional_district"),
    ("Village of", "village"),
    ("First Nation of", "first_nation"),
    ("Conseil des Atikamekw de", "first_nation"),
    ("Consulting", "other"),
]
JOBS = (
    "Conseillère en environnement, Climate action coordinator, "
    "Sustainability officer, Chargé de projet en économie circulaire, Planner, "
    "Directrice générale, Band manager, Waste reduction lead"
).split(", ")
PROVINCES = ["QC"] * 5 + ["ON"] * 5 + ["BC"] * 3 + ["AB"] * 2
PROVINCES += ["MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU", "XX"]
# A queue of waiting requests: mostly awaiting review, the rest as a year's traffic leaves them.
REGISTRATION_STATUSES = ["pending"] * 14 + ["submitted"] * 2 + ["approved"] * 2
REGISTRATION_STATUSES += ["rejected", "withdrawn"]
MESSAGE_STATUSES = ["sent"] * 16 + ["failed"] * 2 + ["queued", "sending"]
MESSAGE_PURPOSES = [
    ("meetings.invitation", True),
    ("meetings.reminder", True),
    ("meetings.update", True),
    ("members.welcome", False),
    ("members.rejected", False),
    ("account.email_confirmation", True),
    ("account.password_reset_key", True),
    ("cohorts.interest_staff", False),
]


def registrations_bulk_create(count: int) -> dict:
    """Requests from people of many governments, with the flags the assistant would store."""
    chosen = random.Random(SEED)
    now = timezone.now()
    password = make_password(None)
    organisations = [
        (f"{prefix} {place}" if kind != "other" else f"{place} {prefix} Inc.", kind)
        for prefix, kind in PREFIXES
        for place in PLACES
    ]
    people = []
    for number in range(count):
        first, last = chosen.choice(FIRST_NAMES), chosen.choice(LAST_NAMES)
        organisation, kind = chosen.choice(organisations)
        # Most requests are days old; one in ten has waited for weeks.
        waited = timedelta(hours=chosen.randrange(1, 24 * 5))
        if number % 10 == 0:
            waited = timedelta(days=chosen.randrange(6, 60))
        people.append((number, first, last, organisation, kind, waited))
    users = User.objects.bulk_create(
        [
            User(
                email=f"queue{number:05d}@{ADMIN_DOMAIN}",
                first_name=first,
                last_name=f"{last} {number}" if number % 7 == 0 else last,
                preferred_language="fr" if number % 3 else "en",
                password=password,
            )
            for number, first, last, *_rest in people
        ],
        batch_size=2000,
    )
    registrations = []
    for user, (_number, _first, _last, organisation, kind, waited) in zip(
        users, people, strict=True
    ):
        status = chosen.choice(REGISTRATION_STATUSES)
        submitted = now - waited - timedelta(hours=1)
        # The job is drawn before the province (arguments are evaluated in order): the seed
        # keeps giving the same queue.
        registrations.append(
            registration_build(
                user=user,
                at=submitted,
                status=status,
                job_title=chosen.choice(JOBS),
                organisation_name=organisation,
                organisation_kind=kind,
                province=chosen.choice(PROVINCES),
                email_confirmed_at=None if status == "submitted" else submitted,
                decided_at=now if status in ("approved", "rejected") else None,
            )
        )
    registrations = Registration.objects.bulk_create(registrations, batch_size=2000)
    flags = []
    for registration in registrations:
        roll = chosen.random()
        if roll < 0.35:
            codes = [FlagCode.KNOWN_GOVERNMENT]
        elif roll < 0.45:
            codes = [FlagCode.KNOWN_GOVERNMENT, FlagCode.DOMAIN_MISMATCH]
        elif roll < 0.65:
            codes = [FlagCode.WEBMAIL]
        elif roll < 0.7:
            codes = [FlagCode.KIND_INELIGIBLE, FlagCode.DUPLICATE_PERSON]
        else:
            codes = []
        flags += [RegistrationFlag(registration=registration, code=code) for code in codes]
    RegistrationFlag.objects.bulk_create(flags, batch_size=5000)
    return {"registrations": len(registrations), "flags": len(flags)}


def messages_bulk_create(count: int) -> dict:
    """A year of mail: invitations, reminders, account mail, most of it delivered."""
    chosen = random.Random(SEED + 1)
    now = timezone.now()
    far = now + timedelta(days=365)  # queued rows must not be picked up by the worker
    body = "Bonjour,\n\n" + "Le texte d’une invitation, dans la langue du destinataire. " * 12
    batch = []
    for number in range(count):
        purpose, secret = chosen.choice(MESSAGE_PURPOSES)
        status = chosen.choice(MESSAGE_STATUSES)
        created = now - timedelta(minutes=chosen.randrange(0, 365 * 24 * 60))
        delivered = status == "sent"
        batch.append(
            OutboxMessage(
                status=status,
                purpose=purpose,
                to_email=f"queue{number % 50000:05d}@{ADMIN_DOMAIN}",
                from_email="PeerNet <network@peernet.test>",
                language="fr" if number % 3 else "en",
                subject=f"Rencontre du réseau nº {number % 40}",
                body_text="" if delivered and secret else body,
                carries_secret=secret,
                body_erased_at=created if delivered and secret else None,
                attempts=1 if status != "queued" else 0,
                last_error="550 5.1.1 mailbox unavailable" if status == "failed" else "",
                created_at=created,
                next_attempt_at=far if status in ("queued", "sending") else created,
                dispatched_at=now if status in ("queued", "sending") else created,
                sending_since=now if status == "sending" else None,
                sent_at=created if delivered else None,
            )
        )
        if len(batch) == 5000:
            OutboxMessage.objects.bulk_create(batch)
            batch = []
    OutboxMessage.objects.bulk_create(batch)
    return {"messages": count}
