"""The sums item analysis needs, computed by the database: a fixed handful of aggregate queries whatever the number
of attempts (no model instance per attempt or per response is loaded), then ``statistics`` turns them into figures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.db.models.functions import Cast

from courses.models import Competency, QuizAttempt

from ..choices import QuestionType
from ..models import BankOption, BankQuestion, Blueprint, ItemChoice, ItemResponse
from . import statistics
from .statistics import Flag, ItemSums, ReliabilitySums


@dataclass(frozen=True)
class OptionFigures:
    """One authored option: how many responses chose it, overall and in the strong group."""

    text: str
    correct: bool
    chosen: int
    share: float | None
    upper: int


@dataclass(frozen=True)
class ItemFigures:
    """One question's figures in the report."""

    question_id: int
    text: str
    kind: str
    difficulty: str
    competency: str
    responses: int
    p: float | None
    discrimination: float | None
    upper: int
    upper_right: int
    options: tuple[OptionFigures, ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class BlueprintFigures:
    """One blueprint's papers: attempts, score distribution and reliability."""

    blueprint_id: int
    title: str
    attempts: int
    length: int | None
    mean: float | None
    deviation: float | None
    kr20: float | None
    histogram: list[tuple[str, int]] = field(default_factory=list)
    upper_bar: int | None = None


@dataclass(frozen=True)
class ItemAnalysis:
    items: list[ItemFigures]
    blueprints: list[BlueprintFigures]
    histogram: list[tuple[str, int]]  # every attempt in scope


def blueprints_in_scope(*, competency: Competency | None = None, blueprint: Blueprint | None = None):
    """The blueprints a report covers: the one chosen, else those of the competency's courses, else all."""
    blueprints = Blueprint.objects.select_related("quiz__course").order_by("quiz__course__code", "pk")
    if blueprint is not None:
        return blueprints.filter(pk=blueprint.pk)
    if competency is not None:
        blueprints = blueprints.filter(quiz__course__competency=competency)
    return blueprints


def _rest_share():
    """The rest-of-paper score as a share: (right on the paper − this item) ÷ (questions on the paper − 1)."""
    item = Case(When(correct=True, then=Value(1)), default=Value(0))
    return Cast(F("paper_correct") - item, FloatField()) / (F("paper_size") - 1)


def _score_counts(quiz_ids: list[int]) -> dict[int, dict[tuple[int, int], int]]:
    """quiz → {(score %, questions on the paper): attempts}, for the attempts that answered a drawn paper."""
    counts: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    rows = (
        QuizAttempt.objects.filter(quiz_id__in=quiz_ids, paper__isnull=False)
        .order_by()
        .values_list("quiz_id", "score", "question_count")
        .annotate(n=Count("pk"))
    )
    for quiz_id, score, size, n in rows:
        counts[quiz_id][(score, size)] = n
    return counts


def _deviation_sums(quiz_ids: list[int]) -> dict[int, tuple[float, int]]:
    """quiz → (Σ D², Σ k(k − 1)) over its attempts, D = right answers − Σ p of the attempt's questions and k the
    questions it answered (see ``statistics.kr20_drawn``): one query, grouped per attempt then per quiz, no pairs."""
    if not quiz_ids:
        return {}
    table = connection.ops.quote_name(ItemResponse._meta.db_table)
    placeholders = ", ".join(["%s"] * len(quiz_ids))
    sql = f"""
        WITH items AS (
            SELECT quiz_id, question_id, AVG(CASE WHEN correct THEN 1.0 ELSE 0.0 END) AS p
            FROM {table} WHERE quiz_id IN ({placeholders}) GROUP BY quiz_id, question_id
        ), attempts AS (
            SELECT r.quiz_id, SUM(CASE WHEN r.correct THEN 1.0 ELSE 0.0 END) - SUM(items.p) AS d, COUNT(*) AS k
            FROM {table} r JOIN items ON items.quiz_id = r.quiz_id AND items.question_id = r.question_id
            WHERE r.quiz_id IN ({placeholders})
            GROUP BY r.quiz_id, r.attempt_id
        )
        SELECT quiz_id, SUM(d * d), SUM(k * (k - 1)) FROM attempts GROUP BY quiz_id
    """  # noqa: S608 (the table name is ours; the values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*quiz_ids, *quiz_ids])
        return {quiz_id: (float(deviation_sq or 0.0), int(weight or 0)) for quiz_id, deviation_sq, weight in cursor}


def item_analysis(
    *,
    competency: Competency | None = None,
    blueprint: Blueprint | None = None,
    min_responses: int = statistics.MIN_RESPONSES,
) -> ItemAnalysis:
    """Item and paper statistics for the blueprints in scope (and, with a competency, that competency's questions):
    nine queries whatever the number of attempts."""
    blueprints = list(blueprints_in_scope(competency=competency, blueprint=blueprint))
    quiz_ids = [item.quiz_id for item in blueprints]
    score_counts = _score_counts(quiz_ids)

    # The strong group of each blueprint, by the attempts' scores (see statistics.upper_bar).
    bars = {}
    for quiz_id, counts in score_counts.items():
        by_score: dict[int, int] = defaultdict(int)
        for (score, _size), n in counts.items():
            by_score[score] += n
        bars[quiz_id] = statistics.upper_bar(by_score)
    strong = reduce(
        or_, (Q(quiz_id=quiz_id, paper_score__gte=bar) for quiz_id, bar in bars.items() if bar is not None), Q(pk=None)
    )

    responses = ItemResponse.objects.filter(quiz_id__in=quiz_ids, paper_size__gte=2)
    if competency is not None:
        responses = responses.filter(question__competency=competency)
    rest = _rest_share()
    sums = {
        row["question_id"]: row
        for row in responses.order_by()
        .values("question_id")
        .annotate(
            n=Count("pk"),
            right=Count("pk", filter=Q(correct=True)),
            rest=Sum(rest),
            rest_sq=Sum(rest * rest),
            right_rest=Sum(Case(When(correct=True, then=rest), default=Value(0.0), output_field=FloatField())),
            upper=Count("pk", filter=strong),
            upper_right=Count("pk", filter=strong & Q(correct=True)),
        )
    }
    # The choices carry their response's quiz, score and size, so they are counted from one index, no join; a
    # choice's option names its question, so the competency needs no filter: options of other questions are unused.
    choices = {
        option_id: (chosen, upper)
        for option_id, chosen, upper in ItemChoice.objects.filter(quiz_id__in=quiz_ids, paper_size__gte=2)
        .order_by()
        .values_list("option_id")
        .annotate(chosen=Count("pk"), upper=Count("pk", filter=strong))  # same field names
    }
    questions = (
        BankQuestion.objects.filter(pk__in=list(sums))
        .order_by("competency__order", "pk")
        .values_list("pk", "text", "kind", "difficulty", "competency__name")
    )
    options: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
    for option_id, question_id, text, correct in (
        BankOption.objects.filter(question_id__in=list(sums))
        .order_by("question_id", "sort_order", "pk")
        .values_list("pk", "question_id", "text", "correct")
    ):
        options[question_id].append((option_id, text, correct))

    items = []
    for question_id, text, kind, difficulty, competency_name in questions:
        row = sums[question_id]
        item_sums = ItemSums(
            row["n"], row["right"], row["rest"] or 0.0, row["rest_sq"] or 0.0, row["right_rest"] or 0.0
        )
        p = statistics.facility(item_sums)
        discrimination = statistics.point_biserial(item_sums)
        figures = tuple(
            OptionFigures(
                text=option_text,
                correct=correct,
                chosen=choices.get(option_id, (0, 0))[0],
                share=choices.get(option_id, (0, 0))[0] / item_sums.n if item_sums.n else None,
                upper=choices.get(option_id, (0, 0))[1],
            )
            for option_id, option_text, correct in options[question_id]
        )
        upper_distractor = max((option.upper for option in figures if not option.correct), default=0)
        items.append(
            ItemFigures(
                question_id=question_id,
                text=" ".join(text.split()),
                kind=kind,
                difficulty=difficulty,
                competency=competency_name,
                responses=item_sums.n,
                p=p,
                discrimination=discrimination,
                upper=row["upper"],
                upper_right=row["upper_right"],
                options=figures if kind != QuestionType.FILL_BLANK else (),
                flags=statistics.item_flags(
                    n=item_sums.n,
                    p=p,
                    discrimination=discrimination,
                    upper_right=row["upper_right"],
                    upper_distractor=upper_distractor,
                    min_responses=min_responses,
                ),
            )
        )

    # Reliability per blueprint: the items' (responses, right) and the attempts' squared deviations.
    per_quiz_items: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for quiz_id, n, right in (
        ItemResponse.objects.filter(quiz_id__in=quiz_ids)
        .order_by()
        .values_list("quiz_id", "question_id")
        .annotate(n=Count("pk"), right=Count("pk", filter=Q(correct=True)))
        .values_list("quiz_id", "n", "right")
    ):
        per_quiz_items[quiz_id].append((n, right))
    deviations = _deviation_sums(quiz_ids)

    overall: dict[int, int] = defaultdict(int)
    papers = []
    for item in blueprints:
        counts = score_counts.get(item.quiz_id, {})
        by_score: dict[int, int] = defaultdict(int)
        by_size: dict[int, int] = defaultdict(int)
        for (score, size), n in counts.items():
            by_score[score] += n
            by_size[size] += n
            overall[score] += n
        length = max(by_size, key=lambda size: (by_size[size], size)) if by_size else None
        mean, deviation = statistics.mean_and_deviation(by_score)
        papers.append(
            BlueprintFigures(
                blueprint_id=item.pk,
                title=str(item),
                attempts=sum(by_score.values()),
                length=length,
                mean=mean,
                deviation=deviation,
                kr20=statistics.kr20_drawn(
                    ReliabilitySums(per_quiz_items.get(item.quiz_id, []), *deviations.get(item.quiz_id, (0.0, 0))),
                    length=length or 0,
                ),
                histogram=statistics.score_histogram(by_score),
                upper_bar=bars.get(item.quiz_id),
            )
        )
    return ItemAnalysis(items=items, blueprints=papers, histogram=statistics.score_histogram(overall))
