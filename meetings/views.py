"""Meeting pages, answers, calendar downloads, feeds and themes.

Thin: selectors read, services decide. The join link and passcode reach a response only through
:func:`_member_context`, and only for an approved member.
"""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from . import ical, selectors, services
from .choices import Response
from .forms import AnswerForm, InterpretationForm, ThemeForm
from .links import meeting_links
from .models import Meeting, Theme
from .timezones import meeting_zone_times, zone_for_province
from .tokens import InvalidAnswerToken, answer_token_read

ANSWERS = {"accept": Response.ACCEPTED, "decline": Response.DECLINED}


def _own_zone(user):
    registration = getattr(user, "registration", None) if user.is_authenticated else None
    return zone_for_province(registration.province if registration else None)


def _private(response):
    """Pages and files that carry a member's data are never stored by a shared cache."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def _redirect_back(request, fallback):
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
        if not selectors.user_is_member(request.user):
            return render(request, "meetings/members_only.html", status=403)
        return super().dispatch(request, *args, **kwargs)


class MeetingListView(TemplateView):
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming"] = selectors.meetings_upcoming().select_related("suggested_theme")
        context["past"] = selectors.meetings_past()[:12]
        return context


class MeetingDetailView(DetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        context["zone_times"] = meeting_zone_times(
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=_own_zone(user)
        )
        context["is_member"] = selectors.user_is_member(user)
        if context["is_member"]:
            context.update(_member_context(meeting=meeting, user=user))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return _private(response) if context["is_member"] else response


def _member_context(*, meeting: Meeting, user) -> dict:
    """What only an approved member sees of a meeting: the link, passcode and their answer."""
    invitation = selectors.invitation_for(meeting=meeting, user=user)
    return {
        "can_join": meeting.is_open,
        "invitation": invitation,
        "response": invitation.response if invitation else Response.NEEDS_ACTION,
        "wants_interpretation": (
            invitation.wants_interpretation
            if invitation
            else bool(
                getattr(user, "registration", None) and user.registration.wants_interpretation
            )
        ),
    }


class MeetingCalendarView(MemberRequiredMixin, View):
    """One meeting as a ``.ics`` file, METHOD:PUBLISH (a download is not an invitation)."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        language = get_language()
        calendar = ical.calendar_publish(
            meetings=[meeting],
            language=language,
            with_join=True,
            links_for=lambda item: meeting_links(meeting=item, language=language),
        )
        response = HttpResponse(calendar.encode("utf-8"), content_type=_CALENDAR_TYPE)
        response["Content-Disposition"] = f'attachment; filename="peernet-meeting-{meeting.pk}.ics"'
        return _private(response)


_CALENDAR_TYPE = "text/calendar; charset=utf-8"


class FeedView(View):
    """A member's personal feed: every upcoming meeting and the past year's, read-only.

    The token is the only credential: a revoked or unknown one, or one whose owner is no
    longer a member, gets the same 404 as any missing page, revealing nothing.
    """

    def get(self, request, token):
        owner = selectors.feed_owner(token=token)
        if owner is None:
            raise Http404
        language = get_language()
        calendar = ical.calendar_publish(
            meetings=selectors.meetings_for_feed(),
            language=language,
            with_join=True,
            links_for=lambda item: meeting_links(meeting=item, language=language),
            name=_("PeerNet meetings"),
        )
        response = HttpResponse(calendar.encode("utf-8"), content_type=_CALENDAR_TYPE)
        response["Content-Disposition"] = 'inline; filename="peernet-meetings.ics"'
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return _private(response)


class AnswerLinkView(View):
    """The one-click answer link of an invitation e-mail; no sign-in needed.

    The signed token names the member and the meeting; the answer is in the path, so the
    same token serves both buttons and the member can change their mind.
    """

    def head(self, request, token, answer):
        # Mail scanners probe links with HEAD: the same status as GET, with nothing recorded.
        target = self._target(request, token, answer)
        if isinstance(target, HttpResponse):
            return target
        meeting, user = target
        try:
            services.invitation_answer_check(meeting=meeting, user=user)
        except ValidationError as error:
            return self._error(request, " ".join(error.messages), status=409, meeting=meeting)
        return self._protect(HttpResponse(status=200))

    def get(self, request, token, answer):
        target = self._target(request, token, answer)
        if isinstance(target, HttpResponse):
            return target
        meeting, user = target
        try:
            invitation = services.invitation_answer(
                meeting=meeting, user=user, response=ANSWERS[answer]
            )
        except ValidationError as error:
            return self._error(request, " ".join(error.messages), status=409, meeting=meeting)
        other = "decline" if answer == "accept" else "accept"
        response = render(
            request,
            "meetings/answer_done.html",
            {
                "meeting": meeting,
                "invitation": invitation,
                "other_answer_url": reverse(
                    "meetings:answer", kwargs={"token": token, "answer": other}
                ),
            },
        )
        return self._protect(response)

    def _target(self, request, token, answer):
        """The meeting and the member the link is for, or the error page that says why not."""
        if answer not in ANSWERS:
            return self._error(request, _("This answer link is not valid."), status=400)
        try:
            target = answer_token_read(token)
        except InvalidAnswerToken:
            return self._error(
                request,
                _(
                    "This answer link is not valid. It may have been cut or changed: "
                    "use the buttons in the invitation e-mail, or answer from your page."
                ),
                status=400,
            )
        meeting = Meeting.objects.filter(pk=target.meeting_id).first()
        user = selectors.members_active().filter(pk=target.user_id).first()
        if meeting is None:
            return self._error(request, _("This meeting no longer exists."), status=404)
        if user is None:
            return self._error(
                request, _("This invitation is no longer valid."), status=403, meeting=meeting
            )
        return meeting, user

    def _error(self, request, message, *, status, meeting=None):
        response = render(
            request,
            "meetings/answer_error.html",
            {"message": message, "meeting": meeting},
            status=status,
        )
        return self._protect(response)

    def _protect(self, response):
        # The token is in the address: it must not leak through the Referer header.
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return _private(response)


class AnswerView(MemberRequiredMixin, View):
    """The member page's Attending / Not attending buttons."""

    http_method_names = ["post"]

    def post(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether you will attend."))
            return _bad_request(request)
        try:
            services.invitation_answer(
                meeting=meeting, user=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _redirect_back(request, meeting_detail_path(meeting))
        if form.cleaned_data["response"] == Response.ACCEPTED:
            message = _("Thank you: you are attending “%(title)s”.")
        else:
            message = _("Noted: you are not attending “%(title)s”.")
        messages.success(request, message % {"title": meeting.title})
        return _redirect_back(request, meeting_detail_path(meeting))


def meeting_detail_path(meeting):
    return reverse("meetings:detail", args=[meeting.pk])


def _bad_request(request):
    return render(request, "400.html", status=400)


class InterpretationView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        meeting = get_object_or_404(Meeting, pk=pk)
        form = InterpretationForm(request.POST)
        form.is_valid()  # a missing box means "no"
        wants = form.cleaned_data.get("wants_interpretation", False)
        try:
            services.invitation_interpretation_set(meeting=meeting, user=request.user, wants=wants)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if wants:
                messages.success(request, _("Your wish for French interpretation was recorded."))
            else:
                messages.success(request, _("You will not need French interpretation."))
        return _redirect_back(request, meeting_detail_path(meeting))


class FeedRegenerateView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        had_feed = selectors.feed_of(user=request.user) is not None
        services.feed_regenerate(user=request.user)
        if had_feed:
            messages.success(
                request, _("Your calendar feed has a new address; the old one no longer works.")
            )
        else:
            messages.success(request, _("Your calendar feed is ready."))
        return _redirect_back(request, "members:home")


class FeedRevokeView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        services.feed_revoke(user=request.user)
        messages.success(request, _("Your calendar feed was turned off."))
        return _redirect_back(request, "members:home")


class ThemeListView(MemberRequiredMixin, View):
    """Members' theme suggestions, most votes first, and the form to suggest one."""

    template_name = "meetings/theme_list.html"

    def get(self, request):
        return self._page(request, ThemeForm())

    def post(self, request):
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                services.theme_suggest(
                    user=request.user,
                    title=form.cleaned_data["title"],
                    details=form.cleaned_data["details"],
                    language=get_language(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your theme was added, with your vote."))
                return redirect("meetings:themes")
        return self._page(request, form, status=400)

    def _page(self, request, form, status=200):
        context = {
            "form": form,
            "themes": selectors.themes_open(user=request.user),
            "chosen": selectors.themes_ranked().filter(meetings__isnull=False).distinct(),
        }
        return render(request, self.template_name, context, status=status)


class ThemeVoteView(MemberRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        theme = get_object_or_404(Theme, pk=pk, is_hidden=False)
        vote = request.POST.get("vote") != "withdraw"
        try:
            services.theme_vote(theme=theme, user=request.user, vote=vote)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Your vote was counted.") if vote else _("Your vote was withdrawn.")
            )
        return _redirect_back(request, "meetings:themes")
