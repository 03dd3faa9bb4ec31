"""Load cohorts and communities from a CSV file in the format of ccri_communities.csv."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cohorts.importing import CommunityImportError, communities_import

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "ccri_communities.csv"


class Command(BaseCommand):
    help = (
        "Create or update cohorts and communities from a CSV file (columns name_en, name_fr, "
        "cohort, province, population, website, roadmap_language, roadmap_status, joint, "
        "latitude, longitude; optional slug and kind). Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file() and not path.is_absolute():
            # Demo data names the bundled file relative to the project, wherever it runs from.
            path = Path(settings.BASE_DIR) / path
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = communities_import(path=path)
        except CommunityImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Communities: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; cohorts created: {result.cohorts_created}."
        )
