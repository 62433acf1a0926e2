"""Trainee URLs of written assignments (under /assignments/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:assignment_id>/", views.submission_page, name="assignments_submission"),
    path("<id:assignment_id>/submit/", views.submission_submit, name="assignments_submit"),
    path("files/<id:file_id>/", views.submission_file, name="assignments_file"),
]
