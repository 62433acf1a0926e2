"""The scenario page type: a lesson of a course, the publish check on save, the admin's graph and funnel screens."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from wagtail.models import Page

from courses import selectors as course_selectors
from courses.models import LessonPage
from courses.views import course_public_data
from scenarios.models import ScenarioPage
from tests.factories import UserFactory, make_editor

from .factories import make_scenario, scenario_page, scene, sound_scenes

pytestmark = pytest.mark.django_db


def _course():
    from tests.courses.factories import make_course

    return make_course(code="MD-03", lessons=0, quiz=False)


def refusal(page) -> list[str]:
    """The messages with which adding ``page`` under a new course is refused (in English)."""
    course = _course()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        course.add_child(instance=page)
    return caught.value.messages


def test_a_sound_scenario_passes_the_publish_check():
    page = make_scenario()
    assert page.live and page.min_reading_seconds == 0


@pytest.mark.parametrize(
    ("scenes", "starts", "expected"),
    [
        pytest.param(
            [*sound_scenes(), scene("island", ending="poor")],
            None,
            "Scene “island” cannot be reached from any role's start scene.",
            id="unreachable",
        ),
        pytest.param(
            [*sound_scenes()[:-1], scene("poor", ("继续", "good", {}), ("再想想", "nowhere", {}))],
            None,
            "Choice 2 of scene “poor” leads to “nowhere”, which is not a scene.",
            id="unknown-target",
        ),
        pytest.param(
            [*sound_scenes(), scene("good", ending="good")],
            None,
            "Two scenes have the key “good”: each scene needs its own key.",
            id="duplicate-key",
        ),
        pytest.param(
            [
                scene("start", ("甲", "a", {}), ("乙", "end", {})),
                scene("a", ("去b", "b", {}), ("还是b", "b", {})),
                scene("b", ("回a", "a", {}), ("还是a", "a", {})),
                scene("end", ending="good"),
            ],
            {"rc": "start"},
            "Scenes “a”、“b” lead only to one another: no ending can be reached from them.",
            id="loop-without-exit",
        ),
        pytest.param(
            [*sound_scenes(), scene("stuck")],
            None,
            "Scene “stuck” has no choices and is not an ending: add choices or mark it as an ending.",
            id="dead-end",
        ),
        pytest.param(
            sound_scenes(),
            {"rc": "missing", "oc": "oc-start"},
            "The start scene “missing” of role “Residents' committee specialist” is not a scene.",
            id="bad-start",
        ),
    ],
)
def test_the_publish_check_refuses_each_kind_of_broken_graph_naming_the_scene(scenes, starts, expected):
    page = scenario_page(scenes=scenes, starts=starts)
    assert expected in refusal(page)
    assert not ScenarioPage.objects.exists()


def test_a_scene_with_one_choice_is_refused_on_the_scene_itself():
    scenes = [*sound_scenes()[:-1], scene("poor", ("只有一个", "good", {}))]
    messages = refusal(scenario_page(scenes=scenes))
    assert "Scene “poor” offers 1 choices: give it two to four." in messages


def test_a_scenario_is_listed_among_its_courses_lessons_with_its_kind():
    page = make_scenario()
    course = page.get_parent().specific
    lessons = course_selectors.course_lessons(course)
    assert [lesson.pk for lesson in lessons][-1] == page.pk
    assert type(lessons[-1]) is LessonPage  # listed as a lesson, not fetched as its subclass
    with translation.override("en"):
        data = course_public_data(course)  # cached once, whatever the language …
    with translation.override("zh-hans"):
        assert str(data["lessons"][-1]["kind"]) == "情景演练"  # … and shown in each request's language
    assert data["lessons"][0]["kind"] == ""
    # No time on task: a scenario adds nothing to the course's minimum time.
    assert data["lessons"][-1]["required_seconds"] == 0


def test_editors_can_add_a_scenario_under_a_course_but_not_elsewhere():
    page = make_scenario()
    course = page.get_parent().specific
    assert ScenarioPage in course.specific_class.allowed_subpage_models()
    assert ScenarioPage not in Page.objects.get(depth=1).specific_class.allowed_subpage_models()


def test_the_graph_view_draws_every_scene_for_an_editor(client, staff_groups):
    page = make_scenario()
    editor = make_editor()
    client.force_login(editor)
    with translation.override("en"):
        response = client.get(reverse("scenarios_graph", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and html.count('class="node"') == 8
    assert 'data-testid="graph-sound"' in html


def test_the_page_editor_links_to_the_graph_and_the_funnel(client, staff_groups):
    page = make_scenario()
    client.force_login(make_editor())
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("scenarios_graph", args=[page.pk]) in html
    assert reverse("scenarios_funnel", args=[page.pk]) in html


def test_trainees_cannot_open_the_graph_or_the_funnel(client):
    page = make_scenario()
    client.force_login(UserFactory())
    for name in ("scenarios_graph", "scenarios_funnel", "scenarios_funnel_export"):
        response = client.get(reverse(name, args=[page.pk]))
        assert response.status_code in {302, 403}, name


def test_the_funnel_exports_to_excel(client, staff_groups):
    from .test_play import play_path

    page = make_scenario()
    play_path(page, ["倾听", "达成协议"])
    client.force_login(make_editor())
    response = client.get(reverse("scenarios_funnel_export", args=[page.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    figures = {(row[0], row[1]): row[-1] for row in values}
    assert figures[("演练次数", "开始的演练")] == 1
    assert figures[("结局", "好")] == 1 and figures[("结局", "差")] == 0
