"""Members' answers: the one-click link of an invitation e-mail, and the buttons of the
meeting's page and the member's page (attendance, interpretation)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .. import answer_links, selectors, services
from ..answer_links import AnswerLink, answer_link_read, answer_link_refused
from ..choices import ANSWER_PHRASES, ANSWER_WORDS, AnswerChannel, Response
from ..forms import AnswerForm, InterpretationForm
from ..models import Meeting
from ..timezones import EASTERN, meeting_zone_times
from .access import MemberRequiredMixin, private_response, redirect_back
from .pages import member_zone

# What each reason for refusing an answer link answers: the status and the page's message.
# An ended meeting is gone for good (410); a cancelled one conflicts with answering (409), as
# on the member's page. A refusal not listed is a 409 with the service's own words.
_ANSWER_REFUSALS = {
    answer_links.INVALID_TOKEN: (
        400,
        gettext_lazy(
            "This answer link is not valid. It may have been cut or changed: "
            "use the buttons in the invitation e-mail, or answer from your page."
        ),
    ),
    answer_links.UNKNOWN_ANSWER: (400, gettext_lazy("This answer link is not valid.")),
    answer_links.MEETING_GONE: (404, gettext_lazy("This meeting no longer exists.")),
    answer_links.NOT_MEMBER: (403, gettext_lazy("This invitation is no longer valid.")),
    answer_links.OTHER_MEMBER: (
        403,
        gettext_lazy(
            "This answer link was sent to another member. Answer for yourself from your own page."
        ),
    ),
    "ended": (410, gettext_lazy("This meeting is over: its answer links no longer work.")),
    "cancelled": (409, gettext_lazy("This meeting was cancelled.")),
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
        link = answer_link_read(token=token, answer=answer, visitor=request.user)
        if link.refusal:
            return self._refusal(request, link)
        meeting, user = link.meeting, link.member
        invitation = selectors.invitation_for(meeting=meeting, user=user)
        return self._page(
            "meetings/answer_confirm.html",
            request,
            user=user,
            meeting=meeting,
            context={
                "answer_response": link.response,
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
        link = answer_link_read(token=token, answer=answer, visitor=request.user)
        if link.refusal:
            return self._refusal(request, link)
        meeting, user = link.meeting, link.member
        try:
            invitation = services.invitation_answer(
                meeting=meeting, user=user, response=link.response, channel=AnswerChannel.LINK
            )
        except Meeting.DoesNotExist:
            return self._refusal(
                request, AnswerLink(refusal=answer_links.MEETING_GONE, reader=user)
            )
        except services.AnswerError as error:
            return self._refusal(request, answer_link_refused(error, member=user, meeting=meeting))
        return self._page(
            "meetings/answer_done.html",
            request,
            user=user,
            meeting=invitation.meeting,
            context={
                "invitation": invitation,
                # The other answers, for a member who changes their mind.
                "others": [
                    (ANSWER_WORDS[other], self._url(user=user, token=token, answer=other))
                    for other in ANSWER_WORDS
                    if other != answer
                ],
            },
        )

    def _refusal(self, request, link: AnswerLink):
        status, message = _ANSWER_REFUSALS.get(link.refusal, (409, None))
        return self._page(
            "meetings/answer_error.html",
            request,
            user=link.reader,
            meeting=link.meeting,
            context={"message": message or link.detail},
            status=status,
        )

    def _page(self, template, request, *, user, meeting, context, status=200):
        """Render in the member's language; without a known member, in the address's."""
        language = getattr(user, "preferred_language", None) or get_language()
        with translation.override(language):
            if meeting is not None:
                context = {**context, **_answer_times(meeting=meeting, user=user)}
            # The message may be lazy: it is rendered here, in the member's language.
            context = {**context, "meeting": meeting}
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
    own_zone = member_zone(user) if user is not None else None
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
    return private_response(response)


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
            return redirect_back(request, meeting_detail_path(meeting))
        recorded = ANSWER_PHRASES[form.cleaned_data["response"]].recorded
        messages.success(request, recorded % {"title": meeting.title})
        return redirect_back(request, meeting_detail_path(meeting))


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
        return redirect_back(request, meeting_detail_path(meeting))
