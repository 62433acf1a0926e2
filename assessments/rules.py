"""Pure rules for the question bank: what makes a question well formed, and how a blank is marked. No ORM."""

import datetime
import random
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from courses.rules import AnswerError, QuizScore

from .choices import BlankMatch, QuestionType

MAX_OPTIONS = 8
MAX_BLANK_ANSWER = 200


def accepted_answers(text: str) -> list[str]:
    """The accepted answers of a fill-in-the-blank question, one per line, blanks dropped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def normalise_blank(text: str) -> str:
    """A blank's answer as a listed match compares it: full-width folded to half-width (NFKC), every space
    removed, case ignored. ``ＡＢＣ 公司`` and ``abc公司`` are the same answer."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def blank_is_correct(answer: str, accepted: Sequence[str], match: str) -> bool:
    """Whether a typed answer is right: exactly the one accepted answer (only surrounding spaces ignored), or any
    listed answer after normalising both sides."""
    answer = (answer or "").strip()
    if not answer:
        return False
    if match == BlankMatch.EXACT:
        return answer in [item.strip() for item in accepted]
    return normalise_blank(answer) in {normalise_blank(item) for item in accepted}


@dataclass(frozen=True)
class QuestionProblem:
    """One thing wrong with a question: ``part`` is ``options`` or ``answers``, where an editor puts it right."""

    part: str
    message: str


def question_problems(
    *, kind: str, options: Sequence[tuple[str, bool]], answers: Sequence[str], match: str
) -> list[QuestionProblem]:
    """What is wrong with a question's options or answers for its type (translated), or an empty list.

    One rule for the admin form and the Excel import alike."""
    problems: list[QuestionProblem] = []

    def options_problem(message):
        problems.append(QuestionProblem("options", message))

    def answers_problem(message):
        problems.append(QuestionProblem("answers", message))

    if kind == QuestionType.FILL_BLANK:
        if options:
            options_problem(gettext("A fill-in-the-blank question has no options; give accepted answers instead."))
        if not answers:
            answers_problem(gettext("Give at least one accepted answer."))
        elif match == BlankMatch.EXACT and len(answers) != 1:
            answers_problem(gettext("An exact-match blank has exactly one accepted answer; choose listed answers."))
        return problems
    if answers:
        answers_problem(gettext("Accepted answers belong to fill-in-the-blank questions only."))
    if any(not text.strip() for text, _correct in options):
        options_problem(gettext("Every option needs its text."))
    if len(options) < 2:
        options_problem(gettext("Give at least two options."))
    elif len(options) > MAX_OPTIONS:
        options_problem(gettext("Give at most %(count)d options.") % {"count": MAX_OPTIONS})
    if kind == QuestionType.TRUE_FALSE and len(options) != 2:
        options_problem(gettext("A true-or-false question has two options."))
    correct = sum(1 for _text, is_correct in options if is_correct)
    if kind == QuestionType.MULTIPLE:
        if correct < 1:
            options_problem(gettext("Mark at least one option as correct."))
    elif correct != 1:
        options_problem(gettext("Mark exactly one option as correct."))
    texts = [text.strip() for text, _correct in options if text.strip()]
    if len(set(texts)) != len(texts):
        options_problem(gettext("Two options have the same text."))
    return problems


_DIGITS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")


def chinese_number(number: int) -> str:
    """A number from 1 to 9999 in Chinese numerals as laws number their articles: 15 → 十五, 105 → 一百零五,
    271 → 二百七十一, 1010 → 一千零一十."""
    if not 1 <= number <= 9999:
        raise ValueError(number)
    if number < 10:
        return _DIGITS[number]
    if number < 20:
        return "十" + (_DIGITS[number % 10] if number % 10 else "")
    text = str(number)
    parts, pending_zero = [], False
    for position, character in enumerate(text):
        digit = int(character)
        if digit == 0:
            pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_DIGITS[digit] + _UNITS[len(text) - position - 1])
    return "".join(parts)


def article_label(number: int) -> str:
    """How Chinese laws name an article: 第二百七十八条."""
    return f"第{chinese_number(number)}条"


def article_display_label(number: int) -> str:
    """An article as the interface names it in the language in use: 第二百七十八条 in Chinese, “Art. 278” in
    English (where the law's own numbering, in Chinese numerals, reads as untranslated text)."""
    if (translation.get_language() or "").startswith("zh"):
        return article_label(number)
    return gettext("Art. %(number)d") % {"number": number}


def cites_article(text: str, *, short_name: str, number: int) -> bool:
    """Whether prose cites an article the way lessons do: 《民法典》第二百七十八条, also inside a list such as
    《民法典》第二百七十一条、第二百七十八条 (the article within 40 characters of the law's name, with no other
    law named and no sentence ended in between)."""
    pattern = rf"《{re.escape(short_name)}》[^《。；\n]{{0,40}}?{article_label(number)}"
    return re.search(pattern, text or "") is not None


def changed_article_numbers(before: dict[int, str], after: dict[int, str]) -> set[int]:
    """The articles a new version changes: those whose text differs (spaces ignored), added or removed."""

    def squeeze(text: str) -> str:
        return "".join((text or "").split())

    numbers = set(before) | set(after)
    return {number for number in numbers if squeeze(before.get(number, "")) != squeeze(after.get(number, ""))}


# Papers ---------------------------------------------------------------------------------------------------------


def draw_questions(
    pools: Sequence[tuple[int, Sequence[int]]],
    *,
    seen: set[int],
    rng: random.Random,
    cases: Mapping[int, int] | None = None,
) -> list[int]:
    """The questions of one paper: from each pool in turn, ``count`` questions at random, those this trainee has not
    been shown before first (a retake repeats a question only when the pool has too few new ones); a question
    already taken by an earlier pool is not taken twice. A pool with too few questions gives what it has.

    Questions on one case (``cases``: question → case) travel together: a pool draws the case's questions that it
    holds as one unit, which counts as that many questions and is taken only whole, when it fits in what the pool
    still needs (so the paper keeps the blueprint's size whenever single questions can fill it). A unit is new when
    none of its questions has been shown to this trainee before."""
    cases = cases or {}
    chosen: list[int] = []
    taken: set[int] = set()
    for count, candidates in pools:
        units: dict[object, list[int]] = {}
        for candidate in dict.fromkeys(candidates):
            if candidate not in taken:
                case = cases.get(candidate)
                units.setdefault(("case", case) if case is not None else candidate, []).append(candidate)
        fresh = [unit for unit in units.values() if not seen.intersection(unit)]
        repeated = [unit for unit in units.values() if seen.intersection(unit)]
        rng.shuffle(fresh)
        rng.shuffle(repeated)
        picked: list[int] = []
        for unit in fresh + repeated:
            if len(picked) + len(unit) <= count:
                picked.extend(unit)
            if len(picked) == count:
                break
        chosen.extend(picked)
        taken.update(picked)
    return chosen


def paper_answers_problem(key: Mapping[str, Mapping], answers: Mapping[str, Sequence[str]]) -> AnswerError | None:
    """The first thing wrong with answers to a drawn paper (its ``key``: question id → kind, option tokens, ...),
    or None. Choice questions take option tokens of that question; a blank takes one typed answer."""
    unknown = [question_id for question_id in answers if question_id not in key]
    if unknown:
        return AnswerError(gettext_noop("The answers name a question that is not in this quiz."), unknown[0])
    for question_id, entry in key.items():
        chosen = list(answers.get(question_id, ()))
        if not chosen or (entry["kind"] == QuestionType.FILL_BLANK and len(chosen) == 1 and not chosen[0].strip()):
            return AnswerError(gettext_noop("Answer every question before submitting."), question_id)
        problem = paper_answer_problem(entry, chosen)
        if problem is not None:
            return AnswerError(problem, question_id)
    return None


def paper_answer_problem(entry: Mapping, chosen: Sequence[str]) -> str | None:
    """What is wrong with one answer to one question of a drawn paper (its key ``entry``), untranslated, or None.
    An empty answer is no problem here (the question is simply unanswered)."""
    chosen = list(chosen)
    if entry["kind"] == QuestionType.FILL_BLANK:
        if len(chosen) > 1:
            return gettext_noop("A blank takes one answer.")
        if chosen and len(chosen[0]) > MAX_BLANK_ANSWER:
            return gettext_noop("The answer is too long.")
        return None
    if len(set(chosen)) != len(chosen):
        return gettext_noop("An option was chosen twice.")
    if any(token not in entry["options"] for token in chosen):
        return gettext_noop("The answers name an option that is not in this question.")
    if entry["kind"] != QuestionType.MULTIPLE and len(chosen) > 1:
        return gettext_noop("Choose exactly one option for this question.")
    return None


def paper_answers_problem_when_saving(
    key: Mapping[str, Mapping], answers: Mapping[str, Sequence[str]]
) -> AnswerError | None:
    """The first thing wrong with answers saved during an attempt (some or none of the questions answered yet)."""
    for question_id, chosen in answers.items():
        if question_id not in key:
            return AnswerError(gettext_noop("The answers name a question that is not in this quiz."), question_id)
        problem = paper_answer_problem(key[question_id], chosen)
        if problem is not None:
            return AnswerError(problem, question_id)
    return None


def paper_answers_kept(key: Mapping[str, Mapping], answers: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The answers that count when time has run out: every well-formed answer to a question of the paper, blank
    answers and anything malformed dropped (an unanswered question is simply wrong)."""
    kept = {}
    for question_id, chosen in answers.items():
        chosen = [value for value in chosen if isinstance(value, str)] if isinstance(chosen, list | tuple) else []
        if question_id not in key or not [value for value in chosen if value.strip()]:
            continue
        if paper_answer_problem(key[question_id], chosen) is None:
            kept[question_id] = chosen
    return kept


# Exam mode ------------------------------------------------------------------------------------------------------

# A request sent just before the deadline may reach the server just after it: saves and submissions that arrive
# within this many seconds after the deadline still count as in time.
DEADLINE_GRACE_SECONDS = 30


class TimeState:
    """Where a timed paper stands against the server's clock."""

    OPEN = "open"  # before the deadline (or no time limit)
    GRACE = "grace"  # past the deadline, within the grace: a request in flight still counts
    OVER = "over"  # past the deadline and the grace: only the answers saved in time count


def paper_time_state(deadline: datetime.datetime | None, now: datetime.datetime) -> str:
    """Open, in its grace or over, by the server's clock (a paper without a deadline is always open)."""
    if deadline is None or now <= deadline:
        return TimeState.OPEN
    if now <= deadline + datetime.timedelta(seconds=DEADLINE_GRACE_SECONDS):
        return TimeState.GRACE
    return TimeState.OVER


def seconds_left(deadline: datetime.datetime | None, now: datetime.datetime) -> int | None:
    """Whole seconds until the deadline (never below 0), or None without a time limit."""
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds()))


def paper_score(key: Mapping[str, Mapping], answers: Mapping[str, Sequence[str]], *, pass_mark: int) -> QuizScore:
    """Score answers that ``paper_answers_problem`` accepted against the paper they answer: a choice question is
    right when exactly its correct options are chosen, a blank when it matches an accepted answer."""
    wrong = []
    for question_id, entry in key.items():
        chosen = list(answers.get(question_id, ()))
        if entry["kind"] == QuestionType.FILL_BLANK:
            right = bool(chosen) and blank_is_correct(chosen[0], entry["answers"], entry["match"])
        else:
            right = set(chosen) == set(entry["correct"])
        if not right:
            wrong.append(question_id)
    total = len(key)
    correct = total - len(wrong)
    score = (correct * 100) // total if total else 0
    return QuizScore(total, correct, score, score >= pass_mark, tuple(wrong))


@dataclass(frozen=True)
class ItemAnswer:
    """How a submitted paper answered one of its questions, in the bank's terms: the bank question, whether it was
    right, and the authored options chosen (by their ids, whatever position they were shown in)."""

    question: int
    right: bool
    options: tuple[int, ...]


def paper_item_answers(
    key: Mapping[str, Mapping], answers: Mapping[str, Sequence[str]], wrong: Sequence[str]
) -> list[ItemAnswer]:
    """A submitted paper's answers translated from the tokens shown to the bank's questions and options, for item
    analysis; ``wrong`` is the scored attempt's list of wrong question tokens (the score is not computed twice)."""
    wrong_ids = set(wrong)
    rows = []
    for question_id, entry in key.items():
        chosen = answers.get(question_id, ())
        options = entry.get("options") or {}
        rows.append(
            ItemAnswer(
                question=entry["question"],
                right=question_id not in wrong_ids,
                options=tuple(options[token] for token in dict.fromkeys(chosen) if token in options),
            )
        )
    return rows
