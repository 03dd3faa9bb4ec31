"""The review queue's own admin pages: one-click approval and the rejection page.

:class:`members.admin.registrations.RegistrationAdmin` routes to these views and its bulk
actions share the rejection page; decisions are made by :mod:`members.services`, as everywhere
else.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peernet.admin_mixins import confirmation_page_render, decision_report, selection_decide

from .. import services
from ..models import Registration


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason sent to the registrant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Write it in the registrant's preferred language, shown beside each name."),
    )


def _decide_permission_check(model_admin, request):
    if not model_admin.has_change_permission(request):
        raise PermissionDenied


def _registration_get(pk):
    return get_object_or_404(Registration.objects.select_related("user"), pk=pk)


def _queue_url(request):
    """The page the reviewer came from (the filtered queue), never another site."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("admin:members_registration_changelist")


def registration_approve_view(request, pk, *, model_admin):
    """The Approve button of the queue and of the change page; it only ever posts."""
    _decide_permission_check(model_admin, request)
    if request.method != "POST":
        return HttpResponseRedirect(reverse("admin:members_registration_change", args=[pk]))
    registration = _registration_get(pk)
    decision_report(
        model_admin,
        request,
        decide=lambda: services.registration_approve(
            registration=registration, reviewer=request.user
        ),
        success=_("%(name)s was approved; the welcome e-mail is on its way.")
        % {"name": registration.user.get_full_name()},
    )
    return HttpResponseRedirect(_queue_url(request))


def registration_reject_view(request, pk, *, model_admin):
    """The Reject… link of the change page: the rejection page for one request."""
    _decide_permission_check(model_admin, request)
    return registration_reject_page(model_admin, request, [_registration_get(pk)], single=True)


def registration_reject_page(model_admin, request, registrations, *, single=False):
    """Ask for the reason, then reject each request with it (one, or the selected ones)."""
    form = RejectForm(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        rejected = selection_decide(
            model_admin,
            request,
            rows=registrations,
            decide=lambda registration: services.registration_reject(
                registration=registration,
                reviewer=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if rejected:
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d request was rejected.",
                    "%(count)d requests were rejected.",
                    rejected,
                )
                % {"count": rejected},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:members_registration_changelist"))
    return confirmation_page_render(
        model_admin,
        request,
        template="admin/members/registration/reject.html",
        title=_("Reject requests"),
        status=400 if form.is_bound else 200,
        registrations=registrations,
        form=form,
        single=single,
    )
