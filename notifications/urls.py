"""The site inbox's URLs (under /messages/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="notifications_inbox"),
    path("read-all/", views.mark_all_read, name="notifications_mark_all_read"),
    path("settings/", views.preferences, name="notifications_preferences"),
    path("<id:notification_id>/", views.notification_detail, name="notifications_detail"),
]
