"""Load everything `make run` shows: reference data, then each programme's demo content."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each app's own idempotent command, in order (reference data before content that uses it).
DEMO_COMMANDS = [
    ("demo_admin", [], {}),
    ("load_known_organisations", [], {}),
    ("demo_members", [], {}),
    ("demo_meetings", [], {}),
    ("import_communities", ["cohorts/data/ccri_communities.csv"], {}),
    ("demo_cohorts", [], {}),
]


class Command(BaseCommand):
    help = "Load the demo data of every app; running it twice changes nothing."

    def handle(self, *args, **options):
        for name, command_args, command_options in DEMO_COMMANDS:
            self.stdout.write(f"→ {name}")
            call_command(name, *command_args, **command_options)
