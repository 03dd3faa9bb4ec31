"""Rules that apply to staff accounts on every request: a second factor before any admin page
opens, and a sign-out after a spell of inactivity. Members are left as they are."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext, ngettext

LAST_ACTIVITY_KEY = "members.staff_last_activity"
# Recording every request would write the session on every page; a minute is precise enough.
ACTIVITY_RESOLUTION_SECONDS = 60
# The cookie outlives the idle limit by this much, so that the server still sees the stale
# session and can say why the person has to sign in again.
COOKIE_GRACE_SECONDS = 24 * 3600
# Recovery codes alone are not a second factor: they only stand in for a lost one.
SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


class StaffIdleTimeoutMiddleware:
    """Signs staff out after PEERNET_STAFF_IDLE_MINUTES without a request: an admin session
    left open on a shared computer must not stay usable for the default 14 days."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_staff(request):
            minutes = settings.PEERNET_STAFF_IDLE_MINUTES
            now = time.time()
            last_activity = request.session.get(LAST_ACTIVITY_KEY)
            if not isinstance(last_activity, int | float):
                last_activity = None
            if last_activity is not None and now - last_activity > minutes * 60:
                logout(request)
                messages.warning(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)d minute without activity. "
                        "Please sign in again.",
                        "You were signed out after %(minutes)d minutes without activity. "
                        "Please sign in again.",
                        minutes,
                    )
                    % {"minutes": minutes},
                )
                return redirect_to_login(request.get_full_path())
            if last_activity is None or now - last_activity >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
                request.session.set_expiry(minutes * 60 + COOKIE_GRACE_SECONDS)
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Sends staff who have no authenticator app or security key to set one up before any admin
    page opens. Signing in through allauth then always asks for the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces or match.url_name == "logout":
            return None
        if not _is_staff(request) or is_mfa_enabled(request.user, SECOND_FACTOR_TYPES):
            return None
        messages.warning(
            request,
            gettext(
                "Staff must protect their account with two-factor authentication before "
                "opening the administration: confirm your password if you are asked to, then "
                "set up an authenticator app and open the administration again."
            ),
        )
        # An app works on any phone; security keys can be added from the MFA page afterwards.
        return redirect("mfa_activate_totp")
