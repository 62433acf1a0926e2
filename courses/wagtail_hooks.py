"""Register the courses admin screens."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import CourseCompletion, Enrolment
from .permissions import LearnerRecordPermissionPolicy
from .viewsets import CourseSnippetsGroup, LearnerRecordsGroup

register_permission_policy(Enrolment, LearnerRecordPermissionPolicy(Enrolment))
register_permission_policy(CourseCompletion, LearnerRecordPermissionPolicy(CourseCompletion))
register_snippet(CourseSnippetsGroup)


@hooks.register("register_admin_viewset")
def register_learner_records():
    return LearnerRecordsGroup()
