"""Meeting pages, answers, calendar downloads, feeds and themes.

Thin: selectors read, services decide. The join link and passcode reach a response only through
:func:`_member_context`, and only for an approved member.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, TemplateView

from members import selectors as member_selectors
from peernet.pagecache import content_kept, public_page

from . import ical, selectors, services
from .choices import AnswerChannel, Response
from .forms import AnswerForm, InterpretationForm, ThemeForm
from .links import meeting_links
from .models import Meeting, Theme
from .timezones import EASTERN, meeting_zone_times, zone_for_province
from .tokens import InvalidAnswerToken, answer_token_read

ANSWERS = {"accept": Response.ACCEPTED, "decline": Response.DECLINED, "maybe": Response.TENTATIVE}


def _own_zone(user):
    return zone_for_province(member_selectors.member_province(user))


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
        if not member_selectors.user_is_member(request.user):
            return render(request, "meetings/members_only.html", status=403)
        return super().dispatch(request, *args, **kwargs)


@public_page
class MeetingListView(TemplateView):
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["upcoming"] = selectors.meetings_upcoming().select_related("suggested_theme")
        context["past"] = selectors.meetings_past()[:12]
        return context


@public_page
class MeetingDetailView(DetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"
    extra_context = {"Response": Response}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting, user = self.object, self.request.user
        context["zone_times"] = meeting_zone_times(
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=_own_zone(user)
        )
        context["is_member"] = member_selectors.user_is_member(user)
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
        "wants_interpretation": selectors.interpretation_wanted(invitation=invitation, user=user),
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


# Calendar programs ask for feeds every few minutes; reading one needs no transaction.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
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
        # Every member's feed holds the same meetings: the text is made once per language
        # and content version, and the token only decides who may read it.
        calendar = content_kept(
            f"feed:{language}",
            lambda: ical.calendar_publish(
                meetings=selectors.meetings_for_feed(),
                language=language,
                with_join=True,
                links_for=lambda item: meeting_links(meeting=item, language=language),
                name=_("PeerNet meetings"),
            ),
        )
        response = HttpResponse(calendar.encode("utf-8"), content_type=_CALENDAR_TYPE)
        response["Content-Disposition"] = 'inline; filename="peernet-meetings.ics"'
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return _private(response)


# What each reason for refusing an answer link answers: the status and the page's message.
# An ended meeting is gone for good (410); a cancelled one conflicts with answering (409), as
# on the member's page.
_ANSWER_REFUSALS = {
    "ended": (410, gettext_lazy("This meeting is over: its answer links no longer work.")),
    "cancelled": (409, gettext_lazy("This meeting was cancelled.")),
    "not_member": (403, gettext_lazy("This invitation is no longer valid.")),
}


@method_decorator(csrf_exempt, name="dispatch")
class AnswerLinkView(View):
    """The answer link of an invitation e-mail: a page to confirm on, no sign-in needed.

    Mail scanners open every link of a message, with GET or HEAD and sometimes in order, so
    GET and HEAD only show the meeting, the member's current answer and one button; only the
    POST of that button records. The page is in the member's own language whatever the
    prefix of the address, since a forwarded or retyped link may carry the other one.

    CSRF protection is off for this view on purpose: the page is opened from a mail client,
    with no session and so no CSRF cookie to check against; the signed token in the address
    is the proof of who answers, and a forged cross-site POST would need that token, which
    only the member's mailbox holds.
    """

    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        return _protect(super().dispatch(request, *args, **kwargs))

    def get(self, request, token, answer):
        target = self._target(request, token, answer)
        if isinstance(target, HttpResponse):
            return target
        meeting, user = target
        invitation = selectors.invitation_for(meeting=meeting, user=user)
        return self._page(
            "meetings/answer_confirm.html",
            request,
            user=user,
            meeting=meeting,
            context={
                "answer_response": ANSWERS[answer],
                "current": invitation.response if invitation else Response.NEEDS_ACTION,
                "action_url": self._url(user=user, token=token, answer=answer),
            },
        )

    def head(self, request, token, answer):
        # Scanners probe with HEAD: the same status and headers as GET, and the server sends
        # no body.
        return self.get(request, token, answer)

    def post(self, request, token, answer):
        # Whatever the body holds is ignored: the address alone says who answers what.
        target = self._target(request, token, answer)
        if isinstance(target, HttpResponse):
            return target
        meeting, user = target
        try:
            invitation = services.invitation_answer(
                meeting=meeting, user=user, response=ANSWERS[answer], channel=AnswerChannel.LINK
            )
        except Meeting.DoesNotExist:
            return self._meeting_gone(request, user=user)
        except services.AnswerError as error:
            return self._refusal(request, error, user=user, meeting=meeting)
        return self._page(
            "meetings/answer_done.html",
            request,
            user=user,
            meeting=invitation.meeting,
            context={
                "invitation": invitation,
                # The other answers, for a member who changes their mind.
                "others": [
                    (ANSWERS[other], self._url(user=user, token=token, answer=other))
                    for other in ANSWERS
                    if other != answer
                ],
            },
        )

    def _target(self, request, token, answer):
        """The meeting and the member the link is for, or the error page that says why not."""
        try:
            target = answer_token_read(token)
        except InvalidAnswerToken:
            return self._error(
                request,
                gettext_lazy(
                    "This answer link is not valid. It may have been cut or changed: "
                    "use the buttons in the invitation e-mail, or answer from your page."
                ),
                status=400,
            )
        # The token's holder, member or not, decides the language of every page from here on.
        holder = get_user_model().objects.filter(pk=target.user_id).first()
        if answer not in ANSWERS:
            return self._error(
                request, gettext_lazy("This answer link is not valid."), status=400, user=holder
            )
        meeting = Meeting.objects.filter(pk=target.meeting_id).first()
        if meeting is None:
            return self._meeting_gone(request, user=holder)
        user = member_selectors.members_active().filter(pk=target.user_id).first()
        if user is None:
            return self._error(
                request,
                gettext_lazy("This invitation is no longer valid."),
                status=403,
                user=holder,
                meeting=meeting,
            )
        if request.user.is_authenticated and request.user.pk != user.pk:
            # Someone signed in as another person is replaying a link that is not theirs.
            return self._error(
                request,
                gettext_lazy(
                    "This answer link was sent to another member. "
                    "Answer for yourself from your own page."
                ),
                status=403,
                user=request.user,
                meeting=meeting,
            )
        try:
            services.invitation_answer_check(meeting=meeting, user=user)
        except services.AnswerError as error:
            return self._refusal(request, error, user=user, meeting=meeting)
        return meeting, user

    def _refusal(self, request, error, *, user, meeting):
        status, message = _ANSWER_REFUSALS.get(error.code, (409, None))
        return self._error(
            request,
            message or " ".join(error.messages),
            status=status,
            user=user,
            meeting=meeting,
        )

    def _meeting_gone(self, request, *, user):
        return self._error(
            request, gettext_lazy("This meeting no longer exists."), status=404, user=user
        )

    def _error(self, request, message, *, status, user=None, meeting=None):
        return self._page(
            "meetings/answer_error.html",
            request,
            user=user,
            meeting=meeting,
            context={"message": message},
            status=status,
        )

    def _page(self, template, request, *, user, meeting, context, status=200):
        """Render in the member's language; without a known member, in the address's."""
        language = getattr(user, "preferred_language", None) or get_language()
        with translation.override(language):
            if meeting is not None:
                context = {**context, **_answer_times(meeting=meeting, user=user)}
            # The message may be lazy: it is rendered here, in the member's language.
            context = {**context, "meeting": meeting, "Response": Response}
            response = render(request, template, context, status=status)
        response["Content-Language"] = language
        return response

    @staticmethod
    def _url(*, user, token, answer):
        """The link's address in the member's language, for the button's form."""
        with translation.override(user.preferred_language):
            return reverse("meetings:answer", kwargs={"token": token, "answer": answer})


def _answer_times(*, meeting: Meeting, user) -> dict:
    """The meeting in Eastern time and, where it differs, in the member's own zone."""
    own_zone = _own_zone(user) if user is not None else None
    own_times = next(
        (
            times
            for times in meeting_zone_times(
                starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=own_zone
            )
            if times.is_own and times.zone.key != EASTERN.key
        ),
        None,
    )
    return {
        "starts_eastern": meeting.starts_at.astimezone(EASTERN),
        "ends_eastern": meeting.ends_at.astimezone(EASTERN),
        "own_times": own_times,
    }


def _protect(response):
    """Answer-link responses: the token is in the address, so it must not leak or be kept."""
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
                meeting=meeting,
                user=request.user,
                response=form.cleaned_data["response"],
                channel=AnswerChannel.PAGE,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _redirect_back(request, meeting_detail_path(meeting))
        message = {
            Response.ACCEPTED: _("Thank you: you are attending “%(title)s”."),
            Response.TENTATIVE: _("Noted: you may attend “%(title)s”."),
        }.get(form.cleaned_data["response"], _("Noted: you are not attending “%(title)s”."))
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
