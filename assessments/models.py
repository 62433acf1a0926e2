"""The question bank (题库): questions per competency with their options, difficulty, tags, explanation and status,
and cases (a short case text with several questions on it)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from courses.models import Competency

from . import rules
from .choices import BlankMatch, Difficulty, QuestionStatus, QuestionType
from .forms import BankQuestionForm


class Case(index.Indexed, models.Model):
    """A short case (案例) that several questions ask about; the trainee reads it above them."""

    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="bank_cases", verbose_name=_("competency")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("case text"), help_text=_("The situation the questions ask about."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [FieldRowPanel([FieldPanel("competency"), FieldPanel("title")]), FieldPanel("text")]
    search_fields = [index.SearchField("title"), index.SearchField("text"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["competency__order", "title"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [models.UniqueConstraint(fields=["competency", "title"], name="case_title_once_per_competency")]

    def __str__(self):
        return self.title


class QuestionTag(TaggedItemBase):
    """A tag on a bank question (blueprints draw by tag)."""

    content_object = ParentalKey("assessments.BankQuestion", on_delete=models.CASCADE, related_name="tagged_items")


class BankQuestion(index.Indexed, ClusterableModel):
    """One question in the bank: choice questions carry options, fill-in-the-blank questions accepted answers."""

    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="bank_questions", verbose_name=_("competency")
    )
    kind = models.CharField(_("type"), max_length=10, choices=QuestionType.choices, default=QuestionType.SINGLE)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("case"),
        help_text=_("Optional: the case this question asks about."),
    )
    text = models.TextField(_("question"))
    difficulty = models.CharField(_("difficulty"), max_length=6, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    tags = ClusterTaggableManager(through=QuestionTag, blank=True, verbose_name=_("tags"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown to the trainee after the attempt, next to a wrong answer.")
    )
    status = models.CharField(_("status"), max_length=7, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT)
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("Fill-in-the-blank only: one accepted answer per line."),
    )
    blank_match = models.CharField(
        _("marking of the blank"), max_length=6, choices=BlankMatch.choices, default=BlankMatch.LISTED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    base_form_class = BankQuestionForm
    panels = [
        FieldRowPanel([FieldPanel("competency"), FieldPanel("kind"), FieldPanel("status")]),
        FieldPanel("case"),
        FieldPanel("text"),
        InlinePanel("options", label=_("Options"), heading=_("Options (choice questions)")),
        MultiFieldPanel(
            [FieldPanel("accepted_answers"), FieldPanel("blank_match")], heading=_("Fill-in-the-blank answers")
        ),
        FieldRowPanel([FieldPanel("difficulty"), FieldPanel("tags")]),
        FieldPanel("explanation"),
    ]
    search_fields = [
        index.SearchField("text"),
        index.AutocompleteField("text"),
        index.SearchField("explanation"),
        index.FilterField("competency"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["competency__order", "pk"]
        verbose_name = _("bank question")
        verbose_name_plural = _("bank questions")
        indexes = [models.Index(fields=["competency", "status", "difficulty"], name="bank_question_pool")]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59] + "…"

    def clean(self):
        super().clean()
        if self.case_id and self.competency_id and self.case.competency_id != self.competency_id:
            raise ValidationError({"case": _("The case belongs to another competency.")})

    @property
    def answers_list(self) -> list[str]:
        return rules.accepted_answers(self.accepted_answers)


class BankOption(Orderable):
    """One option of a choice question; whether it is correct never leaves the server before submission."""

    question = ParentalKey(BankQuestion, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    text = models.CharField(_("option"), max_length=300)
    correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("correct")])]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text
