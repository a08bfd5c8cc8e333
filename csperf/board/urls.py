from django.urls import path

from csperf.board import views

app_name = "board"
urlpatterns = [
    path("", views.index, name="index"),
    path("cards/<int:card_id>/rate/", views.rate, name="rate"),
    path("bulk/", views.bulk, name="bulk"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/<int:card_id>/", views.plan_new, name="plan-new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_update, name="plan-update"),
    path("plans/<int:plan_id>/close/", views.plan_close, name="plan-close"),
]
