"""Admin screens for courses: competency and lecturer snippets; read-only enrolment and completion lists."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from academy.absolute import absolute_url
from academy.admin_titles import TitledAdminViewMixin
from academy.admin_views import ReadableViewSetMixin
from academy.converters import DatabaseIdConverter
from academy.models import User
from academy.selectors import users_visible_to
from academy.spreadsheets import StreamingExportMixin
from notifications.admin_views import StaffNoticeView

from . import checkin, documents, notices, rules, selectors, services
from . import roster as roster_columns
from .forms import AttendanceImportForm, SessionAddTraineeForm
from .models import (
    Competency,
    CourseCompletion,
    Enrolment,
    Lecturer,
    SessionAttendance,
    SessionRegistration,
    TrainingSession,
)


class CompetencyViewSet(ReadableViewSetMixin, SnippetViewSet):
    """能力模块: the five competencies; editors may rename, recolour and reorder them."""

    model = Competency
    icon = "tag"
    menu_label = _("Competencies")
    list_display = ["name", "code", "colour", "order"]
    search_fields = ["name", "code"]
    ordering = ["order"]


class LecturerViewSet(ReadableViewSetMixin, SnippetViewSet):
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


class LearnerRecordViewSet(ReadableViewSetMixin, ModelViewSet):
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
    menu_label = pgettext_lazy("admin menu", "Enrolments")
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
    menu_label = pgettext_lazy("admin menu", "Course completions")
    url_prefix = "courses/completions"
    url_namespace = "courses_completions"
    list_display = ["user", "course", "completed_at"]
    list_filter = ["course__competency", "completed_at"]
    list_export = ["user", "course", "completed_at"]
    export_filename = "course-completions"
    search_fields = ["user__real_name", "course__title", "course__code"]


# Offline training --------------------------------------------------------------------------------------------


class SessionIndexView(generic.IndexView):
    """The sessions list, with each row's roster and projector one click away."""

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "venue", "lecturer")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        namespace = "courses_sessions"
        buttons.append(
            MenuItem(
                _("Roster and attendance"),
                url=reverse(f"{namespace}:roster", args=[instance.pk]),
                icon_name="group",
                priority=1,
            )
        )
        if self.permission_policy.user_has_permission(self.request.user, "run"):
            buttons.append(
                ListingButton(
                    _("Projector"),
                    url=reverse(f"{namespace}:projector", args=[instance.pk]),
                    icon_name="view",
                    attrs={"target": "_blank", "rel": "noopener"},
                    priority=5,
                )
            )
        buttons.append(
            MenuItem(
                _("Sign-in sheet (PDF)"),
                url=reverse(f"{namespace}:sign_in_sheet", args=[instance.pk]),
                icon_name="doc-full",
                priority=40,
            )
        )
        buttons.append(
            MenuItem(
                _("Attendance sheet (Excel)"),
                url=reverse(f"{namespace}:attendance_export", args=[instance.pk]),
                icon_name="download",
                priority=41,
            )
        )
        return buttons


class SessionEditView(generic.EditView):
    """Editing a session: when the change frees seats (more places, or a cancelled session scheduled again), the
    waiting list moves up in order in the same transaction as the save."""

    def save_instance(self):
        instance = super().save_instance()
        services.session_waiting_list_settle(session=instance)
        return instance


class SessionStaffMixin:
    """Finds the session and refuses anyone without ``action`` on sessions."""

    parent_url_name = "courses_sessions:index"
    parent_label = _("Training sessions")
    permission_policy = None
    action = "view"

    def dispatch(self, request, *args, pk, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, self.action):
            raise PermissionDenied
        self.session = get_object_or_404(
            TrainingSession.objects.select_related(
                "course", "course__competency", "venue", "venue__district", "lecturer"
            ),
            pk=pk,
        )
        return super().dispatch(request, *args, **kwargs)


class SessionNoticeView(SessionStaffMixin, StaffNoticeView):
    """Send a notice to everyone registered or waiting for the session (registrars): the admin's one staff-notice
    form (notifications/admin_views.py), with the session's registrants as its recipients."""

    action = "change"

    def get_page_title(self):
        return self.session.title

    def get_page_subtitle(self):
        return gettext("Send a notice to its trainees")

    @property
    def audience(self):
        session = self.session
        return gettext("%(course)s · %(start)s · %(venue)s: everyone registered or on the waiting list.") % {
            "course": session.course,
            "start": formats.date_format(timezone.localtime(session.start), "Y-m-d H:i"),
            "venue": session.venue,
        }

    def get_recipients(self):
        return notices.session_trainees_to_tell(self.session)

    def get_about(self):
        return self.session

    def get_link(self):
        return notices.session_link(self.session)

    def get_back_url(self):
        return reverse("courses_sessions:roster", args=[self.session.pk])


class SessionRosterView(SessionStaffMixin, TitledAdminViewMixin, TemplateView):
    """A session's roster (street administrators see their street's rows) with, for registrars, marking by hand,
    adding a trainee by phone and importing attendance from Excel."""

    template_name = "courses/admin/session_roster.html"
    header_icon = "group"

    def get_page_title(self):
        return self.session.title

    def get_page_subtitle(self):
        return gettext("Roster and attendance")

    def get_context_data(self, **kwargs):
        roster = selectors.session_roster(self.session, viewer=self.request.user)
        can_run = self.permission_policy.user_has_permission(self.request.user, "run")
        # Columns added by apps above courses (e.g. whether each trainee has played the session's scenario).
        extra_columns = roster_columns.extra_columns(self.session, [row["user"].pk for row in roster])
        for row in roster:
            row["extra"] = [column["cells"][row["user"].pk] for column in extra_columns]
        return {
            **super().get_context_data(**kwargs),
            "session": self.session,
            "roster": roster,
            "extra_columns": extra_columns,
            "seats": selectors.session_seats(self.session),
            "attended": sum(1 for row in roster if row["attendance"]),
            "can_run": can_run,
            "add_form": kwargs.get("add_form") or SessionAddTraineeForm(),
            "import_form": kwargs.get("import_form") or AttendanceImportForm(),
            "import_errors": kwargs.get("import_errors", []),
            "index_url": reverse("courses_sessions:index"),
        }

    @staticmethod
    def _roster_user(request):
        """The trainee a roster action names, or None when the posted id is not an id at all ("abc", 23 digits)."""
        user_id = request.POST.get("user", "")
        return User.objects.filter(pk=user_id).first() if DatabaseIdConverter.is_valid(user_id) else None

    def post(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "run"):
            raise PermissionDenied
        action = request.POST.get("action")
        roster_url = reverse("courses_sessions:roster", args=[self.session.pk])
        if action == "mark":
            user = self._roster_user(request)
            try:
                if user is None:
                    raise services.CourseActionError(gettext("Choose a trainee on the roster."), code="invalid")
                services.attendance_mark(
                    actor=request.user, session=self.session, user=user, status=request.POST.get("status", "")
                )
            except services.CourseActionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, gettext("Attendance recorded for %(name)s.") % {"name": user.display_name})
            return redirect(roster_url)
        if action == "withdraw":
            user = self._roster_user(request)
            try:
                if user is None:
                    raise services.CourseActionError(gettext("Choose a trainee on the roster."), code="invalid")
                services.session_registration_withdraw(actor=request.user, session=self.session, user=user)
            except services.CourseActionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, gettext("%(name)s's place is cancelled.") % {"name": user.display_name})
            return redirect(roster_url)
        if action == "add":
            form = SessionAddTraineeForm(request.POST)
            if form.is_valid():
                try:
                    registration = services.session_registration_add(
                        actor=request.user, user=form.cleaned_data["trainee"], session=self.session
                    )
                except services.CourseActionError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        gettext("%(name)s: %(status)s.")
                        % {"name": registration.user.display_name, "status": registration.get_status_display()},
                    )
                    return redirect(roster_url)
            return self.render_to_response(self.get_context_data(add_form=form))
        if action == "import":
            form = AttendanceImportForm(request.POST, request.FILES)
            errors = []
            if form.is_valid():
                try:
                    result = services.attendance_import(
                        actor=request.user, session=self.session, file=form.cleaned_data["file"]
                    )
                except services.AttendanceImportError as error:
                    form.add_error(None, error.message)
                    errors = error.errors
                except services.CourseActionError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        gettext("Imported %(recorded)d attendance records; %(already)d were already recorded.")
                        % {"recorded": result.recorded, "already": result.already_recorded},
                    )
                    return redirect(roster_url)
            return self.render_to_response(self.get_context_data(import_form=form, import_errors=errors))
        messages.error(request, gettext("Unknown action."))
        return redirect(roster_url)


class SessionProjectorView(SessionStaffMixin, TemplateView):
    """The full-screen page staff project in the room: a QR code and six-digit code that change every 30 seconds."""

    template_name = "courses/admin/projector.html"
    action = "run"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "session": self.session,
            "code_url": reverse("courses_sessions:projector_code", args=[self.session.pk]),
            **projector_state(self.request, self.session),
        }


def projector_state(request, session: TrainingSession) -> dict:
    """What the projector shows right now: the QR code (SVG) for the check-in URL, the code, the countdown and how
    many have checked in."""
    window = checkin.window_at()
    url = absolute_url(reverse("courses_session_check_in", kwargs={"session_id": session.pk}), request)
    url = f"{url}?t={checkin.token_for(session.pk, window)}"
    return {
        "qr_svg": documents.qr_svg(url),
        "check_in_url": url,
        "code": checkin.code_for(session.pk, window),
        "seconds_left": checkin.seconds_left(),
        "checked_in": SessionAttendance.objects.filter(session=session).count(),
        "check_in_problem": rules.check_in_problem(now=timezone.now(), start=session.start, end=session.end),
    }


class SessionProjectorCodeView(SessionStaffMixin, View):
    """The projector's JSON feed: its script fetches this when the window turns."""

    action = "run"

    def get(self, request, *args, **kwargs):
        state = projector_state(request, self.session)
        problem = state.pop("check_in_problem")
        response = JsonResponse({**state, "check_in_problem": gettext(problem) if problem else ""})
        response["Cache-Control"] = "no-store"
        return response


class SessionAttendanceExportView(SessionStaffMixin, View):
    def get(self, request, *args, **kwargs):
        roster = selectors.session_roster(self.session, viewer=request.user)
        response = HttpResponse(
            documents.attendance_workbook(session=self.session, roster=roster),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="attendance-{self.session.pk}.xlsx"'
        return response


class SessionSignInSheetView(SessionStaffMixin, View):
    def get(self, request, *args, **kwargs):
        roster = selectors.session_roster(self.session, viewer=request.user)
        pdf = documents.sign_in_sheet_pdf(session=self.session, roster=roster, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="sign-in-{self.session.pk}.pdf"'
        return response


class AttendanceTemplateView(View):
    permission_policy = None

    def get(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "run"):
            raise PermissionDenied
        response = HttpResponse(
            documents.import_template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="attendance-template.xlsx"'
        return response


class TrainingSessionViewSet(ReadableViewSetMixin, ModelViewSet):
    """培训班次: offline sessions of offline and blended courses; registrars run them, street administrators look."""

    model = TrainingSession
    icon = "date"
    menu_label = _("Training sessions")
    url_prefix = "courses/sessions"
    url_namespace = "courses_sessions"
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    copy_view_enabled = True
    inspect_view_enabled = True
    form_fields = [
        "course", "title", "start", "end", "venue", "lecturer", "capacity", "registration_opens",
        "registration_closes", "hours", "status", "notes",
    ]  # fmt: skip
    list_display = ["title", "course", "start", "venue", "capacity", "status"]
    list_filter = ["status", "venue", "course__competency", "start"]
    list_export = ["title", "course", "start", "end", "venue", "lecturer", "capacity", "hours", "status"]
    export_filename = "training-sessions"
    search_fields = ["title", "course__title", "course__code"]
    ordering = ["-start"]

    def _staff_view(self, view_class, **kwargs):
        return view_class.as_view(permission_policy=self.permission_policy, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("roster/<id:pk>/", self._staff_view(SessionRosterView), name="roster"),
            path("notice/<id:pk>/", self._staff_view(SessionNoticeView), name="notice"),
            path("projector/<id:pk>/", self._staff_view(SessionProjectorView), name="projector"),
            path("projector/<id:pk>/code/", self._staff_view(SessionProjectorCodeView), name="projector_code"),
            path("attendance/<id:pk>/export/", self._staff_view(SessionAttendanceExportView), name="attendance_export"),
            path("sign-in/<id:pk>/", self._staff_view(SessionSignInSheetView), name="sign_in_sheet"),
            path("attendance/template/", self._staff_view(AttendanceTemplateView), name="attendance_template"),
        ]


class SessionRecordMixin:
    """Registrations or attendance of the trainees the viewer may see."""

    def get_base_queryset(self):
        return self.model.objects.filter(user__in=users_visible_to(self.request.user)).select_related(
            "user", "session", "session__course"
        )

    def get_object(self, queryset=None):
        record = super().get_object(queryset) if queryset is not None else super().get_object()
        if not users_visible_to(self.request.user).filter(pk=record.user_id).exists():
            raise Http404
        return record


class SessionRecordViewSet(ReadableViewSetMixin, ModelViewSet):
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["user", "session"]  # never used: the permission policy refuses add and edit

    @property
    def index_view_class(self):
        return type("IndexView", (SessionRecordMixin, generic.IndexView), {})

    @property
    def inspect_view_class(self):
        return type("InspectView", (SessionRecordMixin, generic.InspectView), {})


class SessionRegistrationViewSet(SessionRecordViewSet):
    """报名记录: who registered for which session, and who waits."""

    model = SessionRegistration
    icon = "list-ul"
    menu_label = _("Session registrations")
    url_prefix = "courses/session-registrations"
    url_namespace = "courses_session_registrations"
    list_display = ["user", "session", "status", "position", "registered_at", "registered_by"]
    list_filter = ["status", "session"]
    list_export = ["user", "session", "status", "position", "registered_at", "registered_by", "reminded_at"]
    export_filename = "session-registrations"
    search_fields = ["user__real_name", "session__title"]


class SessionAttendanceViewSet(SessionRecordViewSet):
    """签到记录: who attended which session, how and when."""

    model = SessionAttendance
    icon = "tick"
    menu_label = _("Attendance")
    url_prefix = "courses/attendance"
    url_namespace = "courses_attendance"
    list_display = ["user", "session", "status", "checked_in_at", "method", "recorded_by"]
    list_filter = ["status", "method", "session"]
    list_export = ["user", "session", "status", "checked_in_at", "method", "recorded_by"]
    export_filename = "attendance"
    search_fields = ["user__real_name", "session__title"]


class OfflineTrainingGroup(ModelViewSetGroup):
    menu_label = _("Offline training")
    menu_icon = "date"
    menu_order = 225
    items = (TrainingSessionViewSet, SessionRegistrationViewSet, SessionAttendanceViewSet)
