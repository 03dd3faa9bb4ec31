"""Views marked as public pages: the same for every anonymous visitor in one language.

A mark is all a view needs to be kept: what its page shows is followed by the models the apps
name (:mod:`.versions`), and the suite checks that every marked view in the URLconf reads only
followed models.
"""

import functools

from django.db import transaction

PAGE, FORM_PAGE = "page", "form"
# Set on the answer of a marked view, read by the middleware.
RESPONSE_MARK = "peernet_public_page"
# Set on the marked function, read by public_page_kind().
_VIEW_MARK = "peernet_public_page_kind"


def public_page(view):
    """Mark a view (function or class) as a public page: the same for every anonymous visitor
    in one language, read-only, so also run outside the request's transaction."""
    if isinstance(view, type):
        view.dispatch = public_page(view.dispatch)
        return view
    return transaction.non_atomic_requests(_marked(view, PAGE))


def public_form_page(view):
    """Mark a view (function or class) whose blank form is the same for every anonymous visitor
    but for the CSRF token. Its POST still runs in the request's transaction."""
    if isinstance(view, type):
        view.get = _marked(view.get, FORM_PAGE)
        return view
    return _marked(view, FORM_PAGE)


def _marked(view, kind: str):
    @functools.wraps(view)
    def marked(*args, **kwargs):
        response = view(*args, **kwargs)
        setattr(response, RESPONSE_MARK, kind)
        return response

    setattr(marked, _VIEW_MARK, kind)
    return marked


def public_page_kind(view) -> str | None:
    """``PAGE`` or ``FORM_PAGE`` for a marked view as the URLconf holds it (a function, or a
    class's ``as_view()``), None for any other view."""
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return getattr(view, _VIEW_MARK, None)
    for handler in (view_class.dispatch, getattr(view_class, "get", None)):
        kind = getattr(handler, _VIEW_MARK, None)
        if kind is not None:
            return kind
    return None
