from django.urls import path

from csperf.qc import views

app_name = "qc"
urlpatterns = [
    path("", views.index, name="index"),
    path("reviews/<int:review_id>/", views.review_page, name="review"),
    path("reviews/<int:review_id>/save/", views.save_review, name="save"),
    path("reviews/<int:review_id>/dispute/", views.dispute, name="dispute"),
    path("reviews/<int:review_id>/recheck/", views.recheck, name="recheck"),
    path("disputes/<int:dispute_id>/resolve/", views.resolve, name="resolve"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("plans/<int:plan_id>/draw/", views.draw, name="draw"),
    path("plans/<int:plan_id>/rechecks/", views.recheck_sample, name="recheck-sample"),
    path("results/", views.consistency_page, name="consistency"),
    path("calibrations/new/", views.calibration_new, name="calibration-new"),
    path("calibrations/<int:session_id>/", views.calibration_page, name="calibration"),
    path("calibrations/<int:session_id>/close/", views.calibration_close, name="calibration-close"),
    path("forms/<int:form_id>/", views.form_page, name="form"),
]
