from django.urls import path

from csperf.org import views

app_name = "org"
urlpatterns = [
    path("", views.index, name="index"),
    path("hire/", views.hire, name="hire"),
    path("employees/<int:employee_id>/", views.employee, name="employee"),
    path("employees/<int:employee_id>/move/", views.move, name="move"),
    path("employees/<int:employee_id>/leave/", views.leave, name="leave"),
]
