"""The statistics of item analysis as pure functions over sums the database computes: no ORM, no I/O.

Definitions (the report's help text says the same):

- **p** (facility, 难度 P 值): the share of the responses to a question that were right.
- **Discrimination**: the point-biserial correlation between the item score (1 right, 0 wrong) and the score on
  the *rest* of the paper (the corrected item-total correlation, so that the item does not correlate with itself).
  Papers are drawn at random and a question may sit on papers of different lengths, so the rest score is taken as
  a share: right answers on the other questions ÷ (questions on the paper − 1). Within one blueprint every paper
  has the same length and this is exactly the classical corrected item-total correlation.
- **Strong trainees** (高分组): the attempts of a blueprint scoring at or above the score that the top 27 % reach
  (sorted by score, the attempt at position ⌈0.27·n⌉ sets the bar; ties at the bar are all included).
- **A distractor beats the key**: in the strong group, some wrong option was chosen more often than the question
  was answered right (for a single-choice question: than the key was chosen).
- **Reliability (KR-20) of randomly drawn papers**: every attempt sees its own k questions, so no two attempts
  need share an item set. We use KR-20 / Cronbach's alpha for dichotomous items in its average-covariance form:
  α = k·c̄ / (v̄ + (k − 1)·c̄), where v̄ is the mean item variance p(1 − p) and c̄ the mean covariance between two
  items seen on the same paper, each item centred on its own p (over every attempt of the blueprint that saw it),
  both averaged over the responses / pairs behind them (so they are the variance and covariance expected on one
  drawn paper). No pair of items is enumerated: on one attempt, with D = (right answers) − (sum of the p of its
  questions), D² = Σ(x_i − p_i)² + Σ_{i≠j}(x_i − p_i)(x_j − p_j), and summed over the attempts the first term is
  Σ n·p·q; so c̄ = (Σ D² − Σ n·p·q) / Σ k(k − 1), from one sum per attempt. When everyone sees the same paper,
  D is the total's deviation from its mean and this equals the classical KR-20 with population variances exactly.
  Unlike KR-20 on total scores it does not count the differences in difficulty between drawn papers as true-score
  variance (each paper's total is compared with what its own questions' p predict). It differs slightly from the
  pairwise-available covariance, which centres each item on its p over only the attempts that saw both items.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

UPPER_SHARE = 0.27
TOO_EASY_ABOVE = 0.9
TOO_HARD_BELOW = 0.2
LOW_DISCRIMINATION_BELOW = 0.1
MIN_RESPONSES = 20  # below this the figures are shown but no question is flagged: they would be noise
HISTOGRAM_BINS = 10


class Flag(StrEnum):
    """Why an editor should look at a question."""

    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    LOW_DISCRIMINATION = "low_discrimination"
    DISTRACTOR_BEATS_KEY = "distractor_beats_key"


@dataclass(frozen=True)
class ItemSums:
    """What the database sums for one question: ``n`` responses, ``right`` of them right; over the rest-of-paper
    score share y: Σy (``rest``), Σy² (``rest_sq``) and Σxy over the right answers (``right_rest``)."""

    n: int
    right: int
    rest: float
    rest_sq: float
    right_rest: float


def item_sums(responses: Iterable[tuple[bool, float]]) -> ItemSums:
    """The sums of (right, rest-score share) pairs: what the database computes, written out for tests and checks."""
    n = right = 0
    rest = rest_sq = right_rest = 0.0
    for is_right, share in responses:
        n += 1
        right += int(is_right)
        rest += share
        rest_sq += share * share
        right_rest += share if is_right else 0.0
    return ItemSums(n, right, rest, rest_sq, right_rest)


def facility(sums: ItemSums) -> float | None:
    """p: the share of responses that were right (None without responses)."""
    return sums.right / sums.n if sums.n else None


def point_biserial(sums: ItemSums) -> float | None:
    """The correlation of the item score with the rest score, from population moments; None when either does not
    vary (everyone right or everyone wrong, or every rest score the same): then it separates no one."""
    if sums.n < 2:
        return None
    p = sums.right / sums.n
    mean_rest = sums.rest / sums.n
    covariance = sums.right_rest / sums.n - p * mean_rest
    item_variance = p * (1 - p)
    rest_variance = sums.rest_sq / sums.n - mean_rest * mean_rest
    if item_variance <= 1e-12 or rest_variance <= 1e-12:
        return None
    return covariance / math.sqrt(item_variance * rest_variance)


def upper_bar(score_counts: Mapping[int, int], *, share: float = UPPER_SHARE) -> int | None:
    """The lowest score in the strong group: sort the attempts by score, highest first; the attempt at position
    ⌈share·n⌉ sets the bar, and every attempt scoring at least that much is strong (ties included)."""
    total = sum(score_counts.values())
    if not total:
        return None
    needed = max(1, math.ceil(share * total - 1e-9))
    seen = 0
    for score in sorted(score_counts, reverse=True):
        seen += score_counts[score]
        if seen >= needed:
            return score
    return min(score_counts)


def item_flags(
    *,
    n: int,
    p: float | None,
    discrimination: float | None,
    upper_right: int = 0,
    upper_distractor: int = 0,
    min_responses: int = MIN_RESPONSES,
) -> tuple[Flag, ...]:
    """The flags of one question; none before ``min_responses``. ``upper_distractor`` is how many strong attempts
    chose the wrong option most chosen by the strong group (0 for a blank, which has no options)."""
    if n < min_responses or p is None:
        return ()
    flags = []
    if p > TOO_EASY_ABOVE:
        flags.append(Flag.TOO_EASY)
    if p < TOO_HARD_BELOW:
        flags.append(Flag.TOO_HARD)
    if discrimination is not None and discrimination < LOW_DISCRIMINATION_BELOW:
        flags.append(Flag.LOW_DISCRIMINATION)
    if upper_distractor > upper_right:
        flags.append(Flag.DISTRACTOR_BEATS_KEY)
    return tuple(flags)


@dataclass(frozen=True)
class ReliabilitySums:
    """What the database sums for one blueprint's reliability: ``items`` is each question's (responses, right);
    ``deviation_sq`` is Σ D² over the attempts, D = right answers − Σ p of the attempt's questions; ``pair_weight``
    is Σ k(k − 1) over the attempts (ordered pairs of questions on one paper)."""

    items: Sequence[tuple[int, int]]
    deviation_sq: float
    pair_weight: int


def reliability_sums(papers: Iterable[Mapping[int, int]]) -> ReliabilitySums:
    """The sums of answered papers (each {question: 1 right / 0 wrong}): what the database computes, written out for
    tests and checks."""
    papers = list(papers)
    counts: dict[int, list[int]] = {}
    for paper in papers:
        for question, right in paper.items():
            count = counts.setdefault(question, [0, 0])
            count[0] += 1
            count[1] += right
    p = {question: right / n for question, (n, right) in counts.items()}
    deviation_sq = sum((sum(paper.values()) - sum(p[question] for question in paper)) ** 2 for paper in papers)
    pair_weight = sum(len(paper) * (len(paper) - 1) for paper in papers)
    return ReliabilitySums([tuple(count) for count in counts.values()], deviation_sq, pair_weight)


def kr20_drawn(sums: ReliabilitySums, *, length: int) -> float | None:
    """KR-20 of randomly drawn papers of ``length`` questions (see the module docstring). None when it cannot be
    computed: fewer than two questions a paper, no pairs, or no variance."""
    responses = sum(n for n, _right in sums.items)
    if length < 2 or not responses or not sums.pair_weight:
        return None
    item_variance = sum(right * (n - right) / n for n, right in sums.items if n)  # Σ n·p·q
    mean_variance = item_variance / responses
    mean_covariance = (sums.deviation_sq - item_variance) / sums.pair_weight
    denominator = mean_variance + (length - 1) * mean_covariance
    if denominator <= 1e-12:
        return None
    return length * mean_covariance / denominator


def kr20(matrix: Sequence[Sequence[int]]) -> float | None:
    """Classical KR-20 of a fixed paper (rows are attempts, columns items, 1 right 0 wrong), with population
    variances: k/(k−1)·(1 − Σpq / σ²). For checking ``kr20_drawn`` and for a fixed form."""
    if not matrix or len(matrix[0]) < 2:
        return None
    n, k = len(matrix), len(matrix[0])
    totals = [sum(row) for row in matrix]
    mean = sum(totals) / n
    variance = sum((total - mean) ** 2 for total in totals) / n
    if variance <= 1e-12:
        return None
    item_variance = 0.0
    for column in range(k):
        p = sum(row[column] for row in matrix) / n
        item_variance += p * (1 - p)
    return k / (k - 1) * (1 - item_variance / variance)


def score_histogram(score_counts: Mapping[int, int], *, bins: int = HISTOGRAM_BINS) -> list[tuple[str, int]]:
    """Scores in percent counted in ``bins`` equal bands, labelled "0–9" … "90–100" (100 joins the last band)."""
    width = 100 // bins
    counts = [0] * bins
    for score, count in score_counts.items():
        counts[min(max(score, 0) // width, bins - 1)] += count
    labels = [f"{band * width}–{band * width + width - 1}" for band in range(bins - 1)]
    labels.append(f"{(bins - 1) * width}–100")
    return list(zip(labels, counts, strict=True))


def mean_and_deviation(score_counts: Mapping[int, int]) -> tuple[float | None, float | None]:
    """The mean score and its population standard deviation."""
    total = sum(score_counts.values())
    if not total:
        return None, None
    mean = sum(score * count for score, count in score_counts.items()) / total
    variance = sum(count * (score - mean) ** 2 for score, count in score_counts.items()) / total
    return mean, math.sqrt(variance)
