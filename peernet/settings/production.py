"""Production: refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

for _name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must be set in production.")

SECRET_KEY = env("DJANGO_SECRET_KEY")
# Former keys, while a new one takes over: sessions, signed links and stored second-factor
# secrets made with them still work.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DEBUG = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS everywhere by default. A proxy in front that redirects by itself, or a trial over plain
# HTTP on one machine (docker-compose.yml), turns the redirect, HSTS and Secure cookies off.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The container's health probe speaks plain HTTP to gunicorn (see peernet/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
# The portal's own subdomains (if any) are its own too. Preloading is a promise for the whole
# registered domain, made by its owner on hstspreload.org: off unless that owner switches it
# on, and Django's reminder about it (security.W021) is then silenced on purpose.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # The __Host- prefix (RFC 6265bis, 4.1.3.2) makes browsers accept the cookie only when it
    # is Secure, for Path=/ and with no Domain, so another host of the same domain cannot
    # plant or overwrite it. Over plain HTTP the browser would drop it: plain names then.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # allauth's "trust this browser" cookie for the second factor takes the session's path,
    # domain and Secure flag.
    MFA_TRUST_COOKIE_NAME = "__Host-mfa_trusted"
    # The language chosen with the switcher: no secret, but one host must not set another's.
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    LANGUAGE_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
