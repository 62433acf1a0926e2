"""Scenarios (情景演练): a kind of lesson holding a branching role-play, the plays trainees make of it, and the
scenario an offline AB剧场 session asks its trainees to play beforehand."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import path
from wagtail.fields import StreamField
from wagtail.models import Page

from courses.models import LessonPage, TrainingSession

from .blocks import RolesBlock, ScenesBlock
from .choices import Ending, Role


class ScenarioPageForm(WagtailAdminPageForm):
    """An unfinished scenario may be saved as a draft: an editor writes a dozen scenes over several sittings. The
    graph is checked when the scenario is published or submitted for moderation (Wagtail defers validation only for
    "Save draft" and previews)."""

    def clean(self):
        self.instance.graph_check_deferred = self.is_deferred_validation
        return super().clean()


class ScenarioPage(LessonPage):
    """A scenario lesson (情景演练): scenes with two to four choices each, ending good, acceptable or poor. It is done
    when the trainee reaches an ending at least as good as ``minimum_ending``, never by marking it done."""

    minimum_ending = models.CharField(
        _("minimum ending to complete"),
        max_length=12,
        choices=Ending.choices,
        default=Ending.ACCEPTABLE,
        help_text=_("The lesson is done once the trainee reaches an ending at least this good."),
    )
    roles = StreamField(
        RolesBlock(),
        verbose_name=_("roles"),
        help_text=_("The parts a trainee can play, each with the scene it starts from."),
    )
    scenes = StreamField(ScenesBlock(), verbose_name=_("scenes"))

    marked_done_by_hand = False
    # Set by ScenarioPageForm while a draft is saved or previewed; every other save (publishing a revision from the
    # admin, a bulk or scheduled publish, code) runs the graph check.
    graph_check_deferred = False
    base_form_class = ScenarioPageForm

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required"), FieldPanel("free_preview")]),
        FieldPanel("minimum_ending"),
        FieldPanel("body", heading=_("introduction")),
        MultiFieldPanel([FieldPanel("roles")], heading=_("Roles")),
        FieldPanel("scenes"),
    ]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    template = "scenarios/scenario_page.html"

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")

    def clean(self):
        super().clean()
        # Time on task does not apply: a scenario is done by playing it (so the course page counts no minimum).
        self.min_reading_seconds = 0
        self.video_required_percent = 0
        if self.graph_check_deferred:
            return
        from .selectors import scenario_graph

        problems = scenario_graph(self).problems()
        if problems:
            raise ValidationError(problems)

    def get_context(self, request, *args, **kwargs):
        # Not LessonPage's context: a scenario has no time on task, video or "mark as done".
        return Page.get_context(self, request, *args, **kwargs)

    @path("")
    def lesson(self, request):
        from .views import scenario_view

        return scenario_view(request, scenario=self)

    @path("start/")
    def start(self, request):
        from .views import scenario_start_view

        return scenario_start_view(request, scenario=self)

    @path("choose/")
    def choose(self, request):
        from .views import scenario_choose_view

        return scenario_choose_view(request, scenario=self)

    @path("plays/<int:play_id>/")
    def play_review(self, request, play_id):
        from .views import scenario_review_view

        return scenario_review_view(request, scenario=self, play_id=play_id)


class ScenarioPlayQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(finished_at__isnull=True)

    def ended(self):
        """Plays that reached an ending (not those abandoned for a new play)."""
        return self.filter(finished_at__isnull=False).exclude(ending="")


class ScenarioPlay(models.Model):
    """One play of a scenario by a trainee in one role; its steps are the path taken. At most one is unfinished."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_plays", verbose_name=_("trainee")
    )
    scenario = models.ForeignKey(
        ScenarioPage, on_delete=models.CASCADE, related_name="plays", verbose_name=_("scenario")
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    current_scene = models.CharField(_("current scene"), max_length=40)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True, help_text=_("When it reached an ending or was left for a new play.")
    )
    ending = models.CharField(_("ending"), max_length=12, choices=Ending.choices, blank=True)

    objects = ScenarioPlayQuerySet.as_manager()

    class Meta:
        verbose_name = _("scenario play")
        verbose_name_plural = _("scenario plays")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scenario"], condition=Q(finished_at__isnull=True), name="scenario_play_one_open"
            )
        ]
        indexes = [models.Index(fields=["scenario", "finished_at"])]

    def __str__(self):
        return f"{self.user} · {self.scenario.title}"


class ScenarioStep(models.Model):
    """A choice made in a play, as it was shown (text, feedback and scores are kept as they were)."""

    play = models.ForeignKey(ScenarioPlay, on_delete=models.CASCADE, related_name="steps", verbose_name=_("play"))
    number = models.PositiveSmallIntegerField(_("step"))
    scene_key = models.CharField(_("scene"), max_length=40)
    choice_id = models.CharField(_("choice id"), max_length=64)
    choice_text = models.CharField(_("choice"), max_length=200)
    target_key = models.CharField(_("next scene"), max_length=40)
    feedback = models.TextField(_("feedback"), blank=True)
    scores = models.JSONField(_("scores"), default=list, blank=True, help_text=_("[[competency id, points], …]"))
    chosen_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario step")
        verbose_name_plural = _("scenario steps")
        ordering = ["play", "number"]
        constraints = [models.UniqueConstraint(fields=["play", "number"], name="scenario_step_once")]

    def __str__(self):
        return f"{self.play_id} #{self.number} {self.scene_key}"


class SessionPreparation(models.Model):
    """The scenario an offline session (AB剧场) asks its trainees to play beforehand; the roster shows who has."""

    session = models.OneToOneField(
        TrainingSession, on_delete=models.CASCADE, related_name="+", verbose_name=_("training session")
    )
    scenario = models.ForeignKey(
        ScenarioPage, on_delete=models.PROTECT, related_name="preparing_sessions", verbose_name=_("scenario")
    )

    panels = [FieldPanel("session"), FieldPanel("scenario")]

    class Meta:
        verbose_name = _("session preparation")
        verbose_name_plural = _("session preparations")

    def __str__(self):
        return f"{self.session} · {self.scenario.title}"
