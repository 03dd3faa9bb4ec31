"""Load the reference list of known governments (members/data/known_organisations.csv)."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.choices import OrganisationKind, Province
from members.domains import domain_normalise
from members.models import KnownDomain, KnownOrganisation

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "known_organisations.csv"


class Command(BaseCommand):
    help = (
        "Create or update known organisations and their domains; running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    @transaction.atomic
    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        created = updated = 0
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                kind, province = row["kind"].strip(), row["province"].strip().upper()
                if kind not in OrganisationKind.values or province not in Province.values:
                    raise CommandError(f"{path}:{line}: unknown kind or province")
                domains = [domain_normalise(d) for d in row["domains"].split("|") if d.strip()]
                organisation = (
                    KnownOrganisation.objects.filter(domains__domain__in=domains).first()
                    or KnownOrganisation.objects.filter(name_en=row["name_en"].strip()).first()
                )
                values = {
                    "name_en": row["name_en"].strip(),
                    "name_fr": (row.get("name_fr") or row["name_en"]).strip(),
                    "kind": kind,
                    "province": province,
                }
                if organisation is None:
                    organisation = KnownOrganisation.objects.create(**values)
                    created += 1
                else:
                    changed = any(getattr(organisation, k) != v for k, v in values.items())
                    if changed:
                        for key, value in values.items():
                            setattr(organisation, key, value)
                        organisation.save()
                        updated += 1
                for domain in domains:
                    KnownDomain.objects.update_or_create(
                        domain=domain, defaults={"organisation": organisation}
                    )
        self.stdout.write(f"Known organisations: {created} created, {updated} updated.")
