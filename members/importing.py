"""The import of the reference list of known governments (members/data/known_organisations.csv):
their names, kind, province and e-mail domains, which the eligibility assistant recognises.

A file is imported whole or not at all; running it twice changes nothing. Requests still
awaiting a decision are assessed again afterwards, as after an edit in the admin.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import services
from .choices import OrganisationKind, Province
from .domains import domain_normalise
from .models import KnownDomain, KnownOrganisation

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "known_organisations.csv"


class KnownOrganisationImportError(ValueError):
    """A row of the file cannot be imported; nothing of the file is saved."""


@dataclass(frozen=True)
class KnownOrganisationImportResult:
    created: int
    updated: int
    reassessed: int


@transaction.atomic
def known_organisations_import(*, path: Path = DEFAULT_FILE) -> KnownOrganisationImportResult:
    """Create or update each known government of the file and its domains."""
    if not path.is_file():
        raise KnownOrganisationImportError(f"No such file: {path}")
    created = updated = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            kind, province = row["kind"].strip(), row["province"].strip().upper()
            if kind not in OrganisationKind.values or province not in Province.values:
                raise KnownOrganisationImportError(f"{path}:{line}: unknown kind or province")
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
            elif any(getattr(organisation, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(organisation, key, value)
                organisation.save()
                updated += 1
            for domain in domains:
                KnownDomain.objects.update_or_create(
                    domain=domain, defaults={"organisation": organisation}
                )
    reassessed = services.registration_flags_refresh_open() if created or updated else 0
    return KnownOrganisationImportResult(created=created, updated=updated, reassessed=reassessed)
