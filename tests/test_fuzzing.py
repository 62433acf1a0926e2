"""Property-based fuzzing (hypothesis) of the inputs strangers control: quiz answers, phone numbers, Excel imports
and verification codes. Arbitrary input may only ever end in the module's own validation error, and a refused
import or submission changes nothing."""

import io
import string
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from academy import roster
from academy.models import User
from academy.phone import mask_phone, normalise_phone
from academy.services import RosterImportError, roster_import
from academy.spreadsheet_import import ImportFileError
from courses import rules as course_rules
from courses import services as course_services
from courses.models import QuizAttempt, SessionAttendance
from credits.certificates.rules import (
    CROCKFORD_ALPHABET,
    verification_code_display,
    verification_code_new,
    verification_code_parse,
)
from tests.courses.factories import make_course, make_session
from tests.factories import StreetFactory, UserFactory, make_registrar

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DB_FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text a person could type or paste, minus surrogates and control characters (openpyxl cannot store those).
typed_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
cells = st.one_of(
    st.none(),
    typed_text,
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(),
    st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
    st.sampled_from(["出席", "迟到", "late", "居委会", "物业", "湖墅街道", "13800000001", 13800000001.0]),
)


# Phone validator ------------------------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(typed_text, st.from_regex(r"\A\+?(86)?[ -]?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}\Z")))
def test_phone_validator_returns_a_normal_number_or_a_validation_error(raw):
    try:
        phone = normalise_phone(raw)
    except ValidationError:
        return
    assert phone.startswith("+861") and len(phone) == 14 and phone[1:].isdigit()
    assert normalise_phone(phone) == phone  # normalising is idempotent
    masked = mask_phone(phone)
    assert masked == f"{phone[3:6]}****{phone[-4:]}"


@FUZZ
@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_every_mainland_mobile_is_accepted(digits):
    assert normalise_phone(digits) == f"+86{digits}"


# Verification-code parser ---------------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(typed_text, st.text(string.ascii_letters + string.digits + "- ", max_size=40)))
def test_verification_parser_returns_a_canonical_code_or_none(raw):
    parsed = verification_code_parse(raw)
    assert parsed is None or (len(parsed) == 16 and set(parsed) <= set(CROCKFORD_ALPHABET))


@FUZZ
@given(st.text(CROCKFORD_ALPHABET, min_size=16, max_size=16), st.booleans())
def test_every_code_survives_display_lower_case_and_typos(code, lower):
    shown = verification_code_display(code)
    typed = shown.lower() if lower else shown
    typed = typed.replace("1", "l").replace("0", "O")
    assert verification_code_parse(typed) == code
    assert verification_code_parse(f" {shown} ") == code


def test_new_codes_parse_as_themselves():
    for _i in range(50):
        code = verification_code_new()
        assert verification_code_parse(verification_code_display(code)) == code


# Quiz submission ------------------------------------------------------------------------------------------------

answers_strategy = st.one_of(
    st.none(),
    st.integers(),
    typed_text,
    st.lists(typed_text, max_size=3),
    st.dictionaries(
        st.one_of(typed_text, st.integers()),
        st.one_of(typed_text, st.integers(), st.none(), st.lists(st.one_of(typed_text, st.integers()), max_size=4)),
        max_size=5,
    ),
)


@pytest.fixture
def quiz_course(db):
    course = make_course(code="FZ-01", max_attempts=3)
    trainee = UserFactory()
    course_services.enrolment_create(user=trainee, course=course)
    return course, trainee


@DB_FUZZ
@given(answers=answers_strategy)
def test_quiz_submission_scores_or_refuses_and_a_refusal_records_nothing(quiz_course, answers):
    course, trainee = quiz_course
    before = QuizAttempt.objects.filter(user=trainee).count()
    try:
        attempt = course_services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    except course_services.CourseActionError as error:
        assert error.message
        assert QuizAttempt.objects.filter(user=trainee).count() == before
        return
    assert 0 <= attempt.score <= 100 and attempt.correct_count <= attempt.question_count
    QuizAttempt.objects.filter(pk=attempt.pk).delete()  # keep attempts available for the next example


@FUZZ
@given(answers=answers_strategy)
def test_quiz_rules_never_fail_on_cleaned_answers(answers):
    """The pure scoring rules, given whatever survives cleaning, report a problem or a score in 0..100."""
    specs = [
        course_rules.QuestionSpec(id="q1", kind="single", option_ids=("a", "b"), correct_option_ids=frozenset({"a"})),
        course_rules.QuestionSpec(
            id="q2", kind="multiple", option_ids=("c", "d", "e"), correct_option_ids=frozenset({"c", "d"})
        ),
    ]
    try:
        cleaned = course_services._clean_answers(answers)
    except course_services.CourseActionError:
        return
    if course_rules.answers_problem(specs, cleaned) is None:
        result = course_rules.quiz_score(specs, cleaned, pass_mark=60)
        assert 0 <= result.score <= 100


# Excel importers ------------------------------------------------------------------------------------------------


def workbook(headings, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def roster_world(db):
    StreetFactory(name="湖墅街道")
    return make_registrar()


@DB_FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=7), min_size=1, max_size=6))
def test_roster_import_of_arbitrary_cells_validates_and_imports_all_or_nothing(roster_world, rows):
    content = workbook(["手机号", "姓名", "所属方", "街道", "社区", "工作单位"], rows)
    users_before = User.objects.count()
    try:
        records = roster.read_rows(content)
    except ImportFileError:
        return
    preview = roster.check_rows(records)
    if not preview.ok:
        assert all(problem.message for problem in preview.problems)
        with pytest.raises(RosterImportError):
            roster_import(actor=roster_world, records=records)
        assert User.objects.count() == users_before
        return
    result = roster_import(actor=roster_world, records=records)
    assert User.objects.count() == users_before + result.created


@pytest.fixture
def attendance_world(db):
    registrar = make_registrar()
    session = make_session(starts_in=timedelta(minutes=-5))
    trainee = UserFactory(phone="+8613800000001")
    course_services.session_registration_add(actor=registrar, user=trainee, session=session)
    return registrar, session


@DB_FUZZ
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=3), min_size=1, max_size=5))
def test_attendance_import_of_arbitrary_cells_validates_and_imports_all_or_nothing(attendance_world, rows):
    registrar, session = attendance_world
    content = workbook(["手机号", "状态"], rows)
    try:
        result = course_services.attendance_import(actor=registrar, session=session, file=io.BytesIO(content))
    except course_services.AttendanceImportError as error:
        assert error.message
        assert all(message for _row, message in error.errors)
        assert not SessionAttendance.objects.filter(session=session).exists()
        return
    assert result.recorded + result.already_recorded >= 0
    SessionAttendance.objects.filter(session=session).delete()  # the next example starts from no attendance


@FUZZ
@given(st.binary(max_size=300))
def test_attendance_import_of_arbitrary_bytes_is_refused_as_not_a_workbook(content):
    try:
        course_services.attendance_import_rows(io.BytesIO(content))
    except course_services.AttendanceImportError as error:
        assert error.message
