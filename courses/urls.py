"""Trainee URLs outside the page tree."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_learning, name="courses_my_learning"),
    path("catalogue/", views.catalogue_redirect, name="courses_catalogue"),
]
