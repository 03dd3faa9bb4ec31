"""Demo registrations in every state of the review queue (idempotent)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from members import services
from members.choices import RegistrationStatus
from members.models import Registration, User

DEMO_PASSWORD = "peernet-demo-2026"

PEOPLE = [
    # (first, last, email, language, title, organisation, kind, province, days ago, outcome)
    (
        "Amélie",
        "Tremblay",
        "amelie.tremblay@gatineau.ca",
        "fr",
        "Conseillère en environnement",
        "Ville de Gatineau",
        "city",
        "QC",
        2,
        "pending",
    ),
    (
        "Jordan",
        "Whitehead",
        "jordan.whitehead@calgary.ca",
        "en",
        "Climate program lead",
        "City of Calgary",
        "city",
        "AB",
        7,
        "pending",
    ),
    (
        "Sam",
        "Ng",
        "sam.ng.planner@gmail.com",
        "en",
        "Sustainability consultant",
        "Green Futures Consulting",
        "other",
        "ON",
        1,
        "pending",
    ),
    (
        "Tsiorakwisti",
        "Jacobs",
        "t.jacobs@kahnawake.com",
        "en",
        "Environment officer",
        "Mohawk Council of Kahnawake",
        "first_nation",
        "QC",
        3,
        "approved",
    ),
    (
        "Marc-André",
        "Côté",
        "ma.cote@ville.quebec.qc.ca",
        "fr",
        "Analyste, transition écologique",
        "Ville de Québec",
        "city",
        "QC",
        20,
        "approved",
    ),
    (
        "Pat",
        "Morgan",
        "pat.morgan@example.org",
        "en",
        "Policy analyst",
        "Provincial Ministry of Environment",
        "other",
        "XX",
        12,
        "rejected",
    ),
]


class Command(BaseCommand):
    help = (
        "Create demo registrations (pending, approved, rejected); running it twice changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        reviewer = User.objects.filter(is_staff=True).order_by("pk").first()
        for (
            first,
            last,
            email,
            language,
            title,
            organisation,
            kind,
            province,
            days,
            outcome,
        ) in PEOPLE:
            if User.objects.filter(email=email).exists():
                continue
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                preferred_language=language,
            )
            user.emailaddress_set.create(email=email, primary=True, verified=True)
            registration = services.registration_submit(
                user=user,
                job_title=title,
                department="",
                organisation_name=organisation,
                organisation_kind=kind,
                province=province,
                wants_interpretation=language == "fr",
                privacy_consent=True,
            )
            services.registration_email_confirmed(user=user)
            past = timezone.now() - timedelta(days=days)
            Registration.objects.filter(pk=registration.pk).update(
                submitted_at=past, email_confirmed_at=past
            )
            registration.refresh_from_db()
            if outcome == "approved" and reviewer:
                services.registration_approve(registration=registration, reviewer=reviewer)
            elif outcome == "rejected" and reviewer:
                services.registration_reject(
                    registration=registration,
                    reviewer=reviewer,
                    reason="PeerNet is open to staff of local and Indigenous governments only.",
                )
        counts = {
            status.label: Registration.objects.filter(status=status).count()
            for status in RegistrationStatus
        }
        self.stdout.write(f"Demo registrations: {counts}")
