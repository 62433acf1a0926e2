"""Pure rules of a scenario's graph: the publish check, endings, scores, the better choices missed and the layout
of the admin's drawing. No ORM here: the selectors turn a ScenarioPage's StreamField into these value objects."""

from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import Role

MIN_CHOICES = 2
MAX_CHOICES = 4

# Higher is better; an unfinished path ranks 0.
ENDING_RANK = {"good": 3, "acceptable": 2, "poor": 1}


@dataclass(frozen=True)
class Choice:
    """One answer offered in a scene: where it leads and what it scores (competency id → points)."""

    id: str
    text: str
    target: str
    feedback: str = ""
    scores: tuple[tuple[int, int], ...] = ()

    @property
    def score_total(self) -> int:
        return sum(delta for _competency, delta in self.scores)


@dataclass(frozen=True)
class Scene:
    """A scene: either choices (two to four) or an ending (good, acceptable or poor). ``roles`` empty = every role."""

    key: str
    choices: tuple[Choice, ...] = ()
    ending: str = ""
    roles: tuple[str, ...] = ()

    def open_to(self, role: str) -> bool:
        return not self.roles or role in self.roles


@dataclass(frozen=True)
class Graph:
    """A scenario's scenes and each playable role's start scene."""

    scenes: tuple[Scene, ...]
    starts: dict[str, str] = field(default_factory=dict)

    def scene(self, key: str) -> Scene | None:
        return next((scene for scene in self.scenes if scene.key == key), None)

    @property
    def by_key(self) -> dict[str, Scene]:
        # The first scene of a key wins; a duplicate is reported by duplicate_keys.
        scenes: dict[str, Scene] = {}
        for scene in self.scenes:
            scenes.setdefault(scene.key, scene)
        return scenes


def _role_name(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def ending_meets(ending: str, minimum: str) -> bool:
    """Whether ``ending`` is at least ``minimum`` (good ≥ acceptable ≥ poor); no ending meets nothing."""
    return ENDING_RANK.get(ending, 0) >= ENDING_RANK.get(minimum, 4) > 0


def best_ending(endings) -> str:
    """The best of several endings ('' when there are none)."""
    return max(endings, key=lambda ending: ENDING_RANK.get(ending, 0), default="")


# The publish check, one rule a function -------------------------------------------------------------------


def duplicate_keys(graph: Graph) -> list[str]:
    seen: set[str] = set()
    problems = []
    for scene in graph.scenes:
        if scene.key in seen:
            problems.append(_("Two scenes have the key “%(key)s”: each scene needs its own key.") % {"key": scene.key})
        seen.add(scene.key)
    return problems


def choice_counts(graph: Graph) -> list[str]:
    """A scene is an ending with no choices, or it offers two to four choices."""
    problems = []
    for scene in graph.scenes:
        if scene.ending and scene.choices:
            problems.append(
                _("Scene “%(key)s” is an ending and also offers choices: keep one or the other.") % {"key": scene.key}
            )
        elif not scene.ending and scene.choices and not MIN_CHOICES <= len(scene.choices) <= MAX_CHOICES:
            problems.append(
                _("Scene “%(key)s” offers %(count)d choices: give it two to four.")
                % {"key": scene.key, "count": len(scene.choices)}
            )
    return problems


def dead_ends(graph: Graph) -> list[str]:
    """A scene with no choice that is not marked as an ending leaves the trainee stuck."""
    return [
        _("Scene “%(key)s” has no choices and is not an ending: add choices or mark it as an ending.")
        % {"key": scene.key}
        for scene in graph.scenes
        if not scene.ending and not scene.choices
    ]


def unknown_targets(graph: Graph) -> list[str]:
    keys = {scene.key for scene in graph.scenes}
    problems = []
    for scene in graph.scenes:
        for number, choice in enumerate(scene.choices, start=1):
            if choice.target not in keys:
                problems.append(
                    _("Choice %(number)d of scene “%(key)s” leads to “%(target)s”, which is not a scene.")
                    % {"number": number, "key": scene.key, "target": choice.target}
                )
    return problems


def start_problems(graph: Graph) -> list[str]:
    by_key = graph.by_key
    problems = []
    if not graph.starts:
        problems.append(_("Name at least one role that can play this scenario, with its start scene."))
    for role, start in graph.starts.items():
        scene = by_key.get(start)
        if scene is None:
            problems.append(
                _("The start scene “%(key)s” of role “%(role)s” is not a scene.")
                % {"key": start, "role": _role_name(role)}
            )
        elif not scene.open_to(role):
            problems.append(
                _("The start scene “%(key)s” of role “%(role)s” is limited to other roles.")
                % {"key": start, "role": _role_name(role)}
            )
    return problems


def reachable_by_role(graph: Graph) -> dict[str, set[str]]:
    """For each role, the keys of the scenes its plays can reach from its start."""
    by_key = graph.by_key
    reached: dict[str, set[str]] = {}
    for role, start in graph.starts.items():
        seen: set[str] = set()
        queue = deque([start] if start in by_key else [])
        while queue:
            key = queue.popleft()
            if key in seen:
                continue
            seen.add(key)
            queue.extend(choice.target for choice in by_key[key].choices if choice.target in by_key)
        reached[role] = seen
    return reached


def unreachable_scenes(graph: Graph) -> list[str]:
    reached = set().union(*reachable_by_role(graph).values()) if graph.starts else set()
    return [
        _("Scene “%(key)s” cannot be reached from any role's start scene.") % {"key": scene.key}
        for scene in graph.scenes
        if scene.key not in reached
    ]


def scenes_closed_to_role(graph: Graph) -> list[str]:
    """A role's path must not lead into a scene limited to other roles."""
    by_key = graph.by_key
    problems = []
    for role, keys in reachable_by_role(graph).items():
        for key in sorted(keys):
            if not by_key[key].open_to(role):
                problems.append(
                    _("Role “%(role)s” can reach scene “%(key)s”, which is limited to other roles.")
                    % {"role": _role_name(role), "key": key}
                )
    return problems


def can_end(graph: Graph) -> set[str]:
    """Keys of the scenes from which some ending can still be reached."""
    by_key = graph.by_key
    ending_keys = {key for key, scene in by_key.items() if scene.ending}
    result = set(ending_keys)
    changed = True
    while changed:
        changed = False
        for key, scene in by_key.items():
            if key not in result and any(choice.target in result for choice in scene.choices):
                result.add(key)
                changed = True
    return result


def loops_without_exit(graph: Graph) -> list[str]:
    """Scenes with choices from which no ending can be reached: the trainee would go round for ever.

    Dead ends are reported by ``dead_ends`` and unknown targets by ``unknown_targets``, so only scenes that do have
    choices, all of them to existing scenes, are named here."""
    by_key = graph.by_key
    finishing = can_end(graph)
    trapped = [
        key
        for key, scene in by_key.items()
        if scene.choices and key not in finishing and all(choice.target in by_key for choice in scene.choices)
    ]
    if not trapped:
        return []
    return [
        _("Scenes %(keys)s lead only to one another: no ending can be reached from them.")
        % {"keys": "、".join(f"“{key}”" for key in trapped)}
    ]


CHECKS = (
    duplicate_keys,
    choice_counts,
    dead_ends,
    unknown_targets,
    start_problems,
    unreachable_scenes,
    scenes_closed_to_role,
    loops_without_exit,
)


def graph_problems(graph: Graph) -> list[str]:
    """Every reason the scenario cannot be published, in the order an editor would fix them (empty when sound)."""
    return [problem for check in CHECKS for problem in check(graph)]


# Scores and the review of a path --------------------------------------------------------------------------


def path_scores(choices) -> dict[int, int]:
    """Competency id → the sum of the score deltas of the choices taken (a competency never scored is absent)."""
    totals: dict[int, int] = {}
    for choice in choices:
        for competency, delta in choice.scores:
            totals[competency] = totals.get(competency, 0) + delta
    return totals


def best_reachable(graph: Graph) -> dict[str, int]:
    """Scene key → the rank of the best ending still reachable from it (0 when none)."""
    by_key = graph.by_key
    best = {key: ENDING_RANK.get(scene.ending, 0) for key, scene in by_key.items()}
    changed = True
    while changed:  # ranks only rise and are bounded, so this settles (loops included)
        changed = False
        for key, scene in by_key.items():
            for choice in scene.choices:
                rank = best.get(choice.target, 0)
                if rank > best[key]:
                    best[key] = rank
                    changed = True
    return best


def choice_merit(choice: Choice, best: dict[str, int]) -> tuple[int, int]:
    """How good a choice is: first the best ending still reachable after it, then its own score total."""
    return (best.get(choice.target, 0), choice.score_total)


def better_choices(scene: Scene, taken_id: str, best: dict[str, int]) -> list[Choice]:
    """The choices of ``scene`` better than the one taken (``choice_merit``): a better ending stays reachable after
    them, or the same ending with more points. Best first."""
    taken = next((choice for choice in scene.choices if choice.id == taken_id), None)
    if taken is None:
        return []
    bar = choice_merit(taken, best)
    better = [choice for choice in scene.choices if choice.id != taken_id and choice_merit(choice, best) > bar]
    return sorted(better, key=lambda choice: choice_merit(choice, best), reverse=True)


def poor_choices(scene: Scene, best: dict[str, int]) -> list[Choice]:
    """The choices of ``scene`` an editor should watch: those that lose points (a negative score total) or after
    which only a worse ending can be reached than after the scene's best choice."""
    if not scene.choices:
        return []
    top = max(best.get(choice.target, 0) for choice in scene.choices)
    return [choice for choice in scene.choices if choice.score_total < 0 or best.get(choice.target, 0) < top]


# The admin's drawing --------------------------------------------------------------------------------------


def layers(graph: Graph) -> list[list[str]]:
    """Scene keys grouped by their distance (fewest choices) from the nearest start; unreachable scenes last."""
    by_key = graph.by_key
    depth: dict[str, int] = {}
    queue = deque((start, 0) for start in graph.starts.values() if start in by_key)
    while queue:
        key, level = queue.popleft()
        if key in depth:
            continue
        depth[key] = level
        queue.extend((choice.target, level + 1) for choice in by_key[key].choices if choice.target in by_key)
    deepest = max(depth.values(), default=-1)
    grouped: list[list[str]] = [[] for _level in range(deepest + 1)]
    stray = []
    for key in by_key:
        if key in depth:
            grouped[depth[key]].append(key)
        else:
            stray.append(key)
    if stray:
        grouped.append(stray)
    return grouped
