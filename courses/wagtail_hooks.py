"""Register the courses admin screens."""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import CourseCompletion, Enrolment
from .permissions import LearnerRecordPermissionPolicy
from .viewsets import CourseSnippetsGroup

register_permission_policy(Enrolment, LearnerRecordPermissionPolicy(Enrolment))
register_permission_policy(CourseCompletion, LearnerRecordPermissionPolicy(CourseCompletion))
register_snippet(CourseSnippetsGroup)

# Enrolments and completions are listed in the "三方学院" menu group, which credits assembles.
