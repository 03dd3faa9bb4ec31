"""Addresses of the meetings pages; the paths are translated (/fr/rencontres/...)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "meetings"

urlpatterns = [
    path(_("meetings/"), views.MeetingListView.as_view(), name="list"),
    path(_("meetings/<int:pk>/"), views.MeetingDetailView.as_view(), name="detail"),
    path(_("meetings/<int:pk>/meeting.ics"), views.MeetingCalendarView.as_view(), name="ics"),
    path(_("meetings/<int:pk>/answer/"), views.AnswerView.as_view(), name="respond"),
    path(
        _("meetings/<int:pk>/interpretation/"),
        views.InterpretationView.as_view(),
        name="interpretation",
    ),
    path(
        _("meetings/answer/<str:token>/<slug:answer>/"),
        views.AnswerLinkView.as_view(),
        name="answer",
    ),
    path(_("meetings/feed/new/"), views.FeedRegenerateView.as_view(), name="feed_regenerate"),
    path(_("meetings/feed/off/"), views.FeedRevokeView.as_view(), name="feed_revoke"),
    path(_("meetings/feed/<str:token>.ics"), views.FeedView.as_view(), name="feed"),
    path(_("meetings/themes/"), views.ThemeListView.as_view(), name="themes"),
    path(_("meetings/themes/<int:pk>/vote/"), views.ThemeVoteView.as_view(), name="theme_vote"),
]
