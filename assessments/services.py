"""Every write in the question bank."""

import datetime
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from taggit.models import Tag
from wagtail.log_actions import log

from academy.models import User
from courses.models import QuizAttempt

from . import rules, selectors
from .choices import QuestionStatus
from .models import (
    BankOption,
    BankQuestion,
    Blueprint,
    Case,
    ItemChoice,
    ItemResponse,
    LegalArticle,
    LegalReference,
    LegalVersion,
    Paper,
    QuestionTag,
)


class QuestionImportError(Exception):
    """The question file still has problems when it is confirmed; nothing was imported."""

    def __init__(self, problems):
        super().__init__("; ".join(f"{p.row}: {p.message}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class QuestionImportResult:
    questions: int
    cases: int


def may_edit_bank(user) -> bool:
    """Who writes bank questions: editors given the permission (and superusers)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("assessments.add_bankquestion"))


@transaction.atomic
def bank_questions_import(*, actor: User, records: list[tuple[int, dict[str, str]]]) -> QuestionImportResult:
    """Import a checked question file, all or nothing: the rows are checked again inside the transaction (the bank
    may have changed since the preview); new cases are created once, then the questions, their options and tags."""
    from .importing import check_rows

    if not may_edit_bank(actor):
        raise PermissionDenied
    preview = check_rows(records)
    if not preview.ok:
        raise QuestionImportError(preview.problems)
    cases: dict[tuple[int, str], Case] = {}
    for row in preview.rows:
        key = (row.competency_id, row.case_title)
        if row.case_title and row.case_id is None and key not in cases:
            case = Case(competency_id=row.competency_id, title=row.case_title, text=row.case_text)
            case.full_clean(exclude=["competency"], validate_constraints=False)
            case.save()
            cases[key] = case
    questions = []
    for row in preview.rows:
        case_id = row.case_id or (cases[(row.competency_id, row.case_title)].pk if row.case_title else None)
        question = BankQuestion(
            competency_id=row.competency_id,
            kind=row.kind,
            case_id=case_id,
            text=row.text,
            difficulty=row.difficulty,
            explanation=row.explanation,
            status=row.status,
            accepted_answers="\n".join(row.answers),
            blank_match=row.blank_match,
        )
        # competency and case were looked up while checking; excluding them saves two queries per row.
        question.full_clean(exclude=["competency", "case", "tags"])
        questions.append(question)
    BankQuestion.objects.bulk_create(questions, batch_size=500)
    options = [
        BankOption(question=question, text=text, correct=correct, sort_order=order)
        for question, row in zip(questions, preview.rows, strict=True)
        for order, (text, correct) in enumerate(row.options)
    ]
    BankOption.objects.bulk_create(options, batch_size=1000)
    names = {name for row in preview.rows for name in row.tags}
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names - set(tags)):
        tags[name] = Tag.objects.create(name=name)
    QuestionTag.objects.bulk_create(
        [
            QuestionTag(content_object=question, tag=tags[name])
            for question, row in zip(questions, preview.rows, strict=True)
            for name in dict.fromkeys(row.tags)
        ],
        batch_size=1000,
    )
    log(
        instance=actor,
        action="assessments.question_import",
        user=actor,
        data={"questions": [question.pk for question in questions], "cases": [case.pk for case in cases.values()]},
    )
    return QuestionImportResult(questions=len(questions), cases=len(cases))


class LegalVersionError(Exception):
    """A new version cannot be recorded as given; ``message`` is for the editor. Nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LegalVersionResult:
    version: LegalVersion
    changed: tuple[LegalArticle, ...]
    flagged: tuple[int, ...]  # ids of the questions flagged for review


def may_analyse_items(user) -> bool:
    """Who reads the item analysis: editors who may change bank questions (the report shows the keys)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("assessments.change_bankquestion"))


def may_edit_laws(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("assessments.change_legalreference"))


@transaction.atomic
def legal_version_record(
    *,
    actor: User,
    law: LegalReference,
    version: str,
    in_force_on: datetime.date | None,
    texts: dict[int, str],
    note: str = "",
) -> LegalVersionResult:
    """Record a new version of a law: the articles whose text changed take their new text, and every live question
    citing one of them is flagged for review and leaves random papers until an editor confirms or edits it."""
    if not may_edit_laws(actor):
        raise PermissionDenied
    law = LegalReference.objects.select_for_update().get(pk=law.pk)
    articles = {article.number: article for article in law.articles.all()}
    unknown = sorted(set(texts) - set(articles))
    if unknown:
        raise LegalVersionError(
            gettext("The law has no article %(label)s.") % {"label": rules.article_label(unknown[0])}
        )
    if not version.strip():
        raise LegalVersionError(gettext("Give the new version, For example “2024年修订”.."))
    if version.strip() == law.version.strip():
        raise LegalVersionError(gettext("This version is already recorded; give the new version's name."))
    before = {number: article.text for number, article in articles.items()}
    changed_numbers = rules.changed_article_numbers(before, {**before, **texts})
    changed = [articles[number] for number in sorted(changed_numbers)]
    record = LegalVersion(law=law, version=version.strip(), in_force_on=in_force_on, note=note, recorded_by=actor)
    record.full_clean(exclude=["law", "recorded_by"])
    record.save()
    for article in changed:
        article.text = texts[article.number].strip()
    LegalArticle.objects.bulk_update(changed, ["text"])
    record.changed_articles.set(changed)
    law.version, law.in_force_on = record.version, in_force_on
    law.save(update_fields=["version", "in_force_on"])
    flagged = tuple(
        BankQuestion.objects.filter(status=QuestionStatus.LIVE, citations__in=changed)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    BankQuestion.objects.filter(pk__in=flagged).update(needs_review=True, review_version=record)
    log(
        instance=law,
        action="assessments.legal_version_record",
        user=actor,
        data={"version": record.version, "changed": [a.number for a in changed], "flagged": list(flagged)},
    )
    return LegalVersionResult(version=record, changed=tuple(changed), flagged=flagged)


@transaction.atomic
def question_review_clear(*, actor: User, question: BankQuestion, edited: bool = False) -> BankQuestion:
    """An editor has checked a flagged question against the new version (confirmed it, or edited it): it may be
    drawn into papers again."""
    if not (actor.is_active and actor.has_perm("assessments.change_bankquestion")):
        raise PermissionDenied
    question = BankQuestion.objects.select_for_update().get(pk=question.pk)
    if not question.needs_review:
        return question
    version = question.review_version
    question.needs_review, question.review_version = False, None
    question.save(update_fields=["needs_review", "review_version"])
    log(
        instance=question,
        action="assessments.question_review_clear",
        user=actor,
        data={"version": str(version) if version else "", "edited": edited},
    )
    return question


def paper_number(*, user, quiz) -> int:
    """The attempt the open paper is for: one more than the attempts submitted, as courses numbers attempts."""
    return QuizAttempt.objects.filter(user=user, course_id=quiz.course_id).count() + 1


def _shown_question(question: BankQuestion, rng: random.Random) -> tuple[dict, dict]:
    """One drawn question as shown (options shuffled, each named by a fresh random token) and its key entry."""
    question_id = f"q{secrets.token_hex(6)}"  # says nothing about the bank, the answer or the authored order
    options = list(question.options.all())
    rng.shuffle(options)
    tokens = [secrets.token_hex(10) for _option in options]
    shown = {
        "id": question_id,
        "kind": question.kind,
        "text": question.text,
        "case": {"title": question.case.title, "text": question.case.text} if question.case_id else None,
        "options": [{"id": token, "text": option.text} for token, option in zip(tokens, options, strict=True)],
    }
    key = {
        "question": question.pk,
        "kind": question.kind,
        "options": {token: option.pk for token, option in zip(tokens, options, strict=True)},
        "correct": [token for token, option in zip(tokens, options, strict=True) if option.correct],
        "answers": question.answers_list,
        "match": question.blank_match,
        "explanation": question.explanation,
        "citations": [f"《{article.law.short_name}》{article.label}" for article in question.citations.all()],
        # The articles as in force when the paper was drawn: a later version of the law changes the bank, not the
        # review of this attempt.
        "articles": [article.snapshot() for article in _cited_in_order(question)],
        "lesson": None,
    }
    return shown, key


def _cited_in_order(question: BankQuestion) -> list[LegalArticle]:
    return sorted(question.citations.all(), key=lambda article: (article.law.name, article.number))


@transaction.atomic
def paper_open(*, user: User, quiz) -> Paper:
    """The trainee's open paper for this quiz: drawn on first sight from the blueprint's pools (questions not shown
    to this trainee before first), then the same paper on every visit until it is submitted: one attempt at a time,
    whatever the number of tabs or devices. A timed quiz's clock starts when its paper is drawn."""
    number = paper_number(user=user, quiz=quiz)
    existing = Paper.objects.filter(user=user, quiz=quiz, number=number).first()
    if existing is not None:
        return existing
    blueprint = Blueprint.objects.prefetch_related("pools").get(quiz=quiz)
    deadline = timezone.now() + datetime.timedelta(minutes=blueprint.time_limit) if blueprint.time_limit else None
    drawn_from = selectors.blueprint_pools(blueprint)
    seen = {
        entry["question"]
        for key in Paper.objects.filter(user=user, quiz=quiz).values_list("key", flat=True)
        for entry in key.values()
    }
    rng = random.SystemRandom()
    chosen = rules.draw_questions(drawn_from.pools, seen=seen, rng=rng, cases=drawn_from.cases)
    questions = BankQuestion.objects.in_bulk(chosen)
    ordered = [questions[pk] for pk in chosen]
    rng.shuffle(ordered)
    # Questions on one case stand together, after the case text, where the first of them fell.
    first_place = {}
    for place, question in enumerate(ordered):
        first_place.setdefault(question.case_id or -question.pk, place)
    ordered.sort(key=lambda question: first_place[question.case_id or -question.pk])
    shown, key = [], {}
    prefetched = (
        BankQuestion.objects.filter(pk__in=chosen).select_related("case").prefetch_related("options", "citations__law")
    )
    by_pk = {question.pk: question for question in prefetched}
    for number_shown, question in enumerate(ordered, start=1):
        entry, answer = _shown_question(by_pk[question.pk], rng)
        entry["number"] = number_shown
        shown.append(entry)
        key[entry["id"]] = answer
    try:
        with transaction.atomic():
            return Paper.objects.create(
                user=user, quiz=quiz, number=number, questions=shown, key=key, deadline=deadline
            )
    except IntegrityError:
        # Two first visits at once: the other request drew the paper; everyone sees that one.
        return Paper.objects.get(user=user, quiz=quiz, number=number)


@transaction.atomic
def paper_answers_save(*, paper: Paper, answers: dict[str, list[str]]) -> Paper:
    """Keep answers to an open paper on the server as the trainee goes, so that a dropped connection loses nothing:
    each answer given replaces that question's saved answer, an empty one clears it. Refused, keeping nothing, when
    an answer is malformed (a question or option not of this paper) or when time is up (after the grace)."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    if paper.attempt_id is not None:
        raise rules.AnswerError(gettext_noop("This attempt has already been submitted."))
    if rules.paper_time_state(paper.deadline, timezone.now()) == rules.TimeState.OVER:
        raise rules.AnswerError(gettext_noop("Time is up: answers can no longer be changed."))
    problem = rules.paper_answers_problem_when_saving(paper.key, answers)
    if problem is not None:
        raise problem
    saved = dict(paper.saved_answers)
    for question_id, chosen in answers.items():
        chosen = [value for value in chosen if value.strip()]
        if chosen:
            saved[question_id] = chosen
        else:
            saved.pop(question_id, None)
    paper.saved_answers = saved
    paper.save(update_fields=["saved_answers"])
    return paper


def paper_close_expired(*, paper: Paper) -> QuizAttempt | None:
    """Submit a paper whose time is up with the answers saved by then, through the courses' submission of an expired
    paper (which numbers the attempt once, so two closings at once record one attempt; whether the trainee is still
    enrolled matters only to the completion, see ``courses.services.quiz_attempt_submit_expired``). None when the
    paper is not expired, is already submitted, or is not the trainee's current attempt any more."""
    from courses.services import CourseActionError, quiz_attempt_submit_expired

    if paper.attempt_id is not None or rules.paper_time_state(paper.deadline, timezone.now()) == rules.TimeState.OPEN:
        return None
    if paper.number != paper_number(user=paper.user, quiz=paper.quiz):
        return None  # not the trainee's current attempt (left behind by an attempt recorded some other way)
    try:
        return quiz_attempt_submit_expired(user=paper.user, course=paper.quiz.course, answers=dict(paper.saved_answers))
    except CourseActionError:  # closed at the same moment by another run, or no attempt left
        return None


def papers_close_expired() -> int:
    """Submit every open paper whose time ran out more than the grace ago (the periodic job; trainees who come back
    have theirs closed as they open the quiz). Each paper in its own transaction; safe to run twice or at once."""
    cutoff = timezone.now() - datetime.timedelta(seconds=rules.DEADLINE_GRACE_SECONDS)
    expired = Paper.objects.filter(attempt__isnull=True, deadline__lt=cutoff).select_related("user", "quiz__course")
    return sum(1 for paper in expired.iterator() if paper_close_expired(paper=paper) is not None)


@transaction.atomic
def item_responses_record(*, submissions: Sequence[tuple[Paper, QuizAttempt]]) -> list[ItemResponse]:
    """Record how submitted papers answered each question, for item analysis: one row per question with the
    attempt's total copied in, and one per authored option chosen. Takes many submissions at once (the demo and the
    benchmark write thousands); an attempt already recorded is skipped, so a second call adds nothing."""
    recorded = set(
        ItemResponse.objects.filter(attempt__in=[attempt.pk for _paper, attempt in submissions])
        .values_list("attempt_id", flat=True)
        .distinct()
    )
    responses, chosen = [], []
    for paper, attempt in submissions:
        if attempt.pk in recorded:
            continue
        answers = rules.paper_item_answers(paper.key, attempt.answers, attempt.wrong_questions)
        correct = sum(answer.right for answer in answers)
        for answer in answers:
            responses.append(
                ItemResponse(
                    attempt=attempt,
                    quiz_id=paper.quiz_id,
                    question_id=answer.question,
                    correct=answer.right,
                    paper_correct=correct,
                    paper_score=attempt.score,
                    paper_size=len(answers),
                )
            )
            chosen.append(answer.options)
    ItemResponse.objects.bulk_create(responses, batch_size=2000)
    ItemChoice.objects.bulk_create(
        (
            ItemChoice(
                response=response,
                option_id=option,
                quiz_id=response.quiz_id,
                paper_score=response.paper_score,
                paper_size=response.paper_size,
            )
            for response, options in zip(responses, chosen, strict=True)
            for option in options
        ),
        batch_size=2000,
    )
    return responses
