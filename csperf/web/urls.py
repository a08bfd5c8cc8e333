from django.contrib.auth import views as auth_views
from django.urls import include, path

from csperf.api.api import api
from csperf.api.pages import org_urlpatterns as api_org_pages
from csperf.org.urls import urlpatterns as org_pages
from csperf.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChange.as_view(), name="password-change"),
    path("i18n/", include("django.conf.urls.i18n")),
    # the organisation pages and, beside the access page, ending API tokens (csperf.api.pages)
    path("org/", include((org_pages + api_org_pages, "org"))),
    path("cycles/", include("csperf.cycles.urls")),
    path("cards/", include("csperf.reviews.urls")),
    path("qc/", include("csperf.qc.urls")),
    path("surveys/", include("csperf.surveys.urls")),
    path("jobs/<int:job_id>/", views.job_status, name="job-status"),
    path("reports/", include("csperf.reports.urls")),
    path("library/", include("csperf.library.urls")),
    path("records/", include("csperf.records_ui.urls")),
    path("board/", include("csperf.board.urls")),
    path("events/", include("csperf.events.urls")),
    path("api/", api.urls),
]
