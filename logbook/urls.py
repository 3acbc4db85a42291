from django.urls import path

from . import views

app_name = "logbook"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("log/", views.session_list, name="list"),
    path("log/new/", views.session_create, name="create"),
    path("log/planned/<int:planned_pk>/", views.session_create, name="log_planned"),
    path("log/export.csv", views.export_csv, name="export_csv"),
    path("log/export.json", views.export_json, name="export_json"),
    path("log/import/", views.import_upload, name="import"),
    path("log/import/<uuid:pk>/review/", views.import_review, name="import_review"),
    path("log/imports/", views.import_list, name="imports"),
    path("log/imports/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("log/imports/<uuid:pk>/undo/", views.import_undo, name="import_undo"),
    path("my-exercises/", views.own_exercise_list, name="own_exercises"),
    path("my-exercises/<int:pk>/", views.own_exercise, name="own_exercise"),
    path("my-exercises/<int:pk>/delete/", views.own_exercise_delete, name="own_exercise_delete"),
    path("my-exercises/<int:pk>/merge/", views.own_exercise_merge, name="own_exercise_merge"),
    path("log/<int:pk>/", views.session_detail, name="detail"),
    path("log/<int:pk>/edit/", views.session_update, name="update"),
    path("log/<int:pk>/delete/", views.session_delete, name="delete"),
    path("progress/", views.progress, name="progress"),
    path("progress/<slug:slug>/", views.progress_exercise, name="progress_exercise"),
]
