"""The cached catalogue behind 我的学分 (programmes and their requirements, competencies, live courses) and the
cached "may use the admin" behind the user bar: read once, and forgotten the moment an editor changes what they
were built from, so no page shows an old requirement or an old course."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.roles import EDITORS
from credits import selectors
from credits.models import ProgrammeCompetencyMinimum
from tests.courses.factories import CompetencyFactory, make_course
from tests.factories import UserFactory

from .factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fg = CompetencyFactory(code="FG", name="法规运用")
    course = make_course(code="FG-01", title="物业法规运用入门", competency=fg, credits="1.0")
    programme = make_programme(total="3.0", minimums={fg: "2.0"})
    return {"fg": fg, "course": course, "programme": programme}


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_the_catalogue_is_read_once_then_served_from_the_cache(world):
    assert queries(selectors.catalogue) > 0
    assert queries(selectors.catalogue) == 0
    catalogue = selectors.catalogue()
    assert [p.title for p in catalogue.programmes] == ["小区专员岗前培训"]
    assert catalogue.programmes[0].requirements == selectors.programme_requirements(world["programme"])
    assert [c.candidate.code for c in catalogue.courses] == ["FG-01"]


def test_publishing_a_new_requirement_shows_on_the_next_my_credits_page(client, world):
    trainee = UserFactory(party="rc")
    client.force_login(trainee)
    assert "法规运用还差 2 学分" in client.get(reverse("credits_my_credits")).content.decode()
    programme = world["programme"]
    programme.competency_minimums.all().delete()
    programme.competency_minimums.add(ProgrammeCompetencyMinimum(competency=world["fg"], credits=Decimal("2.5")))
    programme.save_revision().publish()
    html = client.get(reverse("credits_my_credits")).content.decode()
    assert "法规运用还差 2.5 学分" in html and "法规运用还差 2 学分" not in html


def test_unpublishing_a_programme_or_a_course_removes_it_at_once(client, world):
    trainee = UserFactory(party="rc")
    client.force_login(trainee)
    html = client.get(reverse("credits_my_credits")).content.decode()
    assert 'data-testid="programme-community-specialist"' in html and "物业法规运用入门" in html
    world["course"].unpublish()
    assert [c.candidate.code for c in selectors.catalogue().courses] == []
    world["programme"].unpublish()
    html = client.get(reverse("credits_my_credits")).content.decode()
    assert 'data-testid="programme-community-specialist"' not in html


def test_renaming_a_competency_or_editing_a_course_in_place_is_seen(world):
    selectors.catalogue()
    world["fg"].name = "法规实务"
    world["fg"].save()
    assert [c.name for c in selectors.catalogue().competencies] == ["法规实务"]
    course = world["course"]
    course.credits = Decimal("2.0")
    course.save()
    assert selectors.catalogue().courses[0].candidate.credits == Decimal("2.0")


def test_a_trainee_sees_no_user_bar_and_pays_for_the_check_once(client, world):
    trainee = UserFactory()
    client.force_login(trainee)
    client.get(reverse("credits_my_credits"))
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("credits_my_credits")).content.decode()
    assert "wagtail-userbar" not in html
    assert not [q for q in captured if "auth_permission" in q["sql"]]


def test_the_user_bar_appears_as_soon_as_someone_becomes_an_editor_and_goes_when_they_stop(client, world, staff_groups):
    person = UserFactory()
    client.force_login(person)
    assert "wagtail-userbar" not in client.get(reverse("credits_my_credits")).content.decode()
    person.groups.add(Group.objects.get(name=EDITORS))
    assert "wagtail-userbar" in client.get(reverse("credits_my_credits")).content.decode()
    person.groups.clear()
    assert "wagtail-userbar" not in client.get(reverse("credits_my_credits")).content.decode()
    person.is_superuser = True
    person.save()
    assert "wagtail-userbar" in client.get(reverse("credits_my_credits")).content.decode()
