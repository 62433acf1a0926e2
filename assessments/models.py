"""The question bank (题库): questions per competency with their options, difficulty, tags, explanation and status,
cases (a short case text with several questions on it), and the laws and articles (法规 / 条款) questions cite."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from academy.panels import ShownFieldPanel
from academy.records import PersonalRecord
from courses.models import Competency

from . import rules
from .choices import BlankMatch, Difficulty, QuestionStatus, QuestionType
from .forms import BankQuestionForm, BlueprintForm


class LegalReference(index.Indexed, ClusterableModel):
    """A law or regulation (法规) and its articles. A change in the law is recorded as a new version (see
    ``services.legal_version_record``), which flags the live questions citing a changed article for review."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("The full title, for example “中华人民共和国民法典”.")
    )
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        help_text=_("As lessons cite it inside “《》”, for example “民法典” or “物业管理条例”."),
    )
    issuer = models.CharField(_("issuing body"), max_length=200)
    version = models.CharField(
        _("version"),
        max_length=100,
        help_text=_("The version in force, for example “2018年修订” or “2021年1月1日起施行”."),
    )
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True, help_text=_("The official text, e.g. on the National Laws Database."))

    @staticmethod
    def editor_panels(*, new: bool) -> list:
        """The form's panels. A new law gets its version here; after that the version changes only through
        “Record a new version”, which flags the questions citing changed articles (so it is read-only)."""
        return [
            FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
            FieldPanel("issuer"),
            FieldRowPanel(
                [ShownFieldPanel("version", read_only=not new), ShownFieldPanel("in_force_on", read_only=not new)]
            ),
            FieldPanel("link"),
            InlinePanel(
                "articles",
                label=_("Articles"),
                heading=_("Articles"),
                help_text=_(
                    "Correct typing errors here. When the law itself changes, use “Record a new version”: it flags "
                    "every live question citing a changed article for review."
                ),
            ),
        ]

    panels = editor_panels(new=False)
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.SearchField("short_name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")

    def __str__(self):
        return self.name


class LegalArticle(models.Model):
    """One article (条) of a law, numbered as the law numbers it; questions cite articles."""

    law = ParentalKey(LegalReference, on_delete=models.CASCADE, related_name="articles", verbose_name=_("law"))
    number = models.PositiveSmallIntegerField(
        _("article number"), validators=[MinValueValidator(1), MaxValueValidator(9999)], help_text=_("e.g. 278")
    )
    text = models.TextField(_("article text"), blank=True, help_text=_("Empty once the article is repealed."))

    panels = [FieldRowPanel([FieldPanel("number"), FieldPanel("text")])]

    class Meta:
        ordering = ["law__name", "number"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="legal_article_number_once")]

    def __str__(self):
        return f"《{self.law.short_name}》{rules.article_display_label(self.number)}"

    @property
    def label(self) -> str:
        return rules.article_label(self.number)

    def snapshot(self) -> dict:
        """The article as a drawn paper keeps it (in its key): the law's name and version in force and the article's
        text today, so that the trainee's review shows what was in force when the paper was drawn."""
        return {
            "article": self.pk,
            "law": self.law.name,
            "short_name": self.law.short_name,
            "version": self.law.version,
            "number": self.number,
            "label": self.label,
            "text": self.text,
            "link": self.law.link,
        }


class LegalVersion(models.Model):
    """A version of a law as an editor recorded it: which articles it changed, and so which questions it flagged."""

    law = models.ForeignKey(LegalReference, on_delete=models.CASCADE, related_name="versions", verbose_name=_("law"))
    version = models.CharField(_("version"), max_length=100)
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_articles = models.ManyToManyField(
        LegalArticle, blank=True, related_name="changed_in", verbose_name=_("changed articles")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("version of a law")
        verbose_name_plural = _("versions of laws")

    def __str__(self):
        return f"{self.law.short_name} · {self.version}"


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

    class Meta:
        verbose_name = _("question tag")
        verbose_name_plural = _("question tags")


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
    citations = ParentalManyToManyField(
        LegalArticle,
        blank=True,
        related_name="questions",
        verbose_name=_("cited articles"),
        help_text=_(
            "The articles this question tests; a new version of the law changing one flags it for review. After an "
            "attempt, the trainee's review links each question to the lesson of the course that cites the same "
            "article in its text (as “《民法典》第二百七十八条”): cite the article in a lesson to link it."
        ),
    )
    needs_review = models.BooleanField(
        _("awaiting review"),
        default=False,
        help_text=_(
            "Set when a new version of a law changes an article it cites; it is drawn into no paper until then."
        ),
    )
    review_version = models.ForeignKey(
        LegalVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flagged_questions",
        verbose_name=_("flagged by"),
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
        FieldPanel("citations", widget=forms.SelectMultiple(attrs={"size": 8})),
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


class Blueprint(ClusterableModel):
    """组卷规则: a course quiz whose paper is drawn for each attempt from the bank, pool by pool, instead of its
    fixed questions. The quiz keeps its pass mark and attempt limit."""

    quiz = models.OneToOneField(
        "courses.Quiz",
        on_delete=models.CASCADE,
        related_name="blueprint",
        verbose_name=_("quiz"),
        help_text=_("The course quiz whose questions are drawn from the bank."),
    )

    time_limit = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_(
            "Optional: leave empty for no time limit (the default, for the sake of older trainees who read slowly). "
            "With a limit, the trainee starts the exam on purpose, the clock runs on the server from that moment, "
            "and an exam still open when time runs out is submitted with the answers saved by then."
        ),
    )

    base_form_class = BlueprintForm
    panels = [
        FieldRowPanel([FieldPanel("quiz"), FieldPanel("time_limit")]),
        InlinePanel("pools", min_num=1, label=_("Pools"), heading=_("Pools")),
    ]

    class Meta:
        verbose_name = _("blueprint")
        verbose_name_plural = _("blueprints")

    def __str__(self):
        return f"{self.quiz.course.title} · {self.quiz.title}"


class BlueprintPool(Orderable):
    """How many questions to draw from one pool: live questions of a competency, optionally one tag and difficulty."""

    blueprint = ParentalKey(Blueprint, on_delete=models.CASCADE, related_name="pools", verbose_name=_("blueprint"))
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency"))
    tag = models.CharField(_("tag"), max_length=100, blank=True, help_text=_("Optional: only questions with this tag."))
    difficulty = models.CharField(
        _("difficulty"), max_length=6, choices=Difficulty.choices, blank=True, help_text=_("Optional.")
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    panels = [
        FieldRowPanel([FieldPanel("competency"), FieldPanel("tag"), FieldPanel("difficulty"), FieldPanel("count")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("pool")
        verbose_name_plural = _("pools")

    def __str__(self):
        return f"{self.competency} × {self.count}"


class Paper(PersonalRecord, models.Model):
    """The paper one attempt drew: exactly what the trainee was shown, and (never sent) the key it is scored with.
    Open while ``attempt`` is empty; the same paper is shown on every visit until it is submitted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="papers", verbose_name=_("trainee")
    )
    quiz = models.ForeignKey("courses.Quiz", on_delete=models.CASCADE, related_name="papers", verbose_name=_("quiz"))
    number = models.PositiveSmallIntegerField(_("attempt number"))
    questions = models.JSONField(_("questions as shown"))
    key = models.JSONField(_("answer key"))
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    deadline = models.DateTimeField(
        _("deadline"), null=True, blank=True, help_text=_("When a timed exam's time runs out (the server's clock).")
    )
    saved_answers = models.JSONField(
        _("saved answers"), default=dict, blank=True, help_text=_("Question id → the answer saved so far.")
    )
    attempt = models.OneToOneField(
        "courses.QuizAttempt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="paper",
        verbose_name=_("attempt"),
    )

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["-drawn_at"]
        constraints = [models.UniqueConstraint(fields=["user", "quiz", "number"], name="paper_once_per_attempt")]
        indexes = [
            models.Index(fields=["deadline"], condition=models.Q(attempt__isnull=True), name="paper_open_deadline")
        ]

    def __str__(self):
        return f"{self.user} · {self.quiz} #{self.number}"


class ItemResponse(models.Model):
    """How one submitted attempt answered one drawn question: the row item analysis counts (see ``itemanalysis``).
    Written once when the paper is submitted; the attempt's total is copied here so that the statistics are sums
    over one table, computed by the database."""

    attempt = models.ForeignKey(
        "courses.QuizAttempt", on_delete=models.CASCADE, related_name="item_responses", verbose_name=_("attempt")
    )
    quiz = models.ForeignKey("courses.Quiz", on_delete=models.CASCADE, related_name="+", verbose_name=_("quiz"))
    question = models.ForeignKey(
        BankQuestion, on_delete=models.CASCADE, related_name="responses", verbose_name=_("question")
    )
    correct = models.BooleanField(_("correct"))
    paper_correct = models.PositiveSmallIntegerField(_("questions right on the paper"))
    paper_score = models.PositiveSmallIntegerField(_("score of the paper (%)"))
    paper_size = models.PositiveSmallIntegerField(_("questions on the paper"))

    class Meta:
        verbose_name = _("item response")
        verbose_name_plural = _("item responses")
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="item_response_once_per_attempt")]
        indexes = [
            # Covering indexes for item analysis: the per-question sums and the per-attempt sums read only the index.
            models.Index(
                fields=["quiz", "question", "correct", "paper_score", "paper_correct", "paper_size"],
                name="item_response_question_sums",
            ),
            models.Index(fields=["quiz", "attempt", "question", "correct"], name="item_response_attempt_sums"),
        ]

    def __str__(self):
        return f"{self.attempt_id} · {self.question_id}"


class ItemChoice(models.Model):
    """An option a trainee chose on a drawn question, named by the authored option (not by the shown position)."""

    response = models.ForeignKey(
        ItemResponse, on_delete=models.CASCADE, related_name="choices", verbose_name=_("response")
    )
    option = models.ForeignKey(BankOption, on_delete=models.CASCADE, related_name="+", verbose_name=_("option"))
    # Copied from the response (written once with it) so that counting the options is one index scan, no join.
    quiz = models.ForeignKey(
        "courses.Quiz", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("quiz")
    )
    paper_score = models.PositiveSmallIntegerField(_("score of the paper (%)"))
    paper_size = models.PositiveSmallIntegerField(_("questions on the paper"))

    class Meta:
        verbose_name = _("chosen option")
        verbose_name_plural = _("chosen options")
        constraints = [models.UniqueConstraint(fields=["response", "option"], name="item_choice_once")]
        indexes = [models.Index(fields=["quiz", "option", "paper_size", "paper_score"], name="item_choice_option_sums")]

    def __str__(self):
        return f"{self.response_id} · {self.option_id}"
