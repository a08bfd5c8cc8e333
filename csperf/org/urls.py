from django.urls import path

from csperf.org import views

app_name = "org"
urlpatterns = [
    path("", views.index, name="index"),
    path("hire/", views.hire, name="hire"),
    path("employees/<int:employee_id>/", views.employee, name="employee"),
    path("employees/<int:employee_id>/move/", views.move, name="move"),
    path("employees/<int:employee_id>/leave/", views.leave, name="leave"),
    path("access/", views.access, name="access"),
    path("access/logins/", views.create_login, name="create-login"),
    path("access/roles/", views.grant_role, name="grant-role"),
    path("access/roles/<int:membership_id>/revoke/", views.revoke_role, name="revoke-role"),
    path("access/logins/<int:login_id>/password/", views.reset_password, name="reset-password"),
    path("access/logins/<int:login_id>/active/", views.set_active, name="set-active"),
]
