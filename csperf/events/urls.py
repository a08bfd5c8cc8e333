from django.urls import path

from csperf.events import views

app_name = "events"
urlpatterns = [
    path("", views.index, name="index"),
    path("measure/", views.measure_fields, name="measure"),
    path("record/", views.record, name="record"),
    path("<int:event_id>/void/", views.void, name="void"),
    path("close/", views.close, name="close"),
    path("closings/<int:closing_id>/reopen/", views.reopen, name="reopen"),
]
