from django.urls import path, re_path

from . import views

app_name = "programs"
urlpatterns = [
    path("programs/", views.program_list, name="list"),
    path("guides/race-week/", views.race_week, name="race_week"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("programs/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("enrollments/", views.enrollment_list, name="enrollments"),
    path("enrollments/<int:pk>/", views.enrollment_detail, name="enrollment"),
    re_path(
        r"^enrollments/(?P<pk>[0-9]+)/(?P<action>pause|resume|restart|leave)/$",
        views.enrollment_action,
        name="enrollment_action",
    ),
    path("planned/<int:pk>/skip/", views.planned_skip, name="skip"),
    path("planned/<int:pk>/unskip/", views.planned_unskip, name="unskip"),
    path("planned/<int:pk>/move/", views.planned_move, name="move"),
    path("races/", views.race_list, name="races"),
    path("races/<int:pk>/", views.race_edit, name="race"),
    path("races/<int:pk>/delete/", views.race_delete, name="race_delete"),
    path("calendar/", views.calendar_week, name="calendar"),
    path("calendar/month/", views.calendar_month, name="calendar_month"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    re_path(r"^calendar/feed/(?P<action>rotate|revoke)/$", views.calendar_feed_action, name="calendar_feed_action"),
]
