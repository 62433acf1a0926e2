"""Trainee URLs outside the page tree."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_learning, name="courses_my_learning"),
    path("catalogue/", views.catalogue_redirect, name="courses_catalogue"),
    path("sessions/", views.my_training, name="courses_my_training"),
    path("sessions/<id:session_id>/", views.session_detail, name="courses_session"),
    path("sessions/<id:session_id>/register/", views.session_register_view, name="courses_session_register"),
    path("sessions/<id:session_id>/cancel/", views.session_cancel_view, name="courses_session_cancel"),
    path("sessions/<id:session_id>/calendar.ics", views.session_calendar, name="courses_session_calendar"),
    path("sessions/<id:session_id>/check-in/", views.session_check_in_view, name="courses_session_check_in"),
]
