"""Fixtures for the certificate tests: a programme a trainee can meet with imported credits alone."""

import pytest
from django.core.cache import cache

from tests.courses.factories import CompetencyFactory
from tests.factories import UserFactory

from .factories import give_credits, make_programme


@pytest.fixture
def certified_world(db):
    """A programme needing 2 credits (1.5 in 法规运用) and a trainee who meets it."""
    cache.clear()
    fg = CompetencyFactory(code="FG")
    programme = make_programme(total="2.0", minimums={fg: "1.5"})
    trainee = UserFactory(real_name="张晓明", phone="+8613911112222")
    give_credits(trainee, fg, "3.0")
    return {"programme": programme, "trainee": trainee, "fg": fg}
