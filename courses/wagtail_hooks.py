"""Register the courses admin screens."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import CourseCompletion, Enrolment, SessionAttendance, SessionRegistration, TrainingSession
from .permissions import LearnerRecordPermissionPolicy, TrainingSessionPermissionPolicy
from .viewsets import CourseSnippetsGroup, OfflineTrainingGroup

register_permission_policy(Enrolment, LearnerRecordPermissionPolicy(Enrolment))
register_permission_policy(CourseCompletion, LearnerRecordPermissionPolicy(CourseCompletion))
register_permission_policy(SessionRegistration, LearnerRecordPermissionPolicy(SessionRegistration))
register_permission_policy(SessionAttendance, LearnerRecordPermissionPolicy(SessionAttendance))
register_permission_policy(TrainingSession, TrainingSessionPermissionPolicy(TrainingSession))
register_snippet(CourseSnippetsGroup)

# Enrolments and completions are listed in the "三方学院" menu group, which credits assembles.


@hooks.register("register_admin_viewset")
def register_offline_training():
    return OfflineTrainingGroup()


@hooks.register("register_admin_urls")
def register_feedback_urls():
    from django.urls import path

    from . import admin_views

    return [
        path("courses/feedback/", admin_views.feedback_overview, name="courses_feedback"),
        path(
            "courses/feedback/course/<id:course_id>.xlsx",
            admin_views.feedback_export_course,
            name="courses_feedback_export_course",
        ),
        path(
            "courses/feedback/lecturer/<id:lecturer_id>.xlsx",
            admin_views.feedback_export_lecturer,
            name="courses_feedback_export_lecturer",
        ),
    ]


class _RegistrarMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_registrar


@hooks.register("register_admin_menu_item")
def register_feedback_menu_item():
    return _RegistrarMenuItem(_("Course feedback"), reverse("courses_feedback"), icon_name="pick", order=235)


@hooks.register("register_log_actions")
def register_courses_log_actions(actions):
    actions.register_action("courses.attendance_import", _("Import attendance"), _("Attendance imported"))
    actions.register_action("courses.attendance_mark", _("Mark attendance"), _("Attendance marked by staff"))
    actions.register_action(
        "courses.registration_withdraw", _("Cancel a trainee's place"), _("Session place cancelled by staff")
    )
