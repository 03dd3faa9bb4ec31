"""Pages of the members app: registration, the member's page, profile and privacy notice."""

from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from peernet.pagecache import public_form_page, public_page
from staff.privacy_notice import privacy_notice_version, retention_periods

from . import services
from .choices import RegistrationStatus
from .data_export import member_data_csv_response
from .forms import ProfileForm
from .models import Registration
from .registration_notice import invitation_window_closing, next_meeting
from .seams import member_panels


@public_form_page
class RegisterView(SignupView):
    """allauth's sign-up view with PeerNet's form, template and next-meeting notice."""

    template_name = "members/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("members:home")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The blank form is the same for every visitor in one language: its markup is made
        # once and reused. A form with answers or errors is rendered for its request.
        context["form_markup"] = context["form"].blank_markup()
        meeting = next_meeting()
        context["next_meeting"] = meeting
        context["invitation_window_closing"] = invitation_window_closing(meeting)
        return context

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class MemberHomeView(LoginRequiredMixin, TemplateView):
    template_name = "members/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = (
            Registration.objects.filter(user=self.request.user).select_related("user").first()
        )
        context["registration"] = registration
        context["RegistrationStatus"] = RegistrationStatus
        # Other programmes add their own sections (meetings, ...) through members.seams, so
        # that members/ does not import them.
        panels = []
        if registration is not None:
            for member_panel in member_panels:
                panel = member_panel(self.request, registration)
                if panel:
                    panels.append(panel)
        context["member_panels"] = panels
        return context


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "members/profile.html"
    form_class = ProfileForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.registration = (
                Registration.objects.filter(user=request.user).select_related("user").first()
            )
            if self.registration is None:
                return redirect("members:home")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        user, registration = self.request.user, self.registration
        return {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "job_title": registration.job_title,
            "department": registration.department,
            "wants_interpretation": registration.wants_interpretation,
        }

    def form_valid(self, form):
        try:
            services.member_profile_update(
                registration=self.registration, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your profile was saved."))
        return redirect("members:home")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class DataExportView(LoginRequiredMixin, View):
    """The signed-in person downloads everything PeerNet keeps about them, as JSON."""

    def get(self, request):
        data = services.member_data_export(user=request.user)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="peernet-my-data.json"'
        response["Cache-Control"] = "no-store"
        return response


class DataExportCsvView(LoginRequiredMixin, View):
    """The same export as one CSV file of section, field and value rows."""

    def get(self, request):
        return member_data_csv_response(services.member_data_export(user=request.user))


class LeaveView(LoginRequiredMixin, TemplateView):
    """Leaving deletes the account; the page offers the export first and asks to confirm."""

    template_name = "members/leave.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff:
            messages.error(request, _("Staff accounts are removed by an administrator."))
            return redirect("members:home")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request):
        if request.POST.get("confirm") != "yes":
            context = self.get_context_data(error=True)
            return self.render_to_response(context, status=400)
        user = request.user
        logout(request)
        services.member_delete(user=user)
        messages.success(request, _("Your account and your data were deleted. Goodbye!"))
        return redirect("home")


@public_page
class PrivacyView(TemplateView):
    """The privacy notice: the facts staff write (page texts ``privacy.*``) around the
    retention periods the purges apply, read from the settings so that they are always true."""

    template_name = "members/privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_periods"] = retention_periods()
        context["notice_version"] = privacy_notice_version()
        return context
