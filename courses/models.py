"""Courses: competencies and lecturers (snippets), the catalogue, courses and lessons (pages), quizzes,
and the learner records that belong to this app (enrolment, lesson progress, quiz attempts, completion)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from academy.records import PersonalRecord
from academy.roles import LECTURERS
from academy.search import SUMMARY_BOOST
from academy.serving import CachedViewRestrictionsMixin

from .blocks import CourseBodyBlock, LessonBodyBlock, QuestionsBlock
from .choices import AttendanceStatus, CheckInMethod, DeliveryMode, RegistrationStatus, SessionPhase, SessionStatus
from .fields import PartiesField
from .rules import session_phase


class Competency(index.Indexed, models.Model):
    """One of the five core competencies (能力模块) that courses and credits are grouped by."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.CharField(
        _("short code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", _("Use two to eight capital letters, e.g. FG."))],
        help_text=_("Used as the prefix of course codes, e.g. FG for FG-03."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#b91c1c",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour such as #b91c1c."))],
        help_text=_("Shown as the competency's badge colour."),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldRowPanel([FieldPanel("colour"), FieldPanel("order")]),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("code")]

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self):
        return self.name


class Lecturer(index.Indexed, models.Model):
    """Someone who teaches courses."""

    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=100, blank=True, help_text=_("For example “高级讲师”."))
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    bio = models.TextField(_("biography"), blank=True)
    # The lecturer's own log-in, so that "the courses this lecturer teaches" (the courses naming them) decides whose
    # written assignments they review. Only accounts in the 讲师 group are offered: a superuser adds the account to
    # the group, an editor links it here.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lecturer",
        limit_choices_to={"groups__name": LECTURERS},
        verbose_name=_("log-in account"),
        help_text=_(
            "The account this lecturer logs in with (in the 讲师 group). They review the assignments of the "
            "courses that name them."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("title")]),
        FieldPanel("organisation"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("organisation")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")

    def __str__(self):
        if not self.title:
            return self.name
        return _("%(name)s (%(title)s)") % {"name": self.name, "title": self.title}


ROUTE_CACHE_SECONDS = 60 * 60


def _routed_child(parent: Page, slug: str, read):
    """The child page ``read()`` returns (its specific instance, or None), cached under the content generation: any
    page saved, published, unpublished, moved or deleted, or a view restriction changed, makes every entry stale in
    every worker at once (``academy.page_cache``). A slug not found is not cached. Each request unpickles its own
    copy, so what one request sets on the instance never reaches another."""
    import hashlib

    from django.core.cache import cache

    from .selectors import catalogue_generation

    # The slug comes from the address: hashed, so that any characters and any length make a valid cache key.
    digest = hashlib.md5(slug.encode(), usedforsecurity=False).hexdigest()
    key = f"courses:route:{catalogue_generation()}:{parent.pk}:{digest}"
    child = cache.get(key)
    if child is None:
        child = read()
        if child is not None:
            cache.set(key, child, ROUTE_CACHE_SECONDS)
    return child


class CourseIndexPage(CachedViewRestrictionsMixin, Page):
    """The catalogue (课程中心): every published course, with filters, counts per competency and a search box."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    per_page = models.PositiveSmallIntegerField(
        _("courses per page"), default=12, validators=[MinValueValidator(4), MaxValueValidator(60)]
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("per_page")]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def route(self, request, path_components):
        # Fetch the course as a CoursePage in one query instead of a Page and then its specific row.
        # The instance is cached until editors next change course content (the key carries the generation).
        if path_components:
            course = _routed_child(
                self,
                path_components[0],
                lambda: CoursePage.objects.filter(
                    path__startswith=self.path, depth=self.depth + 1, slug=path_components[0]
                ).first(),
            )
            if course is not None:
                if len(path_components) > 1:
                    # On the way to one of its lessons: the lesson's guard and context use this course instead of
                    # reading it again (``courses.views._lesson_place``).
                    request._courses_routed_course = course
                return course.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .views import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request=request, index_page=self))
        return context


class _CompetencySerializer(serializers.Field):
    def to_representation(self, value):
        return {"id": value.pk, "code": value.code, "name": value.name, "colour": value.colour}


class _LecturersSerializer(serializers.Field):
    def to_representation(self, value):
        return [{"id": lecturer.pk, "name": lecturer.name, "title": lecturer.title} for lecturer in value.all()]


class CoursePage(RoutablePageMixin, CachedViewRestrictionsMixin, Page):
    """A course (课程). Its child pages are its lessons; it may have one final quiz."""

    code = models.CharField(
        _("course code"),
        max_length=16,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{2,8}-\d{2,3}$", _("Use the competency code, a hyphen and a number, e.g. FG-03."))
        ],
        help_text=_("For example FG-03."),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="courses", verbose_name=_("competency")
    )
    audiences = PartiesField(_("audiences"), help_text=_("Which of the three parties this course is for."))
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=8, choices=DeliveryMode.choices, default=DeliveryMode.ONLINE
    )
    credits = models.DecimalField(
        _("credits"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("Credits earned on completion, one decimal place."),
    )
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    lecturers = ParentalManyToManyField(Lecturer, blank=True, related_name="courses", verbose_name=_("lecturers"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cover image"),
    )
    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("One or two sentences shown in the catalogue.")
    )
    objectives = models.TextField(_("learning objectives"), blank=True, help_text=_("One objective per line."))
    prerequisites = ParentalManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        verbose_name=_("prerequisites"),
        help_text=_("Courses a trainee must complete before enrolling in this one."),
    )
    body = StreamField(CourseBodyBlock(), blank=True, verbose_name=_("introduction"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("code"), FieldPanel("competency")]),
                FieldPanel("audiences"),
                FieldRowPanel([FieldPanel("delivery_mode"), FieldPanel("credits"), FieldPanel("hours")]),
            ],
            heading=_("Course facts"),
        ),
        MultiFieldPanel(
            [FieldPanel("summary"), FieldPanel("objectives"), FieldPanel("cover_image")], heading=_("Description")
        ),
        FieldPanel("lecturers"),
        FieldPanel("prerequisites"),
        FieldPanel("body"),
    ]
    quiz_panels = [InlinePanel("quizzes", max_num=1, label=_("Final quiz"))]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(quiz_panels, heading=_("Quiz")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary", boost=SUMMARY_BOOST),
        index.FilterField("delivery_mode"),
        index.FilterField("competency"),
    ]
    api_fields = [
        APIField("code"),
        APIField("competency", serializer=_CompetencySerializer()),
        APIField("audiences", serializer=serializers.ListField(child=serializers.CharField())),
        APIField("delivery_mode"),
        APIField("credits"),
        APIField("hours"),
        APIField("lecturers", serializer=_LecturersSerializer()),
        APIField("summary"),
        APIField("objectives"),
        APIField("body"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = pgettext_lazy("model", "courses")

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    @cached_property
    def quiz(self) -> "Quiz | None":
        return self.quizzes.first()

    def get_lessons(self):
        """The live lessons of this course, in the order editors arranged them."""
        return LessonPage.objects.child_of(self).live().order_by("path")

    def route(self, request, path_components):
        """The course's own sub-pages first (enrol/, quiz/ …, as ``RoutablePageMixin`` orders them), then a lesson by
        its slug: the lesson's specific instance comes from the cache (``_routed_child``) instead of Wagtail's two
        queries (the child by slug, then its specific row). Whatever kind of lesson it is (a scenario too)."""
        if not path_components or not self.live:
            return super().route(request, path_components)
        try:
            resolver_match = self.resolve_subpage("/" + "/".join(path_components) + "/")
        except Http404:
            lesson = _routed_child(self, path_components[0], lambda: self._child_by_slug(path_components[0]))
            if lesson is None:
                raise
            lesson._cached_parent_obj = self  # as Wagtail's Page.route does: get_parent() asks no query
            return lesson.route(request, path_components[1:])
        request.routable_resolver_match = resolver_match
        view, args, kwargs = resolver_match
        return RouteResult(self, args=(view, args, kwargs))

    def _child_by_slug(self, slug: str) -> Page | None:
        child = self.get_children().filter(slug=slug).first()
        return child.specific if child is not None else None

    def get_context(self, request, *args, **kwargs):
        from .views import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request=request, course=self))
        return context

    @path("")
    def course(self, request):
        return self.render(request)

    @path("enrol/")
    def enrol(self, request):
        from .views import course_enrol

        return course_enrol(request, course=self)

    @path("unenrol/")
    def unenrol(self, request):
        from .views import course_unenrol

        return course_unenrol(request, course=self)

    @path("feedback/")
    def feedback(self, request):
        from .views import course_feedback

        return course_feedback(request, course=self)

    @path("quiz/")
    def take_quiz(self, request):
        from .views import quiz_take

        return quiz_take(request, course=self)

    @path("quiz/attempts/<id:attempt_id>/")
    def quiz_result(self, request, attempt_id):
        from .views import quiz_result

        return quiz_result(request, course=self, attempt_id=attempt_id)


class LessonPage(RoutablePageMixin, CachedViewRestrictionsMixin, Page):
    """A lesson (课时) of a course: what to read or watch, then "mark as done"."""

    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    required = models.BooleanField(
        pgettext_lazy("course", "required"),
        default=True,
        help_text=_("Required lessons must be done to complete the course."),
    )
    free_preview = models.BooleanField(
        _("free preview"),
        default=False,
        help_text=_("Anyone may read this lesson without enrolling. Only honoured on a course's first lesson."),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    min_reading_seconds = models.PositiveIntegerField(
        _("minimum time on the lesson (seconds)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(6 * 60 * 60)],
        help_text=_(
            "How long a trainee must have the lesson open and visible before marking it done. Leave blank for half "
            "the estimated minutes; enter 0 for no minimum."
        ),
    )
    video_required_percent = models.PositiveSmallIntegerField(
        _("share of the video to watch (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("For a lesson with a video: how much of it must be played before the lesson can be marked done."),
    )
    video_no_skip_ahead = models.BooleanField(
        _("forbid skipping ahead in the video"),
        default=False,
        help_text=_("Trainees may go back but not jump past the furthest point they have watched."),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required"), FieldPanel("free_preview")]),
        MultiFieldPanel(
            [
                FieldPanel("min_reading_seconds"),
                FieldRowPanel([FieldPanel("video_required_percent"), FieldPanel("video_no_skip_ahead")]),
            ],
            heading=_("Time on task"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    api_fields = [APIField("estimated_minutes"), APIField("required"), APIField("free_preview"), APIField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    # False for a kind of lesson that completes by its own activity (a scenario at its required ending): the
    # trainee cannot mark it done (services.lesson_mark_done refuses; see lesson_kinds.py).
    marked_done_by_hand = True

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def required_seconds(self) -> int:
        """The minimum time on task this lesson asks for (see ``rules.required_reading_seconds``)."""
        from .rules import required_reading_seconds

        return required_reading_seconds(
            min_reading_seconds=self.min_reading_seconds, estimated_minutes=self.estimated_minutes
        )

    @cached_property
    def tracked_video(self):
        """The first video block of the body: the one whose playback is tracked (None when there is none)."""
        return next((block for block in self.body if block.block_type == "video" and block.value["video"]), None)

    def serve(self, request, *args, **kwargs):
        from .views import lesson_guard

        refusal = lesson_guard(request, lesson=self)
        if refusal is not None:
            return refusal
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .views import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request=request, lesson=self))
        return context

    @path("")
    def lesson(self, request):
        return self.render(request)

    @path("done/")
    def mark_done(self, request):
        from .views import lesson_mark_done_view

        return lesson_mark_done_view(request, lesson=self)

    @path("heartbeat/")
    def heartbeat(self, request):
        from .views import lesson_heartbeat_view

        return lesson_heartbeat_view(request, lesson=self)

    @path("video-progress/")
    def video_progress(self, request):
        from .views import lesson_video_progress_view

        return lesson_video_progress_view(request, lesson=self)


class Quiz(Orderable):
    """A course's final quiz: questions of three kinds, a pass mark, a limit on attempts, optional shuffling."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="quizzes", verbose_name=_("course"))
    title = models.CharField(_("title"), max_length=100, default=_("Final quiz"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    shuffle = models.BooleanField(_("shuffle questions and options"), default=False)
    questions = StreamField(QuestionsBlock(), verbose_name=_("questions"))

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("max_attempts"), FieldPanel("shuffle")]),
        FieldPanel("questions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [models.UniqueConstraint(fields=["course"], name="quiz_one_per_course")]

    def __str__(self):
        return self.title


class Enrolment(PersonalRecord, models.Model):
    """A trainee taking a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("trainee")
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrolment_once_per_course")]

    def __str__(self):
        return f"{self.user} · {self.course.title}"


class LessonProgress(PersonalRecord, models.Model):
    """A lesson a trainee has marked as done (one row per trainee and lesson)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("trainee")
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson"))
    # The lesson's course, kept here so that progress per course is one grouped query.
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("course"))
    completed_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        ordering = ["-completed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_once")]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self):
        return f"{self.user} · {self.lesson.title}"


class QuizAttempt(PersonalRecord, models.Model):
    """One submitted quiz attempt: the answers as given, the score and which questions were wrong."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("trainee")
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="quiz_attempts", verbose_name=_("course")
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts", verbose_name=_("quiz")
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    answers = models.JSONField(_("answers"), help_text=_("Question id → list of chosen option ids."))
    wrong_questions = models.JSONField(_("wrong questions"), default=list)
    question_count = models.PositiveSmallIntegerField(_("number of questions"))
    correct_count = models.PositiveSmallIntegerField(_("correct answers"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-submitted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course", "number"], name="quiz_attempt_number_once")]

    def __str__(self):
        return f"{self.user} · {self.course.code} #{self.number}: {self.score}%"


class CourseCompletion(PersonalRecord, models.Model):
    """A trainee completed a course (结业): recorded once, with its time. Credits hang off this row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_completions", verbose_name=_("trainee")
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="completions", verbose_name=_("course")
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        ordering = ["-completed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="course_completion_once")]

    def __str__(self):
        return f"{self.user} · {self.course.title}"


# Offline training ------------------------------------------------------------------------------------------


class TrainingSession(models.Model):
    """A face-to-face class (班次) of an offline or blended course at a venue; trainees register, then check in."""

    course = models.ForeignKey(
        CoursePage,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("course"),
        help_text=_("An offline or blended course; attending completes it (or its offline part)."),
    )
    title = models.CharField(_("title"), max_length=120, help_text=_("For example “矛盾调处情景模拟（第3期）”."))
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        "academy.Venue", on_delete=models.PROTECT, related_name="training_sessions", verbose_name=_("venue")
    )
    lecturer = models.ForeignKey(
        Lecturer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("lecturer"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)], help_text=_("Seats in the room.")
    )
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(
        _("registration closes"), help_text=_("Trainees may register and cancel until then.")
    )
    hours = models.DecimalField(
        _("offline hours"),
        max_digits=4,
        decimal_places=1,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("Offline hours credited for attending; leave empty to use the session's length."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    notes = models.TextField(_("notes for trainees"), blank=True, help_text=_("What to bring, dress code and so on."))

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(registration_closes__gt=models.F("registration_opens")),
                name="session_registration_closes_after_opening",
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="session_hours_positive"),
        ]
        indexes = [models.Index(fields=["status", "start"])]

    def __str__(self):
        # The day in Asia/Shanghai: a session at 00:30 on 7 December is stored as 16:30 UTC on the 6th.
        if not self.start:
            return self.title
        return _("%(title)s (%(date)s)") % {"title": self.title, "date": f"{timezone.localtime(self.start):%Y-%m-%d}"}

    @property
    def phase(self) -> str:
        """Where the session stands now (``SessionPhase``): the stored status with time taken into account."""
        return session_phase(status=self.status, start=self.start, end=self.end, now=timezone.now())

    def get_status_display(self) -> str:
        """The status as a person should read it now: 已结束 once the session has ended, 进行中 while it runs.
        Django's generated method would show the stored 已排期 for ever; every admin column, inspect page, export
        and template that shows a session's status calls this one."""
        return str(SessionPhase(self.phase).label)

    def clean(self):
        super().clean()
        errors = {}
        if self.course_id and self.course.delivery_mode not in (DeliveryMode.OFFLINE, DeliveryMode.BLENDED):
            errors["course"] = _("Choose an offline or blended course: online courses have no sessions.")
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The session must end after it starts.")
        if self.registration_opens and self.registration_closes:
            if self.registration_closes <= self.registration_opens:
                errors["registration_closes"] = _("Registration must close after it opens.")
            elif self.end and self.registration_closes > self.end:
                errors["registration_closes"] = _("Registration must close before the session ends.")
        if errors:
            raise ValidationError(errors)
        if self.hours is None and self.start and self.end:
            seconds = Decimal((self.end - self.start).total_seconds())
            self.hours = max((seconds / 3600).quantize(Decimal("0.1")), Decimal("0.1"))


class SessionRegistrationQuerySet(models.QuerySet):
    """Named reads of session places."""

    def active(self):
        """Places that still count: registered or on the waiting list, not cancelled. The one definition the
        trainee's own pages, the session list and cancelling or withdrawing a place read."""
        return self.exclude(status=RegistrationStatus.CANCELLED)


class SessionRegistration(PersonalRecord, models.Model):
    """A trainee's place in a session: registered, on the waiting list (with a position) or cancelled."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="session_registrations",
        verbose_name=_("trainee"),
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    position = models.PositiveIntegerField(
        _("waiting list position"), null=True, blank=True, help_text=_("Only for the waiting list; lower goes first.")
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
        help_text=_("The member of staff who added the trainee; empty when they registered themselves."),
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = SessionRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("session registration")
        verbose_name_plural = _("session registrations")
        ordering = ["session", "status", "position", "registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="session_registration_once"),
            models.CheckConstraint(
                condition=(models.Q(status=RegistrationStatus.WAITLISTED) & models.Q(position__isnull=False))
                | (~models.Q(status=RegistrationStatus.WAITLISTED) & models.Q(position__isnull=True)),
                name="session_registration_position_only_on_waitlist",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self):
        return f"{self.user} · {self.session.title}"


class SessionAttendance(PersonalRecord, models.Model):
    """A trainee attended a session (present or late): recorded once, by QR, code, staff or import."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("session")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="session_attendances",
        verbose_name=_("trainee"),
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("recorded by way of"), max_length=10, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty when the trainee checked in themselves."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "checked_in_at"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="session_attendance_once")]

    def __str__(self):
        return f"{self.user} · {self.session.title} · {self.get_status_display()}"


# Time on task, video progress and course feedback ------------------------------------------------------------


class LessonTime(PersonalRecord, models.Model):
    """Seconds a trainee has had a lesson open and visible, summed from accepted heartbeats (one row per lesson)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_times", verbose_name=_("trainee")
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="times", verbose_name=_("lesson"))
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("course"))
    seconds = models.PositiveIntegerField(_("seconds on task"), default=0)
    last_beat_at = models.DateTimeField(_("last heartbeat at"), null=True, blank=True)
    beats = models.PositiveIntegerField(_("accepted heartbeats"), default=0)

    class Meta:
        verbose_name = _("time on lesson")
        verbose_name_plural = _("time on lessons")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lesson_time_once")]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self):
        return f"{self.user} · {self.lesson.title}: {self.seconds}s"


class VideoLength(models.Model):
    """A video document's length, read once from its file by a background task when it is uploaded or replaced."""

    document = models.OneToOneField(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    file_name = models.CharField(_("file"), max_length=255, help_text=_("The file the length was read from."))
    seconds = models.FloatField(
        _("video length (seconds)"), null=True, blank=True, help_text=_("Empty when the file's length cannot be read.")
    )
    measured_at = models.DateTimeField(_("measured at"), auto_now=True)

    class Meta:
        verbose_name = _("video length")
        verbose_name_plural = _("video lengths")

    def __str__(self):
        return f"{self.file_name}: {self.seconds}"


class VideoProgress(PersonalRecord, models.Model):
    """What a trainee has played of a lesson's video: merged intervals, the furthest point and where to resume."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_progress", verbose_name=_("trainee")
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="video_records", verbose_name=_("lesson")
    )
    duration = models.FloatField(_("video length (seconds)"), validators=[MinValueValidator(0.1)])
    intervals = models.JSONField(
        _("played intervals"), default=list, help_text=_("Merged [start, end] pairs in seconds.")
    )
    watched_seconds = models.FloatField(_("seconds watched"), default=0)
    furthest = models.FloatField(_("furthest point reached (seconds)"), default=0)
    position = models.FloatField(_("resume position (seconds)"), default=0)
    last_report_at = models.DateTimeField(_("last report at"), null=True, blank=True)

    class Meta:
        verbose_name = _("video progress")
        verbose_name_plural = _("video progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="video_progress_once"),
            models.CheckConstraint(
                condition=models.Q(watched_seconds__gte=0) & models.Q(watched_seconds__lte=models.F("duration") + 1),
                name="video_progress_watched_within_duration",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.lesson.title}: {self.percent}%"

    @property
    def percent(self) -> int:
        from .rules import watched_percent

        return watched_percent(watched=self.watched_seconds, duration=self.duration)


class CourseFeedback(PersonalRecord, models.Model):
    """课程评价: one trainee's ratings of a completed course (1–5 each) and an optional comment."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_feedback", verbose_name=_("trainee")
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="feedback_answers", verbose_name=_("course")
    )
    content_rating = models.PositiveSmallIntegerField(
        _("content"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    lecturer_rating = models.PositiveSmallIntegerField(
        _("lecturer"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness_rating = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(pgettext_lazy("feedback", "comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("course feedback")
        verbose_name_plural = _("course feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="course_feedback_once"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"course_feedback_{name}_1_to_5"
                )
                for name in ("content_rating", "lecturer_rating", "usefulness_rating")
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.course.title}"
