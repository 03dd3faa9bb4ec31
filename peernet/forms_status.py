"""allauth's pages (accounts and second factor) answer an invalid form with 400.

PeerNet's own views answer 400 when they show a form back with its errors; allauth's views
answer 200, which tells a script or a monitor that the submission worked. This middleware
gives allauth's re-rendered invalid forms the same status as PeerNet's, for every allauth view
at once, without rewriting them page by page.
"""

from django import forms

LIBRARY_PREFIX = "allauth."


def _view_module(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    view = getattr(match.func, "view_class", None) or match.func
    return getattr(view, "__module__", "") or ""


def _has_invalid_form(context) -> bool:
    for value in (context or {}).values():
        # `_errors` is None until the form has been validated: asking for `errors` would
        # validate an untouched form now, and allauth's code forms count each validation
        # against the rate limit.
        if isinstance(value, forms.BaseForm) and value.is_bound and value._errors:
            return True
    return False


class InvalidFormStatusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        if (
            request.method == "POST"
            and response.status_code == 200
            and _view_module(request).startswith(LIBRARY_PREFIX)
            and _has_invalid_form(response.context_data)
        ):
            response.status_code = 400
        return response
