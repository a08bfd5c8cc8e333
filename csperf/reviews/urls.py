from django.urls import path

from csperf.reviews import appeal_views, views

app_name = "reviews"
urlpatterns = [
    path("<int:card_id>/", views.card_page, name="card"),
    path("<int:card_id>/ratings/", views.save_ratings, name="ratings"),
    path("<int:card_id>/step/", views.step, name="step"),
    path("<int:card_id>/appeal/", views.appeal, name="appeal"),
    path("<int:card_id>/evidence/", views.upload_evidence, name="evidence"),
    path("<int:card_id>/export.xlsx", views.export_card, name="export"),
    path("evidence/<int:evidence_id>/", views.download_evidence, name="evidence-file"),
    path("appeals/", appeal_views.appeals_page, name="appeals"),
    path("appeals/<int:appeal_id>/resolve/", appeal_views.resolve, name="resolve"),
    path("appeals/<int:appeal_id>/escalate/", appeal_views.escalate, name="escalate"),
]
