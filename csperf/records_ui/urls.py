from django.urls import path

from csperf.records_ui import views

app_name = "records_ui"
urlpatterns = [
    path("", views.index, name="index"),
    path("blank/<str:kind>.<str:fmt>", views.blank, name="blank"),
    path("imports/<int:job_id>/", views.import_detail, name="import"),
    path("imports/<int:job_id>/problems.csv", views.problems_csv, name="problems"),
]
