"""Members' theme suggestions for future meetings, and their votes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from .. import selectors, services
from ..forms import ThemeForm
from ..models import Theme
from .access import MemberRequiredMixin, redirect_back


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
        return redirect_back(request, "meetings:themes")
