"""Trainee URLs outside the page tree."""

from django.urls import path

from . import views
from .certificates import views as certificate_views

urlpatterns = [
    path("", views.my_credits, name="credits_my_credits"),
    path("certificates/", certificate_views.my_certificates, name="credits_my_certificates"),
    path("certificates/<id:pk>/download/", certificate_views.download, name="credits_certificate_download"),
    path("transcript.pdf", certificate_views.transcript, name="credits_transcript"),
]

# The public verification page lives at the site root (/verify/<code>/), where the QR code points.
verify_urlpatterns = [
    path("verify/", certificate_views.verify_form, name="credits_verify_form"),
    path("verify/<str:code>/", certificate_views.verify, name="credits_verify"),
]
