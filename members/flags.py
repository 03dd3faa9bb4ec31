"""The sentences that explain each eligibility flag, rendered in the reader's language."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import FlagCode, OrganisationKind

# Why each finding was raised; rendered in the reader's language when shown.
REASONS = {
    FlagCode.KNOWN_GOVERNMENT: _(
        "The domain %(domain)s belongs to %(organisation)s, a known government."
    ),
    FlagCode.WEBMAIL: _("%(domain)s is a personal webmail service, not an employer's domain."),
    FlagCode.SENIOR_GOVERNMENT: _(
        "%(domain)s belongs to a provincial, territorial or federal government."
    ),
    FlagCode.DOMAIN_MISMATCH: _("The domain %(domain)s does not match “%(organisation)s”."),
    FlagCode.KIND_INELIGIBLE: _("“%(kind)s” is not a local or Indigenous community government."),
    FlagCode.OUTSIDE_CANADA: _("The registrant says they work outside Canada."),
    FlagCode.DUPLICATE_PERSON: _("Another request has the same name: %(others)s."),
    FlagCode.DUPLICATE_ADDRESS: _("Another request comes from the same mailbox: %(others)s."),
}


# A mismatch with a government whose domains are known says which domains were expected.
KNOWN_DOMAINS_MISMATCH = _(
    "The domain %(domain)s does not match “%(organisation)s”, whose known domains are: "
    "%(known_domains)s."
)


def reason_text(code: str, params: dict) -> str:
    template = REASONS.get(code)
    if code == FlagCode.DOMAIN_MISMATCH and params.get("known_domains"):
        template = KNOWN_DOMAINS_MISMATCH
    if template is None:
        return code
    language = (get_language() or "en")[:2]
    params = {
        key: (value.get(language) or value.get("en") or "") if isinstance(value, dict) else value
        for key, value in params.items()
    }
    if "kind" in params and params["kind"] in OrganisationKind.values:
        params["kind"] = OrganisationKind(params["kind"]).label
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
