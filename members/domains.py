"""E-mail domains written one way, whatever way people type them.

Staff paste domains with a leading @, capitals or spaces; addresses arrive with internationalised
domains either in Unicode (ville.montréal.ca) or in their ASCII form (xn--...). Both sides are
brought to the same lower-case Unicode spelling before they are compared or stored.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A label of an ASCII (punycode) domain name (RFC 1035 section 2.3.1, RFC 5891 section 4.2.3.1).
_ASCII_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _to_ascii(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def domain_normalise(value: str) -> str:
    """The lower-case Unicode spelling of a domain; what is not a domain comes back lower-cased."""
    domain = (value or "").strip().lower().lstrip("@").rstrip(".")
    ascii_form = _to_ascii(domain)
    if not ascii_form:
        return domain
    try:
        return ascii_form.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def domain_clean(value: str) -> str:
    """A domain typed by staff, normalised; ValidationError when it is not one (an address, a
    web address, a single label)."""
    domain = domain_normalise(value)
    labels = _to_ascii(domain).split(".") if domain else []
    if (
        not domain
        or len(_to_ascii(domain)) > 253
        or len(labels) < 2
        or not all(_ASCII_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            _("Enter a domain such as calgary.ca: the part of an address after @, no web address."),
            code="invalid_domain",
        )
    return domain
