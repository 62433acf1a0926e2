"""The ledger: awards exactly once (sequentially and concurrently), append-only rows, adjustments and reversals."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from wagtail.models import ModelLogEntry

from courses import services as course_services
from courses.models import CourseCompletion
from credits import selectors, services
from credits.choices import CreditKind
from credits.models import CreditEntry, LedgerIsAppendOnly
from tests.courses.factories import complete, make_course
from tests.factories import UserFactory, make_registrar

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee():
    return UserFactory()


@pytest.fixture
def course():
    return make_course(code="FG-01", credits="1.5")


def test_completing_a_course_awards_its_credits_in_its_competency(trainee, course):
    complete(trainee, course)
    entry = CreditEntry.objects.get(trainee=trainee)
    assert entry.amount == Decimal("1.5") and entry.competency == course.competency
    assert entry.kind == CreditKind.COURSE_COMPLETION and entry.course == course
    assert entry.source_key == f"course:{course.pk}:user:{trainee.pk}"


def test_second_completion_report_awards_no_more_credit(trainee, course):
    complete(trainee, course)
    completion = CourseCompletion.objects.get(user=trainee, course=course)
    first = CreditEntry.objects.get(trainee=trainee)
    again = services.credit_award_for_completion(
        user=trainee, course=course, completed_on=completion.completed_at.date()
    )
    course_services.course_completion_check(user=trainee, course=course)
    assert again == first
    assert CreditEntry.objects.filter(trainee=trainee).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_reporting_the_same_completion_leave_one_row():
    trainee = UserFactory()
    course = make_course(code="FG-02", credits="2.0")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def report():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.credit_award_for_completion(user=trainee, course=course, completed_on=selectors.today())
            )
        except Exception as error:  # noqa: BLE001  (surfaced by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CreditEntry.objects.filter(trainee=trainee).count() == 1
    assert results[0].pk == results[1].pk


def test_ledger_rows_cannot_be_changed_or_deleted(trainee, course):
    complete(trainee, course)
    entry = CreditEntry.objects.get(trainee=trainee)
    entry.amount = Decimal("9.0")
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        CreditEntry.objects.filter(pk=entry.pk).update(amount=Decimal("9.0"))
    with pytest.raises(LedgerIsAppendOnly):
        CreditEntry.objects.filter(pk=entry.pk).delete()
    assert CreditEntry.objects.get(pk=entry.pk).amount == Decimal("1.5")


def test_balances_are_sums_in_total_per_competency_and_in_a_window(trainee, course):
    other = make_course(code="MD-01", credits="1.0")
    complete(trainee, course)
    complete(trainee, other)
    registrar = make_registrar()
    services.credit_adjust(
        actor=registrar, trainee=trainee, competency=course.competency, amount="0.5", reason="补录线下讲座",
        earned_on=selectors.today().replace(year=selectors.today().year - 3),
    )  # fmt: skip
    assert selectors.credit_balance(trainee=trainee, competency=course.competency) == Decimal("2.0")
    assert selectors.credit_balance_total(trainee=trainee) == Decimal("3.0")
    since = selectors.today().replace(year=selectors.today().year - 1)
    assert selectors.credit_balance_by_competency(trainee=trainee, since=since) == {
        course.competency_id: Decimal("1.5"),
        other.competency_id: Decimal("1.0"),
    }


def test_registrar_adjustment_is_recorded_and_audited(trainee, course):
    registrar = make_registrar()
    entry = services.credit_adjust(
        actor=registrar, trainee=trainee, competency=course.competency, amount="1.0", reason="参加区级专题培训"
    )
    assert entry.kind == CreditKind.ADJUSTMENT and entry.recorded_by == registrar and entry.note == "参加区级专题培训"
    log = ModelLogEntry.objects.get(action="credits.adjust")
    assert log.user == registrar and log.object_id == str(entry.pk) and log.data["reason"] == "参加区级专题培训"


@pytest.mark.parametrize(
    ("amount", "reason", "message"),
    [
        ("1.0", "   ", "请填写调整原因。"),
        ("0", "补录", "调整学分不能为零。"),
        ("-0.5", "误录", "该调整会使此能力模块的学分余额变为负数。"),
        ("0.25", "补录", "学分最多保留一位小数。"),
        ("abc", "补录", "请以数字填写学分，例如 1.5 或 -0.5。"),
    ],
)
def test_bad_adjustment_is_refused_with_a_message_and_writes_nothing(trainee, course, amount, reason, message):
    with pytest.raises(services.CreditActionError) as error:
        services.credit_adjust(
            actor=make_registrar(), trainee=trainee, competency=course.competency, amount=amount, reason=reason
        )
    assert error.value.message == message
    assert not CreditEntry.objects.exists()
    assert not ModelLogEntry.objects.filter(action="credits.adjust").exists()


def test_only_registrars_may_adjust(trainee, course):
    with pytest.raises(services.CreditActionError):
        services.credit_adjust(
            actor=UserFactory(), trainee=trainee, competency=course.competency, amount="1", reason="x"
        )
    assert not CreditEntry.objects.exists()


def test_reversal_cancels_an_award_once(trainee, course):
    complete(trainee, course)
    award = CreditEntry.objects.get(trainee=trainee)
    registrar = make_registrar()
    reversal = services.credit_reverse(actor=registrar, entry=award, reason="课程考核作弊，成绩作废")
    assert reversal.amount == -award.amount and reversal.reverses == award and reversal.earned_on == award.earned_on
    assert selectors.credit_balance(trainee=trainee, competency=course.competency) == Decimal("0")
    with pytest.raises(services.CreditActionError):
        services.credit_reverse(actor=registrar, entry=award, reason="再次冲销")
    assert CreditEntry.objects.filter(trainee=trainee).count() == 2
