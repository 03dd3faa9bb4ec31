from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "meetings"

urlpatterns = [
    path(_("meetings/"), views.MeetingListView.as_view(), name="list"),
    path(_("meetings/<int:pk>/"), views.MeetingDetailView.as_view(), name="detail"),
]
