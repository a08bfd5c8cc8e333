from django.urls import path

from csperf.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:survey_id>/", views.survey_page, name="survey"),
    path("<int:survey_id>/import/", views.import_file, name="import"),
    path("<int:survey_id>/plans/", views.plan_callbacks, name="plan"),
    path("followups/", views.followups, name="followups"),
    path("followups/<int:followup_id>/", views.followup_page, name="followup"),
    path("followups/<int:followup_id>/step/", views.followup_step, name="followup-step"),
]
