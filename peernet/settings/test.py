"""The test suite: the database and broker come from the environment that `make test` sets."""

from .base import *  # noqa: F403
from .base import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; the integration tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The accessibility tests load axe-core as a file of the portal: an inline copy would be
# refused by the Content-Security-Policy, which the browser tests keep enforced.
STATICFILES_DIRS = [*STATICFILES_DIRS, ("vendor/axe-core", BASE_DIR / "node_modules" / "axe-core")]  # noqa: F405
ACCOUNT_RATE_LIMITS = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Each test starts with an empty cache, whatever REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SITE_URL = "http://testserver"
