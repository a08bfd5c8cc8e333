from django.urls import path

from csperf.reports import audit_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audit/", audit_views.audit_page, name="audit"),
    path("intraday/", views.intraday, name="intraday"),
    path("me/", views.my_trend, name="me"),
    path("me/trend.json", views.my_trend_json, name="me-json"),
    path("cycles/<int:cycle_id>/", views.cycle_results, name="cycle"),
    path("cycles/<int:cycle_id>/summary.xlsx", views.cycle_summary, name="summary"),
    path("cycles/<int:cycle_id>/pay.xlsx", views.pay_sheet, name="pay"),
    path("cards/<int:card_id>/print/", views.card_print, name="card-print"),
    path("cards/<int:card_id>/card.pdf", views.card_pdf_view, name="card-pdf"),
    path("cards/<int:card_id>/items/<str:item_code>/", views.explain_item, name="explain"),
]
