"""The scenario's pages: the introduction with the roles, the current scene (one POST per choice, no JavaScript
needed) and the review of a finished play. ``LessonPage.serve`` has already let only those who may read the lesson
in (``courses.views.lesson_guard``); the services decide who may play."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from courses.views import lesson_course_and_lessons, lesson_enrolled

from . import rules, selectors, services
from .choices import Speaker
from .models import ScenarioPage


def _base_context(request, scenario: ScenarioPage) -> dict:
    course, lessons = lesson_course_and_lessons(request, lesson=scenario)
    position = next((index for index, item in enumerate(lessons) if item.pk == scenario.pk), 0)
    return {
        "course": course,
        "lessons": lessons,
        "position": position + 1,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if position + 1 < len(lessons) else None,
        "may_play": selectors.may_play(
            user=request.user, scenario=scenario, course=course, enrolled=lesson_enrolled(request, lesson=scenario)
        ),
        "is_done": selectors.scenario_done(user=request.user, scenario=scenario),
        "minimum_ending": scenario.get_minimum_ending_display(),
    }


def scenario_view(request, *, scenario: ScenarioPage):
    """The open play's current scene, or the introduction with the roles to choose from and past plays."""
    context = _base_context(request, scenario)
    play = selectors.open_play(user=request.user, scenario=scenario)
    graph = selectors.scenario_graph(scenario)
    scene = graph.blocks.get(play.current_scene) if play else None
    # ?choose=1 shows the roles even during a play, to start again in another part (the open play is then left).
    if play is not None and scene is not None and not request.GET.get("choose"):
        rule_scene = graph.graph.by_key[play.current_scene]
        context.update(
            {
                "mode": "scene",
                "play": play,
                "scene": scene,
                "choices": list(zip(rule_scene.choices, range(1, len(rule_scene.choices) + 1), strict=True)),
                "step": play.steps.count(),
                "role_label": play.get_role_display(),
                "speaker_name": Speaker(scene["speaker"]).label if scene["speaker"] in Speaker.values else "",
            }
        )
    else:
        context.update(
            {
                "mode": "intro",
                "roles": selectors.role_choices(scenario),
                "ended_plays": selectors.ended_plays(user=request.user, scenario=scenario),
                "lost_play": play if scene is None else None,  # an open play whose scene an editor has since removed
                "open_play": play if scene is not None else None,
            }
        )
    return scenario.render(request, context_overrides=context)


def _refused(request, scenario: ScenarioPage, error: services.ScenarioActionError):
    if error.code == "login_required":
        return redirect_to_login(scenario.url)
    messages.error(request, error.message)
    if error.code == "not_enrolled":
        course = selectors.scenario_course(scenario)
        return redirect(course.url if course else "/")
    return redirect(scenario.url)


def scenario_start_view(request, *, scenario: ScenarioPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.scenario_play_start(user=request.user, scenario=scenario, role=request.POST.get("role", ""))
    except services.ScenarioActionError as error:
        return _refused(request, scenario, error)
    return redirect(scenario.url)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def scenario_choose_view(request, *, scenario: ScenarioPage):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    play_id, step = _int(request.POST.get("play")), _int(request.POST.get("step"))
    if play_id is None or step is None:
        messages.error(request, _("Choose one of the answers shown."))
        return redirect(scenario.url)
    try:
        recorded = services.scenario_choose(
            user=request.user,
            scenario=scenario,
            play_id=play_id,
            scene_key=request.POST.get("scene", ""),
            step=step,
            choice_id=request.POST.get("choice", ""),
        )
    except services.ScenarioActionError as error:
        return _refused(request, scenario, error)
    play = recorded.play
    if play.finished_at is not None:
        return redirect(scenario.url + scenario.reverse_subpage("play_review", args=[play.pk]))
    return redirect(scenario.url)


def scenario_review_view(request, *, scenario: ScenarioPage, play_id: int):
    """A finished play of the trainee's own: the path, feedback, better choices missed, scores and the ending."""
    play = selectors.play_for(user=request.user, scenario=scenario, play_id=play_id)
    if play is None:
        raise Http404
    if play.finished_at is None:
        return redirect(scenario.url)
    context = _base_context(request, scenario)
    review = selectors.play_review(play)
    context.update(
        {
            "mode": "review",
            "play": play,
            "review": review,
            "ending_rank": rules.ENDING_RANK.get(play.ending, 0),
            "role_label": play.get_role_display(),
        }
    )
    return scenario.render(request, context_overrides=context)
