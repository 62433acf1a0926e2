"""Writes: starting a play and making a choice. The path is stored as it goes; reaching an ending at least as good as
the scenario's minimum completes the lesson through courses' progress service."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import User
from courses import services as course_services
from courses.selectors import is_enrolled

from . import rules, selectors
from .models import ScenarioPage, ScenarioPlay, ScenarioStep

log = logging.getLogger("scenarios")


class ScenarioActionError(Exception):
    """A request the rules refuse; ``message`` is translated and safe to show. Nothing was changed."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code


def _require_player(user: User, scenario: ScenarioPage) -> None:
    if not user.is_authenticated or not user.is_active:
        raise ScenarioActionError(_("Log in to play this scenario."), code="login_required")
    if not scenario.live:
        raise ScenarioActionError(_("This scenario is not available."), code="not_available")
    if not selectors.may_play(user=user, scenario=scenario):
        raise ScenarioActionError(_("Enrol in the course to play this scenario."), code="not_enrolled")


def _arrive(play: ScenarioPlay, graph: rules.Graph, scenario: ScenarioPage) -> None:
    """Finish the play if its current scene is an ending, and complete the lesson when the ending is good enough."""
    scene = graph.by_key.get(play.current_scene)
    if scene is None or not scene.ending:
        return
    play.ending = scene.ending
    play.finished_at = timezone.now()
    play.save(update_fields=["ending", "finished_at"])
    course = selectors.scenario_course(scenario)
    if (
        rules.ending_meets(play.ending, scenario.minimum_ending)
        and course is not None
        and is_enrolled(user=play.user, course=course)
    ):
        course_services.lesson_progress_record(user=play.user, lesson=scenario)


@transaction.atomic
def scenario_play_start(*, user: User, scenario: ScenarioPage, role: str) -> ScenarioPlay:
    """Start a new play in ``role``; an unfinished play of the same scenario is left (kept, without an ending)."""
    _require_player(user, scenario)
    graph = selectors.scenario_graph(scenario)
    start = graph.graph.starts.get(role)
    if start is None or start not in graph.graph.by_key:
        raise ScenarioActionError(_("Choose one of the roles this scenario can be played as."), code="bad_role")
    # Lock the trainee's open play (if any) so two starts at once leave exactly one open play.
    previous = ScenarioPlay.objects.select_for_update().unfinished().filter(user=user, scenario=scenario).first()
    if previous is not None:
        previous.finished_at = timezone.now()
        previous.save(update_fields=["finished_at"])
    play = ScenarioPlay(user=user, scenario=scenario, role=role, current_scene=start)
    play.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            play.save()
    except IntegrityError:  # started at the same moment in another request: that play is the open one
        return ScenarioPlay.objects.unfinished().get(user=user, scenario=scenario)
    _arrive(play, graph.graph, scenario)
    return play


@transaction.atomic
def scenario_choose(
    *, user: User, scenario: ScenarioPage, play_id: int, scene_key: str, step: int, choice_id: str
) -> ScenarioStep:
    """Record a choice in the trainee's open play and move to the scene it leads to.

    The form names the scene and the step it was shown at: a choice from another scene, a second submission of
    the same choice (the play has moved on), another trainee's play or an unknown choice id is refused and changes
    nothing. The play row is locked, so two submissions at once record one step."""
    _require_player(user, scenario)
    play = ScenarioPlay.objects.select_for_update().filter(pk=play_id, user=user, scenario=scenario).first()
    if play is None:
        log.warning("scenario choice for a play that is not the trainee's: user=%s play=%s", user.pk, play_id)
        raise ScenarioActionError(_("This play is not yours or does not exist."), code="not_found")
    if play.finished_at is not None:
        raise ScenarioActionError(_("This play has ended. Start a new one to play again."), code="finished")
    steps_so_far = play.steps.count()
    if scene_key != play.current_scene or step != steps_so_far:
        raise ScenarioActionError(
            _("That choice was already made or belongs to another scene; here is where you are now."), code="stale"
        )
    graph = selectors.scenario_graph(scenario)
    scene = graph.graph.by_key.get(play.current_scene)
    choice = next((item for item in scene.choices if item.id == choice_id), None) if scene else None
    if choice is None or choice.target not in graph.graph.by_key:
        log.warning("unknown scenario choice: user=%s play=%s choice=%r", user.pk, play.pk, choice_id)
        raise ScenarioActionError(_("Choose one of the answers shown."), code="bad_choice")
    recorded = ScenarioStep(
        play=play,
        number=steps_so_far + 1,
        scene_key=scene.key,
        choice_id=choice.id,
        choice_text=choice.text[:200],
        target_key=choice.target,
        feedback=choice.feedback,
        scores=[list(score) for score in choice.scores],
    )
    recorded.full_clean()
    recorded.save()
    play.current_scene = choice.target
    play.save(update_fields=["current_scene"])
    _arrive(play, graph.graph, scenario)
    return recorded
