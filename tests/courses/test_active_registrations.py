""" "An active place in a session" (registered or on the waiting list, not cancelled) is one queryset method."""

import re
from pathlib import Path

import pytest

from courses.choices import RegistrationStatus
from courses.models import SessionRegistration
from tests.factories import UserFactory

from .factories import make_session

pytestmark = pytest.mark.django_db


def test_active_places_are_the_registered_and_the_waiting_not_the_cancelled():
    session = make_session(capacity=1)
    places = {}
    for position, status in enumerate(RegistrationStatus.values):
        places[status] = SessionRegistration.objects.create(
            session=session,
            user=UserFactory(),
            status=status,
            position=position + 1 if status == RegistrationStatus.WAITLISTED else None,
        )
    active = set(SessionRegistration.objects.filter(session=session).active())
    assert active == {places[RegistrationStatus.REGISTERED], places[RegistrationStatus.WAITLISTED]}


def test_no_other_copy_of_the_active_condition_remains():
    """Every read of active places goes through ``active()``: the condition is written once, in courses/models.py."""
    root = Path(__file__).resolve().parents[2]
    copies = re.compile(
        r"exclude\(status=RegistrationStatus\.CANCELLED\)"
        r"|status__in=\(RegistrationStatus\.REGISTERED, RegistrationStatus\.WAITLISTED\)"
        r"|Q\(status=RegistrationStatus\.REGISTERED\) \| Q\(status=RegistrationStatus\.WAITLISTED\)"
    )
    found = [
        f"{path.relative_to(root)}:{number}"
        for app in ("academy", "courses", "credits", "home")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if copies.search(line)
    ]
    assert len(found) == 1 and found[0].startswith("courses/models.py:"), found
