"""The eligibility assistant: explainable findings a reviewer would check by hand.

Nothing here decides: every request is reviewed by a person. Each finding carries a code (for
filtering the queue) and a sentence that says why it was raised, in the reviewer's language.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.db.models import Exists, OuterRef, Q

from peernet.text import fold

from .choices import ELIGIBLE_KINDS, POSITIVE_FLAGS, FlagCode, Province, RegistrationStatus
from .domains import domain_normalise
from .flags import reason_text
from .models import KnownDomain, KnownOrganisation, Registration, RegistrationFlag

DATA_DIR = Path(__file__).resolve().parent / "data"

# Words that say what kind of government an organisation is, not which one.
_GENERIC_WORDS = frozenset(
    """
    city town village county district regional region municipality municipal rural township
    borough parish hamlet of the and government council office first nation nations band
    metis settlement inuit community communities administration corporation ville de du des la le
    les et municipalite regionale comte mrc gouvernement conseil communaute premiere premieres
    canton paroisse arrondissement nation cree mohawk tribal village district district
    """.split()
)
# Provincial, territorial and federal domains and their sub-domains: their staff are not
# eligible. Matched label by label, so that a town's own domain that merely ends in the same
# letters (a hypothetical notalberta.ca) is not mistaken for the province's.
SENIOR_GOVERNMENT_DOMAINS = frozenset(
    """
    gc.ca canada.ca
    gov.ab.ca alberta.ca gov.bc.ca gov.mb.ca manitoba.ca gnb.ca gov.nl.ca novascotia.ca gov.ns.ca
    gov.nt.ca gov.nu.ca ontario.ca gov.on.ca gov.pe.ca princeedwardisland.ca gouv.qc.ca quebec.ca
    gov.sk.ca saskatchewan.ca gov.yk.ca yukon.ca
    """.split()
)


# Another request (not withdrawn) with the same value of the field is worth the reviewer's eye:
# the same name, or the same mailbox, on two requests.
DUPLICATE_KEYS = {
    FlagCode.DUPLICATE_PERSON: "person_key",
    FlagCode.DUPLICATE_ADDRESS: "mailbox_key",
}


@dataclass(frozen=True)
class Finding:
    code: str
    params: dict
    # The government recognised from the domain, for KNOWN_GOVERNMENT findings.
    organisation: KnownOrganisation | None = field(default=None, compare=False)

    @property
    def reason(self) -> str:
        return reason_text(self.code, self.params)

    @property
    def is_positive(self) -> bool:
        return self.code in POSITIVE_FLAGS


def is_likely_eligible(codes) -> bool:
    """A known government's domain and nothing to warn about, from a request's flag codes.

    The queue offers these requests for approval at a glance; a person still decides.
    likely_eligible() is the same rule for filtering the queue.
    """
    codes = set(codes)
    return FlagCode.KNOWN_GOVERNMENT in codes and codes <= POSITIVE_FLAGS


def likely_eligible() -> Q:
    """The rule of is_likely_eligible(), as a filter of registrations."""
    flags = RegistrationFlag.objects.filter(registration=OuterRef("pk"))
    return Exists(flags.filter(code=FlagCode.KNOWN_GOVERNMENT)) & ~Exists(
        flags.exclude(code__in=POSITIVE_FLAGS)
    )


@lru_cache(maxsize=1)
def webmail_domains() -> frozenset[str]:
    lines = (DATA_DIR / "webmail_domains.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def name_key(first_name: str, last_name: str) -> str:
    return " ".join(re.findall(r"\w+", fold(f"{first_name} {last_name}")))


def mailbox_key(email: str) -> str:
    """The mailbox an address delivers to: lower case, without a +tag."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain_normalise(domain)}"


def email_domain(email: str) -> str:
    return domain_normalise(email.strip().rpartition("@")[2])


def is_senior_government_domain(domain: str) -> bool:
    return any(candidate in SENIOR_GOVERNMENT_DOMAINS for candidate in _domain_candidates(domain))


def _domain_candidates(domain: str) -> list[str]:
    """calgary.ca for mail.calgary.ca: an address at a sub-domain belongs to the parent."""
    labels = domain.split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]


def known_organisation_named(organisation_name: str) -> KnownOrganisation | None:
    """The known government a request names (Calgary, City of Calgary, Ville de Calgary)."""
    folded = fold(organisation_name).strip()
    words = significant_words(organisation_name)
    if not folded:
        return None
    for known in KnownOrganisation.objects.prefetch_related("domains"):
        if not known.domains.all():
            continue  # nothing to compare the address with
        for name in filter(None, (known.name_en, known.name_fr)):
            if fold(name).strip() == folded or (words and significant_words(name) == words):
                return known
    return None


def known_organisation_for_domain(domain: str) -> KnownOrganisation | None:
    candidates = _domain_candidates(domain)
    if not candidates:
        return None
    matches = {
        known.domain: known.organisation
        for known in KnownDomain.objects.filter(domain__in=candidates).select_related(
            "organisation"
        )
    }
    for candidate in candidates:  # the most specific match wins
        if candidate in matches:
            return matches[candidate]
    return None


def significant_words(organisation_name: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", fold(organisation_name))
    return {word for word in words if len(word) >= 3 and word not in _GENERIC_WORDS}


def domain_mentions_organisation(domain: str, organisation_name: str) -> bool:
    """Whether the domain spells a distinctive word of the name (gatineau.ca, City of Gatineau)."""
    words = significant_words(organisation_name)
    if not words:
        return True  # nothing distinctive to compare: do not guess
    labels = "".join(re.findall(r"[a-z0-9]+", fold(domain.rsplit(".", 1)[0])))
    return any(word in labels for word in words)


def assess(registration: Registration) -> list[Finding]:
    """Every finding about one request, positive ones first."""
    user = registration.user
    domain = email_domain(user.email)
    findings: list[Finding] = []

    known = known_organisation_for_domain(domain)
    if known is not None:
        findings.append(
            Finding(
                FlagCode.KNOWN_GOVERNMENT,
                # Both names, so that the reason reads right in the reviewer's language.
                {"domain": domain, "organisation": {"en": known.name_en, "fr": known.name_fr}},
                organisation=known,
            )
        )

    if domain in webmail_domains():
        findings.append(Finding(FlagCode.WEBMAIL, {"domain": domain}))
    elif is_senior_government_domain(domain):
        findings.append(Finding(FlagCode.SENIOR_GOVERNMENT, {"domain": domain}))
    elif known is not None:
        if not (
            domain_mentions_organisation(known.name, registration.organisation_name)
            or fold(known.name) == fold(registration.organisation_name)
            or significant_words(known.name) & significant_words(registration.organisation_name)
        ):
            findings.append(
                Finding(
                    FlagCode.DOMAIN_MISMATCH,
                    {"domain": domain, "organisation": registration.organisation_name},
                )
            )
    elif (named := known_organisation_named(registration.organisation_name)) is not None:
        # The request names a government whose domains are known, from another domain: a
        # look-alike (calgary.ca.example.com, calgary-ca.com) must not pass for calgary.ca.
        findings.append(
            Finding(
                FlagCode.DOMAIN_MISMATCH,
                {
                    "domain": domain,
                    "organisation": registration.organisation_name,
                    "known_domains": ", ".join(d.domain for d in named.domains.all()),
                },
            )
        )
    elif not domain_mentions_organisation(domain, registration.organisation_name):
        findings.append(
            Finding(
                FlagCode.DOMAIN_MISMATCH,
                {"domain": domain, "organisation": registration.organisation_name},
            )
        )

    if registration.organisation_kind not in ELIGIBLE_KINDS:
        findings.append(Finding(FlagCode.KIND_INELIGIBLE, {"kind": registration.organisation_kind}))

    if registration.province == Province.OUTSIDE:
        findings.append(Finding(FlagCode.OUTSIDE_CANADA, {}))

    others = (
        Registration.objects.exclude(pk=registration.pk)
        .exclude(status=RegistrationStatus.WITHDRAWN)
        .select_related("user")
    )
    for code, key in DUPLICATE_KEYS.items():
        same = list(others.filter(**{key: getattr(registration, key)}))
        if same:
            findings.append(
                Finding(code, {"others": ", ".join(sorted(other.user.email for other in same))})
            )
    return findings
