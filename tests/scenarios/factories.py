"""Scenarios for tests: a small sound graph (two roles, good / acceptable / poor endings, a loop with an exit)."""

import uuid

from wagtail.rich_text import RichText

from courses.models import Competency, CoursePage
from scenarios.demo import scene_data
from scenarios.models import ScenarioPage
from scenarios.selectors import scenario_graph
from tests.courses.factories import CompetencyFactory, make_course


def scene(key, *choices, ending="", roles=(), speaker="narrator", label=""):
    """A scene as scenarios.yaml writes it; each choice is (text, target, {competency code: points})."""
    return {
        "key": key,
        "roles": list(roles),
        "speaker": speaker,
        "speaker_label": label,
        "narration": f"场景{key}的叙述。",
        "choices": [
            {"text": text, "target": target, "feedback": f"对“{text}”的点评。", "scores": scores}
            for text, target, scores in choices
        ],
        "ending": ending,
        "closing": f"{key}结束语。" if ending else "",
    }


def sound_scenes() -> list[dict]:
    """start → listen | shout; listen → good | meeting; meeting → acceptable | listen (a loop with an exit);
    shout → poor | listen; the oc role starts at oc-start, limited to oc."""
    return [
        scene("start", ("倾听", "listen", {"MD": 2}), ("呵斥", "shout", {"MD": -2, "FG": -1}), roles=["rc"]),
        scene("oc-start", ("开会", "meeting", {"ZZ": 1}), ("发通知", "shout", {"ZZ": -1}), roles=["oc"]),
        scene("listen", ("达成协议", "good", {"MD": 1, "FG": 1}), ("再开个会", "meeting", {})),
        scene("meeting", ("表决", "acceptable", {"ZZ": 1}), ("回去再听听", "listen", {})),
        scene("shout", ("报警", "poor", {"MD": -1}), ("道歉", "listen", {"MD": 1})),
        scene("good", ending="good"),
        scene("acceptable", ending="acceptable"),
        scene("poor", ending="poor"),
    ]


def roles_data(starts: dict[str, str]) -> list[dict]:
    return [
        {"type": "role", "id": str(uuid.uuid4()), "value": {"role": role, "start": start, "briefing": f"{role}的简介"}}
        for role, start in starts.items()
    ]


def competencies() -> dict[str, int]:
    for code, name in (("MD", "矛盾调处"), ("FG", "法规运用"), ("ZZ", "组织管理")):
        if not Competency.objects.filter(code=code).exists():
            CompetencyFactory(code=code, name=name)
    return dict(Competency.objects.values_list("code", "pk"))


def scenario_page(*, scenes=None, starts=None, slug="scenario", minimum="acceptable", **kwargs) -> ScenarioPage:
    """An unsaved scenario page (call ``full_clean`` to run the publish check)."""
    codes = competencies()
    return ScenarioPage(
        title=kwargs.pop("title", "情景演练：楼道堆物"),
        slug=slug,
        minimum_ending=minimum,
        body=[("paragraph", RichText("<p>情景介绍。</p>"))],
        roles=roles_data(starts if starts is not None else {"rc": "start", "oc": "oc-start"}),
        scenes=[scene_data(item, codes) for item in (scenes if scenes is not None else sound_scenes())],
        **kwargs,
    )


def make_scenario(course: CoursePage | None = None, **kwargs) -> ScenarioPage:
    """A live scenario as the last lesson of ``course`` (default: a new MD course with one ordinary lesson)."""
    competencies()
    course = course or make_course(
        code="MD-09", competency=Competency.objects.get(code="MD"), lessons=1, quiz=False, free_preview=False
    )
    page = scenario_page(**kwargs)
    course.add_child(instance=page)
    return ScenarioPage.objects.get(pk=page.pk)


def choice_id(scenario: ScenarioPage, scene_key: str, text: str) -> str:
    graph = scenario_graph(scenario).graph
    return next(choice.id for choice in graph.by_key[scene_key].choices if choice.text == text)
