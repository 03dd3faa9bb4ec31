"""What every members' page of the meetings app shares: the gate that lets only members in,
responses no shared cache may keep, and the way back to the page a form was sent from."""

from django.contrib.auth.mixins import AccessMixin
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

from members import selectors as member_selectors


def private_response(response):
    """Pages and files that carry a member's data are never stored by a shared cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def redirect_back(request, fallback):
    """To the page the form was sent from (its ``next``), never another site's."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


class MemberRequiredMixin(AccessMixin):
    """Anonymous visitors are sent to sign in; signed-in non-members get a 403 page."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not member_selectors.user_is_member(request.user):
            return render(request, "meetings/members_only.html", status=403)
        return super().dispatch(request, *args, **kwargs)
