"""The import of communities and cohorts from a CSV file (the format of the programme's list of
communities, shipped as cohorts/data/ccri_communities.csv).

A file is imported whole or not at all; running it again changes nothing; a community is
recognised by its slug or, when renamed, by its French name, website and province together.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from members.choices import OrganisationKind, Province
from members.models import KnownOrganisation
from peernet.languages import language_codes

from .choices import RoadmapLanguage, RoadmapStatus
from .models import Cohort, Community, PartnerGovernment
from .services import community_save

REQUIRED_COLUMNS = ("name_en", "name_fr", "cohort", "province")
# The name's first words tell the kind of government when the file has no "kind" column.
_KIND_PREFIXES = [
    ("regional county municipality", OrganisationKind.MRC),
    ("regional district", OrganisationKind.REGIONAL_DISTRICT),
    ("regional municipality", OrganisationKind.REGIONAL_MUNICIPALITY),
    ("region of", OrganisationKind.REGIONAL_MUNICIPALITY),
    ("district of", OrganisationKind.DISTRICT),
    ("county of", OrganisationKind.COUNTY),
    ("city of", OrganisationKind.CITY),
    ("town of", OrganisationKind.TOWN),
    ("village of", OrganisationKind.VILLAGE),
    ("borough of", OrganisationKind.BOROUGH),
    ("mrc", OrganisationKind.MRC),
]
# Joint communities name their partners with an en dash between them.
_PARTNER_SEPARATOR = re.compile(r"\s+[–—-]\s+")
# A cohort lasts a year or two; "2030/29" is a typing error, not a cohort of 99 years.
MAX_COHORT_YEARS = 5
_COHORT_LABEL = re.compile(r"^(?P<start>\d{4})\s*/\s*(?P<end>\d{2}|\d{4})$")


class CommunityImportError(ValueError):
    """A row of the file cannot be imported; nothing of the file is saved."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cohorts_created: int = 0
    messages: list[str] = field(default_factory=list)


def kind_from_name(name: str) -> str:
    """The kind of government of a (possibly joint) name, or "other" if it says nothing."""
    for part in _PARTNER_SEPARATOR.split(name):
        lowered = part.strip().casefold()
        for prefix, kind in _KIND_PREFIXES:
            if lowered.startswith(prefix):
                return kind
    return OrganisationKind.OTHER


def cohort_years(label: str) -> tuple[int, int]:
    match = _COHORT_LABEL.match(label.strip())
    if not match:
        raise CommunityImportError(f"cohort label {label!r} is not like 2021/22")
    start, end = int(match["start"]), match["end"]
    end_year = int(end) if len(end) == 4 else start - start % 100 + int(end)
    if len(end) == 2 and end_year < start:
        end_year += 100  # 2099/00
    if not start <= end_year <= start + MAX_COHORT_YEARS:
        raise CommunityImportError(
            f"cohort label {label!r}: the years must follow each other, as in 2021/22"
        )
    return start, end_year


def _decimal(value: str, column: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip()).quantize(Decimal("0.00001"))
    except InvalidOperation:
        raise CommunityImportError(f"{column} {value!r} is not a number") from None


def _roadmap(row: dict) -> tuple[str, str]:
    status = (row.get("roadmap_status") or RoadmapStatus.NONE).strip() or RoadmapStatus.NONE
    if status not in RoadmapStatus.values:
        raise CommunityImportError(f"unknown roadmap_status {status!r}")
    languages = {code.strip() for code in re.split(r"[|+ ]", row.get("roadmap_language") or "")}
    languages.discard("")
    if languages >= {"en", "fr"} or languages == {RoadmapLanguage.BOTH}:
        language = RoadmapLanguage.BOTH
    elif languages <= {"en", "fr"} and languages:
        language = languages.pop()
    elif not languages:
        language = ""
    else:
        raise CommunityImportError(f"unknown roadmap_language {row.get('roadmap_language')!r}")
    return status, language


def _community_values(row: dict) -> dict:
    name_en, name_fr = row["name_en"].strip(), (row["name_fr"] or "").strip()
    if not name_en:
        raise CommunityImportError("name_en is empty")
    province = row["province"].strip().upper()
    if province not in Province.values:
        raise CommunityImportError(f"unknown province {province!r}")
    kind = (row.get("kind") or "").strip() or kind_from_name(name_en)
    if kind not in OrganisationKind.values:
        raise CommunityImportError(f"unknown kind {kind!r}")
    population = (row.get("population") or "").replace(",", "").replace(" ", "").strip()
    if population and not population.isdigit():
        raise CommunityImportError(f"population {population!r} is not a whole number")
    status, language = _roadmap(row)
    return {
        "name_en": name_en,
        "name_fr": name_fr or name_en,
        "kind": kind,
        "province": province,
        "population": int(population) if population else None,
        "website": (row.get("website") or "").strip(),
        "roadmap_status": status,
        "roadmap_language": language,
        "latitude": _decimal(row.get("latitude") or "", "latitude"),
        "longitude": _decimal(row.get("longitude") or "", "longitude"),
    }


def _partner_names(row: dict) -> list[tuple[str, str]]:
    if (row.get("joint") or "").strip().lower() not in ("yes", "true", "1", "y", "oui"):
        return []
    english = _PARTNER_SEPARATOR.split(row["name_en"].strip())
    french = _PARTNER_SEPARATOR.split((row["name_fr"] or "").strip())
    if len(french) != len(english):
        french = english
    return list(zip(english, french, strict=True))


def _cohort_get_or_create(label: str, result: ImportResult, cache: dict) -> Cohort:
    label = label.strip()
    if label not in cache:
        cohort = Cohort.objects.filter(label=label).first()
        if cohort is None:
            start, end = cohort_years(label)
            cohort = Cohort(label=label, start_year=start, end_year=end)
            cohort.full_clean()
            cohort.save()
            result.cohorts_created += 1
        cache[label] = cohort
    return cache[label]


def _partners_sync(community: Community, names: list[tuple[str, str]]) -> bool:
    changed = False
    existing = {partner.position: partner for partner in community.partners.all()}
    for position, (name_en, name_fr) in enumerate(names):
        partner = existing.get(position)
        kind = kind_from_name(name_en)
        kind = "" if kind == OrganisationKind.OTHER else kind
        if partner is None:
            PartnerGovernment.objects.create(
                community=community, position=position, name_en=name_en, name_fr=name_fr, kind=kind
            )
            changed = True
        elif (partner.name_en, partner.name_fr, partner.kind) != (name_en, name_fr, kind):
            partner.name_en, partner.name_fr, partner.kind = name_en, name_fr, kind
            partner.save()
            changed = True
    # A community that is no longer joint, or has fewer partners, loses the others.
    extra = [partner.pk for position, partner in existing.items() if position >= len(names)]
    if extra:
        PartnerGovernment.objects.filter(pk__in=extra).delete()
        changed = True
    return changed


def _organisations_link(community: Community, names: list[str]) -> bool:
    """Link the reference list's governments of the same name (members' organisations)."""
    matches = set(KnownOrganisation.objects.filter(name_en__in=names).values_list("pk", flat=True))
    missing = matches - set(community.organisations.values_list("pk", flat=True))
    if missing:
        community.organisations.add(*missing)
    return bool(missing)


def _csv_rows(path: Path) -> list[tuple[int, dict]]:
    """The rows of a UTF-8 CSV file (with or without a byte-order mark), with their line
    numbers; a file that is not such a CSV is refused before anything is saved."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise CommunityImportError(
            f'{path}:{line}: the file is not UTF-8 text; save it as "CSV UTF-8"'
        ) from None
    if not text.strip():
        raise CommunityImportError(f"{path}: the file is empty")
    if "\x00" in text:
        raise CommunityImportError(f"{path}: the file is not a CSV text file")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = fieldnames
        missing = [column for column in REQUIRED_COLUMNS if column not in fieldnames]
        if missing:
            raise CommunityImportError(f"{path}: missing columns {', '.join(missing)}")
        rows = []
        for row in reader:
            line = reader.line_num
            if None in row:
                raise CommunityImportError(
                    f"{path}:{line}: more values than the {len(fieldnames)} columns "
                    "(a comma inside a name must be in quotes)"
                )
            if None in row.values():
                raise CommunityImportError(
                    f"{path}:{line}: fewer values than the {len(fieldnames)} columns"
                )
            if any((value or "").strip() for value in row.values()):
                rows.append((line, row))
    except csv.Error as error:
        raise CommunityImportError(f"{path}:{reader.line_num}: {error}") from None
    return rows


def _row_slug(row: dict) -> str:
    return (row.get("slug") or "").strip() or slugify(row["name_en"].strip())[:120]


def communities_import(*, path: Path) -> ImportResult:
    """Create or update cohorts and communities from a CSV file; running it twice changes
    nothing. Facts in the file win over the database; descriptions, logos and documents that
    staff added are left alone. A bad row stops the import and nothing is saved.

    A community is found by its slug (given, or made from the English name); when the file
    gives no slug and the English name changed since the last import, by its French name,
    website and province, so that it is renamed rather than duplicated and keeps its
    address."""
    result = ImportResult()
    cohorts: dict[str, Cohort] = {}
    rows = _csv_rows(path)
    slugs: dict[str, int] = {}
    for line, row in rows:
        slug = _row_slug(row)
        if slug and slug in slugs:
            raise CommunityImportError(
                f"{path}:{line}: the same community as line {slugs[slug]} ({slug})"
            )
        slugs[slug] = line
    claimed: set[int] = set()
    with transaction.atomic():
        for line, row in rows:
            try:
                _community_row_import(row, result, cohorts, set(slugs), claimed)
            except (CommunityImportError, ValidationError) as error:
                raise CommunityImportError(f"{path}:{line}: {error}") from error
    return result


def _community_find(
    slug: str, values: dict, row: dict, file_slugs: set[str], claimed: set[int]
) -> Community | None:
    community = Community.objects.filter(slug=slug).first()
    if community is not None or (row.get("slug") or "").strip() or not values["website"]:
        return community
    # The English name changed since the last import: the same French name, website and
    # province, on a profile that no other line of the file names, are the same community.
    candidates = [
        candidate
        for candidate in Community.objects.filter(
            name_fr__iexact=values["name_fr"],
            website=values["website"],
            province=values["province"],
        )
        if candidate.slug not in file_slugs and candidate.pk not in claimed
    ]
    return candidates[0] if len(candidates) == 1 else None


def _community_row_import(
    row: dict, result: ImportResult, cohorts: dict, file_slugs: set[str], claimed: set[int]
) -> None:
    values = _community_values(row)
    slug = _row_slug(row)
    community = _community_find(slug, values, row, file_slugs, claimed)
    if community is not None and community.pk in claimed:
        raise CommunityImportError(f"the same community as an earlier line ({community.slug})")
    created = community is None
    if created:
        community = Community(slug=slug, **values)
    changed = [key for key, value in values.items() if getattr(community, key) != value]
    if created or changed:
        for key in changed:
            setattr(community, key, values[key])
        community.full_clean(validate_unique=created)
        community_save(community=community)
    claimed.add(community.pk)
    labels = [label for label in re.split(r"[|;]", row["cohort"] or "") if label.strip()]
    wanted = {_cohort_get_or_create(label, result, cohorts).pk for label in labels}
    current = set(community.cohorts.values_list("pk", flat=True))
    new_cohorts = wanted - current
    if new_cohorts:
        community.cohorts.add(*new_cohorts)
    # The file lists every cohort of the community: one corrected in the file is left.
    old_cohorts = current - wanted if wanted else set()
    if old_cohorts:
        community.cohorts.remove(*old_cohorts)
    new_cohorts |= old_cohorts
    partners = _partner_names(row)
    partners_changed = _partners_sync(community, partners)
    names = [values["name_en"], *(name for name, _french in partners)]
    linked = _organisations_link(community, names)
    if created:
        result.created += 1
    elif changed or new_cohorts or partners_changed or linked:
        result.updated += 1
    else:
        result.unchanged += 1


def community_descriptions_fill(*, path: Path) -> int:
    """Fill empty descriptions from a CSV of slug, description_en, description_fr.

    Descriptions that staff have written are never overwritten; returns how many were filled.
    """
    filled = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with transaction.atomic():
        for row in rows:
            community = Community.objects.filter(slug=row["slug"].strip()).first()
            if community is None:
                continue
            changed = False
            for code in language_codes():
                fieldname = f"description_{code}"
                if not getattr(community, fieldname) and row.get(fieldname, "").strip():
                    setattr(community, fieldname, row[fieldname].strip())
                    changed = True
            if changed:
                community_save(community=community)
                filled += 1
    return filled
