from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "members"

urlpatterns = [
    path(_("register/"), views.RegisterView.as_view(), name="register"),
    path(_("me/"), views.MemberHomeView.as_view(), name="home"),
    path(_("me/profile/"), views.ProfileView.as_view(), name="profile"),
    path(_("me/my-data.json"), views.DataExportView.as_view(), name="data_export"),
    path(_("me/my-data.csv"), views.DataExportCsvView.as_view(), name="data_export_csv"),
    path(_("me/leave/"), views.LeaveView.as_view(), name="leave"),
    path(_("privacy/"), views.PrivacyView.as_view(), name="privacy"),
]
