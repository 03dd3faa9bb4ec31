"""The "try again in a moment" page, while the database cannot be reached.

A restart or failover of PostgreSQL lasts seconds; people who load a page then get a 503 with
``Retry-After`` instead of the server-error page, and the portal answers normally again as soon
as the database does (connections are opened per request). The page is rendered from files
only, in the language of the address's prefix: no session, no user and nothing translated from
the database, since none of them can be read. Only the errors of an unreachable database
qualify: a ``ProgrammingError`` or an ``IntegrityError`` is a bug and stays a 500.

The error surfaces in the view for most requests (``ATOMIC_REQUESTS`` opens the connection
there), and in a middleware for a signed-in visitor (reading the session). Django turns an
error raised in a middleware into a 500 response before any outer middleware sees it, and
tells only the ``got_request_exception`` signal; the receiver marks the request, and the
middleware replaces that 500 with the outage page.
"""

import logging
import sys

import psycopg
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# Django wraps the driver's errors in its own; psycopg's are listed for the few paths (closing
# a broken connection) where one escapes unwrapped.
DATABASE_UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# Long enough for a restart or a failover, short enough that nobody waits for nothing.
RETRY_AFTER_SECONDS = 30
_OUTAGE_MARK = "_peernet_database_unavailable"


def outage_response(request) -> HttpResponse:
    """The 503 page in the language of the URL's prefix (the default language without one)."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string("503.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    # A proxy or the browser must not keep the outage page after the database is back.
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception)
def _mark_database_outage(sender, request=None, **kwargs):
    # Sent from inside Django's exception handler: the error is the one being handled.
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_UNAVAILABLE):
        setattr(request, _OUTAGE_MARK, True)


class DatabaseOutageMiddleware:
    """Answers 503 "try again in a moment" when the database cannot be reached.

    Placed before the session middleware, so that every layer that reads the database is
    inside it, and after the security middleware, whose headers the page keeps.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _OUTAGE_MARK, False):
            return outage_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return outage_response(request)
        return None
