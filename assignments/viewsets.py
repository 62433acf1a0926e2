"""The assignments editors write (a ModelViewSet: a course is chosen on the assignment, since courses cannot know
assignments), under the admin's "Courses" area beside the review queue."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Assignment


class AssignmentViewSet(ModelViewSet):
    """作业: one per course: brief, rubric, what may be handed in, due days, whether completion needs a pass."""

    model = Assignment
    icon = "doc-full"
    menu_label = _("Assignments")
    menu_order = 225
    add_to_admin_menu = True
    list_display = ["title", "course", "due_days", "required_for_completion"]
    list_filter = ["required_for_completion"]
    search_fields = ["title"]
    copy_view_enabled = False
