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

from .factories import competencies, make_scenario, scenario_page, scene, sound_scenes

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


def _edit_form_data(page: ScenarioPage, scenes: list[dict], **actions) -> dict:
    """The edit form as the admin posts it, with ``scenes`` (as scenarios.yaml writes them) for the scenes."""
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    def listed(items):
        return {
            "count": len(items),
            **{f"{i}-{key}": value for i, item in enumerate(items) for key, value in item.items()},
        }

    def scene_value(item):
        codes = competencies()
        return {
            "key": item["key"],
            "roles": item["roles"],
            "speaker": item["speaker"],
            "speaker_label": item["speaker_label"],
            "image": "",
            "narration": rich_text(f"<p>{item['narration']}</p>"),
            "choices": listed(
                [
                    {
                        "value": {
                            "text": choice["text"],
                            "target": choice["target"],
                            "feedback": choice["feedback"],
                            "scores": listed(
                                [
                                    {"value": {"competency": codes[code], "points": points}, "deleted": "", "order": n}
                                    for n, (code, points) in enumerate(choice["scores"].items())
                                ]
                            ),
                        },
                        "deleted": "",
                        "order": n,
                    }
                    for n, choice in enumerate(item["choices"])
                ]
            ),
            "ending": item["ending"],
            "closing": item["closing"],
        }

    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "estimated_minutes": page.estimated_minutes,
            "required": "on",
            "minimum_ending": page.minimum_ending,
            "body": streamfield([("paragraph", rich_text("<p>情景介绍。</p>"))]),
            "roles": streamfield(
                [
                    ("role", {"role": role.value["role"], "start": role.value["start"], "briefing": ""})
                    for role in page.roles
                ]
            ),
            "scenes": streamfield([("scene", scene_value(item)) for item in scenes]),
            "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000},
        }
    )
    return {**data, **actions}


def test_an_unfinished_scenario_saves_as_a_draft_but_cannot_be_published(client, staff_groups):
    page = make_scenario()
    client.force_login(make_editor())
    unfinished = [*sound_scenes()[:5], scene("good", ending="good")]  # "acceptable" and "poor" not written yet
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])

    response = client.post(url, _edit_form_data(page, unfinished))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page.refresh_from_db()
    draft = page.get_latest_revision_as_object()
    assert page.has_unpublished_changes
    assert [block.value["key"] for block in draft.scenes] == ["start", "oc-start", "listen", "meeting", "shout", "good"]
    assert len(ScenarioPage.objects.get(pk=page.pk).scenes) == 8  # the live scenario is untouched

    # The editor can preview the unfinished draft.
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(preview, _edit_form_data(page, unfinished)).json()["is_valid"] is True
    assert client.get(preview).status_code == 200

    with translation.override("en"):
        response = client.post(url, _edit_form_data(page, unfinished, **{"action-publish": "publish"}))
    assert response.status_code == 200
    errors = " ".join(str(error) for error in response.context["form"].non_field_errors())
    assert "acceptable" in errors
    assert len(ScenarioPage.objects.get(pk=page.pk).scenes) == 8

    # A bulk or scheduled publish of the unfinished draft runs the check too.
    with pytest.raises(ValidationError):
        page.get_latest_revision().publish()
    assert len(ScenarioPage.objects.get(pk=page.pk).scenes) == 8
