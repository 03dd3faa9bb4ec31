"""Public pages of the circular-economy cohorts: the list, a profile, the map, the programme
and the expression-of-interest form. Views read through :mod:`cohorts.selectors` and write
through :mod:`cohorts.services`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from peernet import ratelimit
from peernet.pagecache import public_form_page, public_page

from . import selectors, services
from .choices import Language, RoadmapLanguage, RoadmapStatus
from .forms import CommunityFilterForm, InterestForm


@public_page
class CohortListView(TemplateView):
    """Every cohort with its community cards, filtered and searched by GET parameters."""

    template_name = "cohorts/cohort_list.html"
    extra_context = {"RoadmapStatus": RoadmapStatus, "RoadmapLanguage": RoadmapLanguage}

    def get(self, request, *args, **kwargs):
        cohorts = selectors.cohorts_all()
        form = CommunityFilterForm(request.GET, cohorts=cohorts)
        filters = form.filters()
        groups = selectors.cohort_groups(cohorts=cohorts, **filters)
        context = self.get_context_data(
            cohorts=cohorts,
            groups=groups,
            filter_form=form,
            filtered=any(filters.values()),
            result_count=len({c.pk for group in groups for c in group.communities}),
        )
        response = self.render_to_response(context)
        if form.errors:
            response.status_code = 400
        return response


@public_page
class CommunityDetailView(TemplateView):
    """One community's full profile."""

    template_name = "cohorts/community_detail.html"
    extra_context = {"RoadmapStatus": RoadmapStatus, "RoadmapLanguage": RoadmapLanguage}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = selectors.community_profile_detail(slug=kwargs["slug"])
        if community is None:
            raise Http404
        context["community"] = community
        return context


@public_page
class CohortMapView(TemplateView):
    """Every community on a map of Canada, with the same communities as a list beside it."""

    template_name = "cohorts/cohort_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = selectors.community_map()
        for point in data.points:
            point["label"] = (
                _("%(name)s, %(province)s, cohort %(cohorts)s")
                if point["cohorts"]
                else _("%(name)s, %(province)s")
            ) % {
                "name": point["name"],
                "province": point["province"],
                "cohorts": ", ".join(point["cohorts"]),
            }
            if point["approximate"]:
                point["label"] = _("%(label)s (approximate position)") % {"label": point["label"]}
        context["map"] = data
        context["map_config"] = {
            "points": data.points,
            "i18n": {"zoomIn": _("Zoom in"), "zoomOut": _("Zoom out")},
            "groups": [
                {
                    "key": group.key,
                    "colour": group.colour,
                    "shape": group.shape,
                    "label": group.cohort.label if group.cohort else "",
                }
                for group in data.groups
            ],
            "tiles": {
                "url": getattr(settings, "COHORTS_MAP_TILE_URL", ""),
                "attribution": getattr(settings, "COHORTS_MAP_TILE_ATTRIBUTION", ""),
            },
        }
        return context


@public_page
class ProgrammeView(TemplateView):
    """What the programme offers: sessions, action groups, coaching advisors and partners."""

    template_name = "cohorts/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.programme_overview())
        return context


@public_form_page
class InterestView(FormView):
    """A community's expression of interest in joining a future cohort."""

    template_name = "cohorts/interest_form.html"
    form_class = InterestForm

    def post(self, request, *args, **kwargs):
        try:
            services.interest_client_count(client=ratelimit.client_address(request))
        except services.InterestLimitReached:
            return ratelimit.too_many_requests(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.pop("privacy_consent")
        language = (get_language() or Language.EN)[:2]
        try:
            services.interest_submit(language=language, **data)
        except services.InterestLimitReached:
            return ratelimit.too_many_requests(self.request)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("cohorts:interest_sent")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class InterestSentView(TemplateView):
    template_name = "cohorts/interest_sent.html"
