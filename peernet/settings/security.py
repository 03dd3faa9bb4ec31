"""What browsers may load and do on the portal's pages: the Content-Security-Policy and the
Permissions-Policy. Imported by base.py, which adds the cohort map's tile server to the images
the policy allows (``csp_origin``)."""

import re
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF


def csp_origin(url_template: str) -> list[str]:
    """The origin of a tile server's URL template, {s} subdomains as a wildcard."""
    parts = urlsplit(url_template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    return [f"{parts.scheme}://{host}"]


# Content-Security-Policy (django-csp), enforced in every environment so that the browser tests
# see what production sends. Pages carry no inline script, style or event handler: scripts and
# style sheets are the portal's own files. JSON data blocks (<script type="application/json">:
# the map's settings, allauth's WebAuthn forms) are never run and need no nonce; a template
# that must run inline script marks it with nonce="{{ request.csp_nonce }}". Images: data:
# URLs are Bootstrap's own icons (form controls, the close button), written in its style sheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Browser features the portal never uses are switched off for it and anything it embeds;
# WebAuthn (security keys and passkeys) stays available to the portal's own pages.
PEERNET_PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}
