"""Admin CRUD for session preparations: which scenario an offline session asks its trainees to play beforehand.
Registrars, who run sessions, manage them (the same people the session admin lets in)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from courses.permissions import TrainingSessionPermissionPolicy

from .models import SessionPreparation


class SessionPreparationPermissionPolicy(TrainingSessionPermissionPolicy):
    def users_with_permission(self, action):
        from academy.models import User

        return User.objects.none()


class SessionPreparationViewSet(ModelViewSet):
    model = SessionPreparation
    icon = "comment"
    menu_label = _("Scenarios before sessions")
    menu_order = 226
    add_to_admin_menu = True
    form_fields = ["session", "scenario"]
    list_display = ["session", "scenario"]
    name = "session_preparations"
