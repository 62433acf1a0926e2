"""Admin screens for courses: competency and lecturer snippets; read-only enrolment and completion lists."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from academy.selectors import users_visible_to
from academy.spreadsheets import StreamingExportMixin

from .models import Competency, CourseCompletion, Enrolment, Lecturer


class CompetencyViewSet(SnippetViewSet):
    """能力模块: the five competencies; editors may rename, recolour and reorder them."""

    model = Competency
    icon = "tag"
    menu_label = _("Competencies")
    list_display = ["name", "code", "colour", "order"]
    search_fields = ["name", "code"]
    ordering = ["order"]


class LecturerViewSet(SnippetViewSet):
    model = Lecturer
    icon = "user"
    menu_label = _("Lecturers")
    list_display = ["name", "title", "organisation"]
    list_export = ["name", "title", "organisation"]
    search_fields = ["name", "organisation"]


class CourseSnippetsGroup(SnippetViewSetGroup):
    menu_label = _("Courses")
    menu_icon = "folder-open-inverse"
    menu_order = 220
    items = (CompetencyViewSet, LecturerViewSet)


class VisibleRecordsMixin:
    """Records of the trainees the viewer may see (everyone for registrars, one street for its administrator)."""

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(user__in=users_visible_to(self.request.user))
            .select_related("user", "course", "course__competency")
        )

    def get_object(self, queryset=None):
        record = super().get_object(queryset) if queryset is not None else super().get_object()
        if not users_visible_to(self.request.user).filter(pk=record.user_id).exists():
            raise Http404
        return record


class LearnerRecordViewSet(ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True

    # Add and edit are never permitted (see LearnerRecordPermissionPolicy); the form only satisfies ModelViewSet.
    form_fields = ["user", "course"]

    @property
    def index_view_class(self):
        from wagtail.admin.views import generic

        return type("IndexView", (VisibleRecordsMixin, StreamingExportMixin, generic.IndexView), {})

    @property
    def inspect_view_class(self):
        from wagtail.admin.views import generic

        return type("InspectView", (VisibleRecordsMixin, generic.InspectView), {})


class EnrolmentViewSet(LearnerRecordViewSet):
    """选课记录: who is enrolled in what, for registrars and street administrators."""

    model = Enrolment
    icon = "list-ul"
    menu_label = _("Enrolments")
    url_prefix = "courses/enrolments"
    url_namespace = "courses_enrolments"
    list_display = ["user", "course", "enrolled_at"]
    list_filter = ["course__competency", "enrolled_at"]
    list_export = ["user", "course", "enrolled_at"]
    export_filename = "enrolments"
    search_fields = ["user__real_name", "course__title", "course__code"]


class CourseCompletionViewSet(LearnerRecordViewSet):
    """结业记录: course completions with their time."""

    model = CourseCompletion
    icon = "success"
    menu_label = _("Course completions")
    url_prefix = "courses/completions"
    url_namespace = "courses_completions"
    list_display = ["user", "course", "completed_at"]
    list_filter = ["course__competency", "completed_at"]
    list_export = ["user", "course", "completed_at"]
    export_filename = "course-completions"
    search_fields = ["user__real_name", "course__title", "course__code"]


