"""Load the reference list of known governments (members/data/known_organisations.csv)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.importing import (
    DEFAULT_FILE,
    KnownOrganisationImportError,
    known_organisations_import,
)


class Command(BaseCommand):
    help = (
        "Create or update known organisations and their domains; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        try:
            result = known_organisations_import(path=Path(file))
        except KnownOrganisationImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Known organisations: {result.created} created, {result.updated} updated; "
            f"{result.reassessed} waiting requests assessed again."
        )
