"""The demo's assignments: every rubric in the YAML passes the model's checks, and seeding twice adds nothing."""

import pytest

from assignments import demo
from assignments.models import Assignment, Submission
from courses.models import Lecturer
from tests.courses.factories import LecturerFactory, make_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seeding_twice_gives_two_assignments_a_linked_lecturer_and_three_waiting_submissions():
    for code in ("ZZ-01", "MD-03"):
        make_course(code=code, quiz=False, lessons=1)
    for phone in ("+8613900000002", "+8613900000003", "+8613900000004"):
        UserFactory(phone=phone)
    LecturerFactory(name="黄静")
    accounts = demo.seed()
    demo.seed()
    assert [account.login for account in accounts] == ["lecturer@academy.example.org"]
    assert Assignment.objects.count() == 2
    assert [len(a.rubric_data()) for a in Assignment.objects.order_by("course__code")] == [3, 4]
    assert Submission.objects.waiting().count() == 3
    assert Lecturer.objects.get(name="黄静").user.username == "lecturer"
