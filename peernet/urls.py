"""URL configuration: every public page lives under /en/ or /fr/."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from members.views import RegisterView
from staff.views import HomeView, page_texts_admin_moved

# The admin's own login form has no rate limit and no second factor: its address leads to
# allauth's login (keeping `next`), and a signed-in person who is not staff gets a 403 page.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    re_path(r"^admin/peernet/sitetext/(?P<rest>.*)$", page_texts_admin_moved),
    path("admin/", admin.site.urls),
    # allauth's own sign-up address shows PeerNet's registration form.
    path("accounts/signup/", RegisterView.as_view(), name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("members.urls")),
    path("", include("meetings.urls")),
    path("", include("cohorts.urls")),
    prefix_default_language=True,
)

# Outside the language prefixes, in every environment (`make run` included): the public
# uploads, which the portal serves itself (peernet/media.py), and the health probe.
urlpatterns += [
    path(settings.MEDIA_URL.lstrip("/"), include("peernet.media")),
    path("", include("peernet.health")),
]

handler400 = "peernet.views.bad_request"
handler403 = "peernet.views.permission_denied"
handler404 = "peernet.views.page_not_found"
handler500 = "peernet.views.server_error"
