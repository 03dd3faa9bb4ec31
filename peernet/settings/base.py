"""Settings shared by every environment, read from the environment (README lists them)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from .celery import *  # noqa: F403
from .celery import REDIS_URL
from .security import *  # noqa: F403
from .security import CONTENT_SECURITY_POLICY, csp_origin

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-never-use-in-production")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so that its fields show in language tabs.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "csp",
    "health_check",
    "peernet",
    "peernet.outbox",
    "members",
    "meetings",
    "cohorts",
    # Last: the staff's dashboard shows the outbox's section after those of the apps above.
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "peernet.middleware.ClientAddressMiddleware",
    # Anonymous visitors' copies of public pages (peernet/pagecache/): a hit needs no
    # session, user or database; a copy holds the headers of the middleware below it
    # (Permissions-Policy, CSP) and gets those of the two above again.
    "peernet.pagecache.PublicPageCacheMiddleware",
    "peernet.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: static files need no policy; before every view that may use a nonce.
    "csp.middleware.CSPMiddleware",
    # Outside every layer that reads the database (sessions, users, views): 503 while it is
    # unreachable, with the headers of the middleware above.
    "peernet.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Needs request.user; sees every response of the views and middleware below it.
    "peernet.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth's pages answer an invalid form with 400, like PeerNet's own.
    "peernet.forms_status.InvalidFormStatusMiddleware",
    # Staff: signed out when idle first, then a second factor before the admin opens.
    "members.middleware.StaffIdleTimeoutMiddleware",
    "members.middleware.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "peernet.urls"
WSGI_APPLICATION = "peernet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'peernet.sqlite3'}"),
}
# One transaction per request: a request that fails half-way saves nothing. Public pages,
# which only read, opt out (peernet.pagecache.public_page).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Connections are kept between requests (opening one costs more than most pages), checked
# before each request reuses them, so that a database restart costs no request an error.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database host that does not answer costs a request this many seconds, not the minutes of
# the system's TCP timeout; the request then gets the "try again" page (peernet/outage.py).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first (peernet/hashers.py); older hashes still verify and are upgraded at sign-in.
PASSWORD_HASHERS = [
    "peernet.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# At least 12 characters, not all spaces, not a common password, not made of the person's names
# or address. allauth's forms and createsuperuser (when it asks) apply them.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "members.validators.NotOnlyWhitespaceValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# The project catalogue first, then Canadian French wording for django-allauth (courriel).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "peernet" / "locale_overrides"]
USE_I18N = True
TIME_ZONE = "America/Toronto"
CELERY_TIMEZONE = TIME_ZONE
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages come from the npm registry (package.json) and are served by the portal.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:home"

# Accounts (django-allauth): e-mail is the login, the address must be verified, and nothing
# a stranger sees tells whether an address is already known.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PeerNet] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "members.forms.RegistrationForm",
    # allauth's own forms, with bounds on every field (members.forms.BoundedInputMixin).
    "login": "members.forms.LoginForm",
    "reauthenticate": "members.forms.ReauthenticateForm",
    "reset_password": "members.forms.ResetPasswordForm",
    "reset_password_from_key": "members.forms.ResetPasswordKeyForm",
    "change_password": "members.forms.ChangePasswordForm",
    "set_password": "members.forms.SetPasswordForm",
    "add_email": "members.forms.AddEmailForm",
    "change_email": "members.forms.ChangeEmailForm",
}
ACCOUNT_SIGNUP_REDIRECT_URL = "members:home"
# Changing an address or a second factor asks for the password (or a code) again when the
# last sign-in is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (allauth: 5 minutes).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_REAUTHENTICATION_REQUIRED = True

# Second factor (allauth.mfa): members may add one from their page, staff must have one before
# the admin opens (members.middleware). Security keys and passkeys are WebAuthn; browsers only
# allow them on https, except on a development machine (local settings, with DEBUG).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# TOTP secrets and recovery-code seeds are stored encrypted with a key derived from SECRET_KEY
# (SECRET_KEY_FALLBACKS keep them readable across a key rotation).
MFA_ADAPTER = "members.adapters.MFAAdapter"
MFA_TOTP_ISSUER = "PeerNet"
# allauth's forms, refusing a security key's unreadable answer with a form error and a code
# that cannot be marked used while the cache is away (members/mfa_forms.py).
MFA_FORMS = {
    "authenticate": "members.mfa_forms.AuthenticateForm",
    "reauthenticate": "members.mfa_forms.ReauthenticateForm",
    "add_webauthn": "members.mfa_forms.AddWebAuthnForm",
    "authenticate_webauthn": "members.mfa_forms.AuthenticateWebAuthnForm",
    "login_webauthn": "members.mfa_forms.LoginWebAuthnForm",
    "reauthenticate_webauthn": "members.mfa_forms.ReauthenticateWebAuthnForm",
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
# Staff are signed out after this many minutes without a request; members stay signed in.
PEERNET_STAFF_IDLE_MINUTES = env.int("PEERNET_STAFF_IDLE_MINUTES", default=120)

# The client's address, for rate limits (allauth's and PeerNet's own): behind proxies, either
# the number of proxies that append to X-Forwarded-For, or one header the proxy sets
# (X-Real-IP). With neither, REMOTE_ADDR counts and a client's X-Forwarded-For is ignored.
# allauth's settings are the one definition: peernet.ratelimit asks allauth for the address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("PEERNET_TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("PEERNET_TRUSTED_CLIENT_IP_HEADER", default="") or None

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: EMAIL_URL (smtp://host:port, consolemail://, filemail://path) or a file under var/.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PeerNet <network@peernet.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff who are told of new work (expressions of interest, ...). Comma-separated addresses.
PEERNET_STAFF_EMAILS = env.list("PEERNET_STAFF_EMAILS", default=["network@peernet.example"])

# The cache shares Celery's Redis (peernet/settings/celery.py).
if REDIS_URL:
    CACHES = {
        "default": {
            # Reads miss and writes are dropped while Redis is down: see peernet/cache.py.
            "BACKEND": "peernet.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# Public pages are kept for anonymous visitors this many seconds at most (0: never), and never
# past the moments the apps register (peernet.pagecache.expiry_moments).
PEERNET_PAGE_CACHE_SECONDS = env.int("PEERNET_PAGE_CACHE_SECONDS", default=60)

# Requests that waited longer than this many days stand out in the review queue.
PEERNET_REVIEW_WARNING_DAYS = 5
# Privacy: rejected or withdrawn requests are deleted this long after the decision, requests
# whose address was never confirmed this long after they were sent.
PEERNET_DECIDED_RETENTION_DAYS = env.int("PEERNET_DECIDED_RETENTION_DAYS", default=180)
PEERNET_UNCONFIRMED_RETENTION_DAYS = env.int("PEERNET_UNCONFIRMED_RETENTION_DAYS", default=30)
# Delivered and failed e-mails are kept this long, for staff to see what was sent to whom.
PEERNET_OUTBOX_RETENTION_DAYS = env.int("PEERNET_OUTBOX_RETENTION_DAYS", default=90)
# Mail that reached the organiser's mailbox (calendar replies) is kept this long after it came.
PEERNET_CALENDAR_REPLY_RETENTION_DAYS = env.int("PEERNET_CALENDAR_REPLY_RETENTION_DAYS", default=90)
# A community's expression of interest is kept this long after it was last handled (or sent).
PEERNET_INTEREST_RETENTION_DAYS = env.int("PEERNET_INTEREST_RETENTION_DAYS", default=730)
# Outbox delivery (peernet/outbox/services/tuning.py): the sweep leaves a dispatched message to its
# task this long; takes back a "sending" message nobody holds this long after its attempt
# began; a worker keeps trying to record a delivery while the database is away this long
# (shorter than the grace, so that the sweep never resends what the worker knows went out).
PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = env.float(
    "PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS", default=300
)
PEERNET_OUTBOX_SENDING_GRACE_SECONDS = env.float(
    "PEERNET_OUTBOX_SENDING_GRACE_SECONDS", default=180
)
PEERNET_OUTBOX_RECORD_RETRY_SECONDS = env.float("PEERNET_OUTBOX_RECORD_RETRY_SECONDS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "peernet.views.csrf_failure"

# Cohorts: the map library and Canada's outline come from the npm registry (package.json) and
# are served by the portal, so the cohort map draws with no internet access. A tile server is
# optional, for production (COHORTS_MAP_TILE_URL such as https://tiles.example/{z}/{x}/{y}.png).
STATICFILES_DIRS += [
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/topojson-client", BASE_DIR / "node_modules" / "topojson-client" / "dist"),
    ("vendor/world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
    ("vendor/jquery-ui", BASE_DIR / "node_modules" / "jquery-ui" / "dist"),
]
# The admin's language tabs (modeltranslation) need jQuery UI: served here, not from its CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
COHORTS_MAP_TILE_URL = env("COHORTS_MAP_TILE_URL", default="")
# The tile server, when one is set, is the one other origin the map's images come from.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += csp_origin(COHORTS_MAP_TILE_URL)
COHORTS_MAP_TILE_ATTRIBUTION = env("COHORTS_MAP_TILE_ATTRIBUTION", default="")

# Calendar replies (iMIP, RFC 6047). Each member's invitation names PEERNET_ORGANIZER_EMAIL as
# ORGANIZER with a signed sub-address (network+<token>@...), so calendar clients send their
# answers there and the address proves which invitation they answer; the mailbox must accept
# sub-addresses ("+"). PEERNET_REPLY_AUTHSERV_ID, when set, is the authserv-id of the mail
# server's own Authentication-Results, whose dmarc=pass for the attendee's domain also proves
# the sender. PeerNet reads that mailbox over IMAP
# (imaps://user:password@host:993/INBOX; imap+starttls://...; plain imap:// only to a loopback
# address) or through `manage.py receive_mail` from the mail server's pipe. With an OAuth2
# access token set, it is used instead of the password (XOAUTH2).
PEERNET_ORGANIZER_EMAIL = env("PEERNET_ORGANIZER_EMAIL", default=DEFAULT_FROM_EMAIL)
PEERNET_REPLY_AUTHSERV_ID = env("PEERNET_REPLY_AUTHSERV_ID", default="")
PEERNET_REPLY_IMAP_URL = env("PEERNET_REPLY_IMAP_URL", default="")
PEERNET_REPLY_IMAP_OAUTH2_TOKEN = env("PEERNET_REPLY_IMAP_OAUTH2_TOKEN", default="")
PEERNET_REPLY_IMAP_PROCESSED_FOLDER = env(
    "PEERNET_REPLY_IMAP_PROCESSED_FOLDER", default="PeerNet-processed"
)
PEERNET_REPLY_IMAP_UNPROCESSABLE_FOLDER = env(
    "PEERNET_REPLY_IMAP_UNPROCESSABLE_FOLDER", default="PeerNet-unprocessable"
)
# Messages read per poll: a backlog is worked through over several polls, each one short.
PEERNET_REPLY_IMAP_BATCH = env.int("PEERNET_REPLY_IMAP_BATCH", default=100)
