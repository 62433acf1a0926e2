"""Register the courses admin screens."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .models import CourseCompletion, Enrolment, SessionAttendance, SessionRegistration, TrainingSession
from .permissions import LearnerRecordPermissionPolicy, TrainingSessionPermissionPolicy
from .viewsets import CourseSnippetsGroup, LearnerRecordsGroup, OfflineTrainingGroup

register_permission_policy(Enrolment, LearnerRecordPermissionPolicy(Enrolment))
register_permission_policy(CourseCompletion, LearnerRecordPermissionPolicy(CourseCompletion))
register_permission_policy(SessionRegistration, LearnerRecordPermissionPolicy(SessionRegistration))
register_permission_policy(SessionAttendance, LearnerRecordPermissionPolicy(SessionAttendance))
register_permission_policy(TrainingSession, TrainingSessionPermissionPolicy(TrainingSession))
register_snippet(CourseSnippetsGroup)


@hooks.register("register_admin_viewset")
def register_learner_records():
    return LearnerRecordsGroup()


@hooks.register("register_admin_viewset")
def register_offline_training():
    return OfflineTrainingGroup()
