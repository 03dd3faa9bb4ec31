"""Views marked as public pages: the same for every anonymous visitor in one language."""

import functools

from django.db import transaction

PAGE, FORM_PAGE = "page", "form"
# Set on the answer of a marked view, read by the middleware.
RESPONSE_MARK = "peernet_public_page"


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

    return marked
