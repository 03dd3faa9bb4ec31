"""Whole public pages kept for anonymous visitors, one copy per language and address.

A page is the same for every visitor who is not signed in: the home page, the meetings, the
cohorts and their communities. Rendering it costs a few queries and a template; serving it
from Redis costs one round trip. What is kept, and when:

- Only views marked with :func:`public_page` (:mod:`.pages`), only for a ``GET`` without a
  query string (filtered lists would let anyone fill the cache with addresses), and only for
  a visitor with no session and no pending messages: a signed-in member, or someone just back
  from a form, always gets a page made for them.
- Only a ``200`` that sets no cookie and used no CSRF token: an error or anything personal
  is never kept. A page with a form for everyone (the registration form) is marked with
  :func:`public_form_page`: it is kept without its CSRF token, and each visitor served the
  copy gets their own token and cookie, from Django's CSRF middleware, as a made page would.
- The key holds the language of the address, scheme, host and path, so one language's page
  is never served in the other.
- Every copy carries the content version it was made from (:mod:`.versions`). The apps name
  the models their public pages show (:func:`pages_follow`, in their ``ready()``); any write
  to one of them, a bulk ``update()`` or ``bulk_create()`` too, starts a new version, when it
  is made and again when it is committed, and every kept page is made again at its next
  visit. A copy also lasts no longer than ``PEERNET_PAGE_CACHE_SECONDS``, nor past the next
  moment returned by the callables the apps register in :data:`expiry_moments` (a meeting
  starts or ends, the registration page's notice changes).
- Parts of other answers that are the same for everyone (a calendar feed's meetings, the
  registration page's blank form) are kept the same way, with :func:`content_kept`
  (:mod:`.keeping`), so that they change together with the pages.

The middleware (:mod:`.middleware`) sits outside the sessions, users and the database: a hit
opens none of them. A copy holds the headers of the middleware below it (Permissions-Policy,
the CSP, which a kept page never has a nonce in) and gets those of the middleware above it
(security, the check of the client's address) as any other answer does. While Redis is away
every visit misses, and pages are made as usual.
"""

from .keeping import content_kept, expiry_moments
from .middleware import KEY_PREFIX, PublicPageCacheMiddleware
from .pages import public_form_page, public_page, public_page_kind
from .versions import pages_changed, pages_follow, pages_followed

__all__ = [
    "KEY_PREFIX",
    "PublicPageCacheMiddleware",
    "content_kept",
    "expiry_moments",
    "pages_changed",
    "pages_follow",
    "pages_followed",
    "public_form_page",
    "public_page",
    "public_page_kind",
]
