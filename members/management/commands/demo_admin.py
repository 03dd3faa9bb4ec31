"""Create the demo staff account of `make run` and print how to sign in."""

import secrets

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.core.management.base import BaseCommand

from members.middleware import SECOND_FACTOR_TYPES
from members.models import User

EMAIL = "admin@peernet.example"


class Command(BaseCommand):
    help = "Create (once) a staff superuser for the local demo and print its e-mail and password."

    def handle(self, *args, **options):
        password_file = settings.VAR_DIR / "demo-admin-password.txt"
        user = User.objects.filter(email=EMAIL).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(
                    email=EMAIL, password=password, first_name="Demo", last_name="Staff"
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            user.emailaddress_set.update_or_create(
                email=EMAIL, defaults={"primary": True, "verified": True}
            )
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
        password = password_file.read_text(encoding="utf-8").strip()
        self.stdout.write(
            self.style.SUCCESS(f"Staff sign-in: {EMAIL} / {password}  (admin at /en/admin/)")
        )
        if not is_mfa_enabled(user, SECOND_FACTOR_TYPES):
            # Staff need a second factor (members.middleware): say so before the first visit.
            self.stdout.write(
                "The first visit to the admin asks to set up an authenticator app (TOTP): "
                "confirm the password once more, scan the QR code with the app (or type its "
                "secret), then enter its code."
            )
