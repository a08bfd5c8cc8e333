from django.urls import path

from csperf.library import views

app_name = "library"
urlpatterns = [
    path("", views.template_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("<int:template_id>/", views.detail, name="detail"),
    path("<int:template_id>/source.yaml", views.source, name="source"),
    path("<int:template_id>/what-if/", views.what_if, name="what-if"),
]
