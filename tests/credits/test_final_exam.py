"""A programme's optional final exam (结业考试): a course whose quiz draws its paper from the question bank. When the
programme has one, graduation needs it passed; the rule is decided in one place (``credits.rules.evaluate``), so
eligibility, the trainee's progress and the certificate all follow it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from assessments import services as bank_services
from assessments.models import Blueprint, BlueprintPool
from courses import services as course_services
from credits import rules, selectors
from tests.assessments.factories import make_question
from tests.courses.factories import CompetencyFactory, make_course
from tests.credits.factories import give_credits, make_programme
from tests.factories import UserFactory

EXAM = rules.RequiredCourse(99, "小区专员结业考试", "JY-01")


def test_a_programme_with_a_final_exam_is_not_met_until_it_is_passed():
    requirements = rules.Requirements(Decimal("2.0"), 24, final_exam=EXAM)
    credits = {1: Decimal("3.0")}
    before = rules.evaluate(requirements, rules.Facts(credits_by_competency=credits))
    assert not before.met and [s.kind for s in before.shortfalls] == [rules.ShortfallKind.FINAL_EXAM]
    with translation.override("zh-hans"):
        assert before.messages == ["结业考试《小区专员结业考试》尚未通过"]
    with translation.override("en"):
        assert before.messages == ["Final exam 《小区专员结业考试》 not passed"]
    assert before.percent < 100
    after = rules.evaluate(
        requirements, rules.Facts(credits_by_competency=credits, completed_course_ids=frozenset({99}))
    )
    assert after.met and after.final_exam_passed and after.percent == 100


def test_a_programme_without_a_final_exam_is_unchanged():
    eligibility = rules.evaluate(rules.Requirements(Decimal("2.0"), 24), rules.Facts({1: Decimal("2.0")}))
    assert eligibility.met and not eligibility.final_exam_required


@pytest.mark.django_db
def test_passing_the_drawn_final_exam_makes_the_trainee_eligible():
    fg = CompetencyFactory(code="FG")
    exam = make_course(code="JY-01", title="小区专员结业考试", competency=fg, lessons=0, credits="0.5", max_attempts=2)
    for number in range(6):
        make_question(competency=fg, text=f"结业题{number}")
    blueprint = Blueprint.objects.create(quiz=exam.quiz)
    BlueprintPool.objects.create(blueprint=blueprint, competency=fg, count=4)
    programme = make_programme(total="2.0")
    programme.final_exam = exam
    programme.full_clean()
    programme.save()
    trainee = UserFactory()
    give_credits(trainee, fg, "3.0")
    eligibility = selectors.eligibility_for(trainee=trainee, programme=programme)
    assert not eligibility.met
    assert [s.kind for s in eligibility.shortfalls] == [rules.ShortfallKind.FINAL_EXAM]
    course_services.enrolment_create(user=trainee, course=exam)
    paper = bank_services.paper_open(user=trainee, quiz=exam.quiz)
    right = {question_id: entry["correct"] for question_id, entry in paper.key.items()}
    assert course_services.quiz_attempt_submit(user=trainee, course=exam, answers=right).passed
    assert selectors.eligibility_for(trainee=trainee, programme=programme).met


@pytest.mark.django_db
def test_the_final_exam_must_be_a_course_with_a_blueprint():
    course = make_course(code="FG-01")
    programme = make_programme(total="1.0")
    programme.final_exam = course
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "final_exam" in error.value.message_dict
