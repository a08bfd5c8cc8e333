from django.urls import path

from csperf.cycles import views

app_name = "cycles"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.cycle_create, name="create"),
    path("<int:cycle_id>/", views.cycle_detail, name="detail"),
    path("<int:cycle_id>/compute/", views.compute, name="compute"),
    path("<int:cycle_id>/resync-feeds/", views.resync_feeds, name="resync-feeds"),
    path("<int:cycle_id>/open/", views.open_rating, name="open"),
    path("<int:cycle_id>/close/", views.close, name="close"),
    path("<int:cycle_id>/gate/", views.gate, name="gate"),
    path("<int:cycle_id>/settings/", views.settings, name="settings"),
    path("<int:cycle_id>/disclosure/", views.disclosure_page, name="disclosure"),
    path(
        "<int:cycle_id>/disclosure/settings/",
        views.disclosure_settings,
        name="disclosure-settings",
    ),
    path("<int:cycle_id>/delete/", views.delete, name="delete"),
    path("<int:cycle_id>/archive/", views.archive, name="archive"),
    path("<int:cycle_id>/assign/", views.assign, name="assign"),
    path("<int:cycle_id>/override/", views.override, name="override"),
    path("<int:cycle_id>/value/", views.input_value, name="value"),
    path("<int:cycle_id>/bulk/", views.bulk, name="bulk"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_upload, name="template-upload"),
    path("templates/<int:template_id>/", views.template_detail, name="template"),
]
