"""Every write in the question bank."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from taggit.models import Tag
from wagtail.log_actions import log

from academy.models import User

from .models import BankOption, BankQuestion, Case, QuestionTag


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
