from django.urls import path

from . import views

app_name = "logbook"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("log/", views.session_list, name="list"),
    path("log/new/", views.session_create, name="create"),
    path("log/planned/<int:planned_pk>/", views.session_create, name="log_planned"),
    path("log/drafts/<str:draft_id>/discard/", views.draft_discard, name="draft_discard"),
    path("log/export.csv", views.export_csv, name="export_csv"),
    path("log/export.json", views.export_json, name="export_json"),
    path("log/import/", views.import_strong, name="import"),
    path("log/<int:pk>/", views.session_detail, name="detail"),
    path("log/<int:pk>/edit/", views.session_update, name="update"),
    path("log/<int:pk>/delete/", views.session_delete, name="delete"),
    path("progress/", views.progress, name="progress"),
    path("progress/<slug:slug>/", views.progress_exercise, name="progress_exercise"),
]
