"""Trainee URLs outside the page tree."""

from django.urls import path

from . import views

urlpatterns = [path("", views.my_credits, name="credits_my_credits")]
