"""Demo scenarios (scenarios.yaml): three 矛盾调处 role-plays as the last lesson of their courses, the AB剧场 session
that asks for one beforehand, and a few plays by demo trainees so the editors' funnel has figures. Idempotent."""

import uuid
from html import escape

from django.db import transaction
from wagtail.rich_text import RichText

from academy.demo_files import demo_content
from academy.models import User
from courses import services as course_services
from courses.models import Competency, CoursePage, TrainingSession

from . import services
from .models import ScenarioPage, ScenarioPlay, SessionPreparation

PREPARED_SESSION = ("矛盾调处情景模拟（第2期）", "scenario-lift")
# Demo plays: (trainee phone, scenario slug, role, the choice numbers taken from the start; short = left unfinished).
DEMO_PLAYS = [
    ("+8613900000002", "scenario-parking", "rc", [1, 1, 1, 1]),
    ("+8613900000003", "scenario-parking", "pc", [2, 2]),
    ("+8613900000004", "scenario-parking", "oc", [1, 2, 1]),
    ("+8613900000005", "scenario-parking", "rc", [3, 1]),
    ("+8613900000006", "scenario-parking", "oc", [1, 1, 2]),
]


def _paragraphs(texts: list[str]) -> RichText:
    return RichText("".join(f"<p>{escape(text)}</p>" for text in texts))


def scene_data(item: dict, competencies: dict[str, int]) -> dict:
    """A scene written as in scenarios.yaml, as StreamField data (competency codes → ids; fresh block ids)."""
    choices = [
        {
            "type": "item",
            "id": str(uuid.uuid4()),
            "value": {
                "text": choice["text"],
                "target": choice["target"],
                "feedback": choice.get("feedback", ""),
                "scores": [
                    {"type": "item", "id": str(uuid.uuid4()), "value": {"competency": competencies[code], "points": n}}
                    for code, n in (choice.get("scores") or {}).items()
                ],
            },
        }
        for choice in item.get("choices") or []
    ]
    return {
        "type": "scene",
        "id": str(uuid.uuid4()),
        "value": {
            "key": item["key"],
            "roles": item.get("roles") or [],
            "speaker": item.get("speaker", "narrator"),
            "speaker_label": item.get("speaker_label", ""),
            "image": None,
            "narration": f"<p>{escape(item['narration'])}</p>",
            "choices": choices,
            "ending": item.get("ending", ""),
            "closing": item.get("closing", ""),
        },
    }


def seed_scenarios() -> dict[str, ScenarioPage]:
    competencies = dict(Competency.objects.values_list("code", "pk"))
    scenarios = {}
    for item in demo_content(__file__, "scenarios"):
        course = CoursePage.objects.filter(code=item["course"]).first()
        if course is None:
            continue
        existing = ScenarioPage.objects.child_of(course).filter(slug=item["slug"]).first()
        if existing is not None:
            scenarios[item["slug"]] = existing
            continue
        page = ScenarioPage(
            title=item["title"],
            slug=item["slug"],
            estimated_minutes=item["minutes"],
            minimum_ending=item["minimum_ending"],
            body=[("paragraph", _paragraphs(item["intro"]))],
            roles=[{"type": "role", "id": str(uuid.uuid4()), "value": role} for role in item["roles"]],
            scenes=[scene_data(scene, competencies) for scene in item["scenes"]],
        )
        course.add_child(instance=page)
        page.save_revision().publish()
        scenarios[item["slug"]] = page
    return scenarios


def seed_preparation(scenarios: dict[str, ScenarioPage]) -> None:
    title, slug = PREPARED_SESSION
    session = TrainingSession.objects.filter(title=title).first()
    if session is not None and slug in scenarios:
        SessionPreparation.objects.get_or_create(session=session, defaults={"scenario": scenarios[slug]})


def _choice_id(scenario: ScenarioPage, scene_key: str, number: int) -> str:
    from .selectors import scenario_graph

    scene = scenario_graph(scenario).graph.by_key[scene_key]
    return scene.choices[number - 1].id


def seed_plays(scenarios: dict[str, ScenarioPage]) -> None:
    for phone, slug, role, numbers in DEMO_PLAYS:
        user = User.objects.filter(phone=phone).first()
        scenario = scenarios.get(slug)
        if user is None or scenario is None or ScenarioPlay.objects.filter(user=user, scenario=scenario).exists():
            continue
        course = scenario.get_parent().specific
        course_services.enrolment_create(user=user, course=course)
        play = services.scenario_play_start(user=user, scenario=scenario, role=role)
        for step, number in enumerate(numbers):
            play.refresh_from_db()
            if play.finished_at is not None:
                break
            services.scenario_choose(
                user=user,
                scenario=scenario,
                play_id=play.pk,
                scene_key=play.current_scene,
                step=step,
                choice_id=_choice_id(scenario, play.current_scene, number),
            )


@transaction.atomic
def seed() -> None:
    """Create the three demo scenarios, link the AB剧场 session to one, and play a few paths."""
    scenarios = seed_scenarios()
    seed_preparation(scenarios)
    seed_plays(scenarios)
