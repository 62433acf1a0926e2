"""Register the assignments admin: the assignment editor, the review queue and its menu item, the audit action."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import selectors
from .viewsets import AssignmentViewSet


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignments")


@hooks.register("register_admin_urls")
def register_review_urls():
    from . import admin_views

    return [
        path("assignments/queue/", admin_views.review_queue, name="assignments_queue"),
        path("assignments/submissions/<id:submission_id>/", admin_views.review, name="assignments_review"),
    ]


class _ReviewerMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.is_reviewer(request.user)


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return _ReviewerMenuItem(_("Assignments to review"), reverse("assignments_queue"), icon_name="tasks", order=224)


@hooks.register("register_log_actions")
def register_assignments_log_actions(actions):
    actions.register_action("assignments.review", _("Review an assignment"), _("Assignment reviewed"))
