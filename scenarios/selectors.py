"""Reads: a scenario's graph, a trainee's plays and their review, who may play, and the editors' funnel."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from courses import selectors as course_selectors
from courses.models import Competency, CoursePage, LessonProgress

from . import rules
from .choices import Ending, Role
from .models import ScenarioPage, ScenarioPlay, ScenarioStep, SessionPreparation


@dataclass
class ScenarioGraph:
    """A scenario's graph for the rules, with the blocks behind it for showing scenes."""

    graph: rules.Graph
    blocks: dict  # scene key → the scene block's value (StructValue)
    briefings: dict  # role → briefing text

    def problems(self) -> list[str]:
        return rules.graph_problems(self.graph)


def _choice_from_block(choice) -> rules.Choice:
    value = choice.value
    scores = []
    for score in value.get("scores") or []:
        competency = score.get("competency")
        if competency is not None and score.get("points") is not None:
            scores.append((competency.pk if hasattr(competency, "pk") else int(competency), int(score["points"])))
    return rules.Choice(
        id=str(choice.id),
        text=value.get("text") or "",
        target=value.get("target") or "",
        feedback=value.get("feedback") or "",
        scores=tuple(scores),
    )


def scenario_graph(scenario: ScenarioPage) -> ScenarioGraph:
    """The scenario's scenes and roles as ``rules`` value objects (a choice's id is its block id)."""
    scenes, blocks = [], {}
    for block in scenario.scenes:
        if block.block_type != "scene":
            continue
        value = block.value
        key = value.get("key") or ""
        choices = tuple(_choice_from_block(choice) for choice in value["choices"].bound_blocks)
        scenes.append(
            rules.Scene(
                key=key, choices=choices, ending=value.get("ending") or "", roles=tuple(value.get("roles") or ())
            )
        )
        blocks.setdefault(key, value)
    starts, briefings = {}, {}
    for block in scenario.roles:
        role = block.value.get("role")
        if role and role not in starts:
            starts[role] = block.value.get("start") or ""
            briefings[role] = block.value.get("briefing") or ""
    return ScenarioGraph(graph=rules.Graph(scenes=tuple(scenes), starts=starts), blocks=blocks, briefings=briefings)


def scenario_course(scenario: ScenarioPage) -> CoursePage | None:
    return course_selectors.lesson_course(scenario)


def may_play(*, user, scenario: ScenarioPage, course: CoursePage | None = None, enrolled: bool | None = None) -> bool:
    """Who may play: staff (to try a scenario out), an enrolled trainee, or anyone logged in on a free preview.
    ``course`` and ``enrolled``, when the caller has already read them this request, spare reading them again."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    course = course or scenario_course(scenario)
    if course is None:
        return False
    if enrolled if enrolled is not None else course_selectors.is_enrolled(user=user, course=course):
        return True
    return scenario.free_preview and course_selectors.lesson_is_first(scenario)


def open_play(*, user, scenario: ScenarioPage) -> ScenarioPlay | None:
    if not user.is_authenticated:
        return None
    return ScenarioPlay.objects.unfinished().filter(user=user, scenario=scenario).first()


def play_for(*, user, scenario: ScenarioPage, play_id: int) -> ScenarioPlay | None:
    """One of the trainee's own plays of this scenario (None for anyone else's)."""
    if not user.is_authenticated:
        return None
    return ScenarioPlay.objects.filter(pk=play_id, user=user, scenario=scenario).first()


def ended_plays(*, user, scenario: ScenarioPage) -> list[ScenarioPlay]:
    if not user.is_authenticated:
        return []
    return list(ScenarioPlay.objects.ended().filter(user=user, scenario=scenario).order_by("-finished_at"))


def scenario_done(*, user, scenario: ScenarioPage) -> bool:
    return user.is_authenticated and LessonProgress.objects.filter(user=user, lesson_id=scenario.pk).exists()


def play_steps(play: ScenarioPlay) -> list[ScenarioStep]:
    return list(play.steps.order_by("number"))


@dataclass
class ReviewStep:
    number: int
    scene_key: str
    narration: object
    speaker_label: str
    choice_text: str
    feedback: str
    scores: list[tuple[str, int]]
    better: list[rules.Choice]


@dataclass
class PlayReview:
    """A finished play as the trainee sees it at the end: each choice with its feedback, the better choices missed
    (``rules.better_choices``), the scores per competency and the ending."""

    play: ScenarioPlay
    steps: list[ReviewStep]
    scores: list[tuple[str, int]]
    ending_scene: object
    meets_minimum: bool


def _competency_names(ids) -> dict[int, str]:
    return dict(Competency.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def play_review(play: ScenarioPlay) -> PlayReview:
    scenario = play.scenario
    graph = scenario_graph(scenario)
    best = rules.best_reachable(graph.graph)
    steps = play_steps(play)
    taken = [
        rules.Choice(id=s.choice_id, text=s.choice_text, target=s.target_key, scores=tuple(map(tuple, s.scores)))
        for s in steps
    ]
    totals = rules.path_scores(taken)
    names = _competency_names([c for choice in taken for c, _points in choice.scores])
    rows = []
    for step in steps:
        block = graph.blocks.get(step.scene_key)
        scene = graph.graph.by_key.get(step.scene_key)
        rows.append(
            ReviewStep(
                number=step.number,
                scene_key=step.scene_key,
                narration=block["narration"] if block else "",
                speaker_label=(block.get("speaker_label") or "") if block else "",
                choice_text=step.choice_text,
                feedback=step.feedback,
                scores=[(names.get(c, "?"), points) for c, points in step.scores],
                better=rules.better_choices(scene, step.choice_id, best) if scene else [],
            )
        )
    return PlayReview(
        play=play,
        steps=rows,
        scores=sorted(((names.get(c, "?"), points) for c, points in totals.items()), key=lambda row: row[0]),
        ending_scene=graph.blocks.get(play.current_scene),
        meets_minimum=rules.ending_meets(play.ending, scenario.minimum_ending),
    )


# The editors' funnel ----------------------------------------------------------------------------------------


@dataclass
class Funnel:
    """How a scenario is played: plays started and finished, each ending, where unfinished plays stopped and the
    poor choices made most often (``rules.poor_choices``)."""

    started: int
    trainees: int
    endings: list[tuple[str, str, int]]  # (ending, label, plays)
    unfinished: int
    drop_offs: list[tuple[str, int]]  # (scene key, unfinished plays stopped there), most first
    poor_choices: list[tuple[str, str, int]]  # (scene key, choice text, times chosen), most first


def scenario_funnel(scenario: ScenarioPage, *, limit: int = 10) -> Funnel:
    plays = ScenarioPlay.objects.filter(scenario=scenario)
    figures = plays.aggregate(
        started=Count("pk"),
        trainees=Count("user", distinct=True),
        unfinished=Count("pk", filter=Q(ending="")),
        **{ending: Count("pk", filter=Q(ending=ending)) for ending in Ending.values},
    )
    drop_offs = Counter(
        dict(plays.filter(ending="").values("current_scene").annotate(n=Count("pk")).values_list("current_scene", "n"))
    )
    graph = scenario_graph(scenario)
    best = rules.best_reachable(graph.graph)
    poor_ids = {choice.id for scene in graph.graph.scenes for choice in rules.poor_choices(scene, best)}
    chosen = (
        ScenarioStep.objects.filter(play__scenario=scenario, choice_id__in=poor_ids)
        .values("scene_key", "choice_text")
        .annotate(n=Count("pk"))
        .order_by("-n", "scene_key")[:limit]
    )
    return Funnel(
        started=figures["started"],
        trainees=figures["trainees"],
        endings=[(ending, str(label), figures[ending]) for ending, label in Ending.choices],
        unfinished=figures["unfinished"],
        drop_offs=drop_offs.most_common(limit),
        poor_choices=[(row["scene_key"], row["choice_text"], row["n"]) for row in chosen],
    )


# Session preparation (the AB剧场 roster) -------------------------------------------------------------------


def preparation_for(session) -> SessionPreparation | None:
    return SessionPreparation.objects.filter(session=session).select_related("scenario").first()


def preparation_cells(*, scenario: ScenarioPage, user_ids: list[int]) -> dict[int, str]:
    """User id → their best ending on the scenario (or "playing" / "not played")."""
    best: dict[int, list[str]] = {}
    for user_id, ending, finished in ScenarioPlay.objects.filter(scenario=scenario, user_id__in=user_ids).values_list(
        "user_id", "ending", "finished_at"
    ):
        best.setdefault(user_id, []).append(ending if ending else ("" if finished else "playing"))
    labels = dict(Ending.choices)
    cells = {}
    for user_id in user_ids:
        endings = best.get(user_id)
        if not endings:
            cells[user_id] = _("Not played")
            continue
        top = rules.best_ending(endings)
        if top:
            cells[user_id] = _("Played: %(ending)s ending") % {"ending": labels[top]}
        else:
            cells[user_id] = _("Started, not finished")
    return cells


def role_choices(scenario: ScenarioPage) -> list[tuple[str, str, str]]:
    """(role, label, briefing) for each role the scenario can be played as."""
    graph = scenario_graph(scenario)
    labels = dict(Role.choices)
    return [(role, str(labels.get(role, role)), graph.briefings.get(role, "")) for role in graph.graph.starts]
