"""The graph rules one by one, without a database: each kind of broken graph is named, a sound one passes."""

from django.utils import translation

from scenarios import rules
from scenarios.rules import Choice, Graph, Scene


def c(target, cid=None, scores=(), text=""):
    return Choice(id=cid or f"to-{target}", text=text or target, target=target, scores=tuple(scores))


def sound() -> Graph:
    return Graph(
        scenes=(
            Scene("start", (c("listen", "a"), c("shout", "b", [(1, -2)]))),
            Scene("listen", (c("good", "c", [(1, 1)]), c("meeting", "d"))),
            Scene("meeting", (c("acceptable", "e"), c("listen", "f"))),
            Scene("shout", (c("poor", "g"), c("listen", "h", [(1, 1)]))),
            Scene("good", ending="good"),
            Scene("acceptable", ending="acceptable"),
            Scene("poor", ending="poor"),
        ),
        starts={"rc": "start"},
    )


def with_scenes(*scenes, starts=None) -> Graph:
    return Graph(scenes=scenes, starts=starts if starts is not None else {"rc": "start"})


def test_a_sound_graph_with_a_loop_that_has_an_exit_passes():
    assert rules.graph_problems(sound()) == []


def test_duplicate_keys_are_named():
    graph = with_scenes(
        Scene("start", (c("end"), c("end", "x"))), Scene("end", ending="good"), Scene("end", ending="poor")
    )
    with translation.override("en"):
        assert rules.duplicate_keys(graph) == ["Two scenes have the key “end”: each scene needs its own key."]


def test_unknown_target_is_named_with_the_choice_number():
    graph = with_scenes(Scene("start", (c("end"), c("nowhere"))), Scene("end", ending="good"))
    with translation.override("en"):
        assert rules.unknown_targets(graph) == ["Choice 2 of scene “start” leads to “nowhere”, which is not a scene."]
    assert rules.graph_problems(graph)


def test_a_scene_no_start_reaches_is_unreachable():
    graph = with_scenes(
        Scene("start", (c("end"), c("end", "x"))), Scene("end", ending="good"), Scene("island", ending="poor")
    )
    with translation.override("en"):
        assert rules.unreachable_scenes(graph) == ["Scene “island” cannot be reached from any role's start scene."]


def test_a_scene_reached_only_from_another_roles_start_is_reachable():
    graph = with_scenes(
        Scene("start", (c("end"), c("end", "x"))),
        Scene("oc-start", (c("other"), c("end", "y")), roles=("oc",)),
        Scene("other", ending="poor"),
        Scene("end", ending="good"),
        starts={"rc": "start", "oc": "oc-start"},
    )
    assert rules.unreachable_scenes(graph) == []
    assert rules.graph_problems(graph) == []


def test_a_dead_end_that_is_not_an_ending_is_named():
    graph = with_scenes(Scene("start", (c("stuck"), c("end"))), Scene("stuck"), Scene("end", ending="good"))
    with translation.override("en"):
        assert rules.dead_ends(graph) == [
            "Scene “stuck” has no choices and is not an ending: add choices or mark it as an ending."
        ]


def test_a_loop_without_an_exit_is_named_even_though_every_scene_has_choices():
    graph = with_scenes(
        Scene("start", (c("a"), c("end"))),
        Scene("a", (c("b"), c("b", "ab2"))),
        Scene("b", (c("a", "ba"), c("a", "ba2"))),
        Scene("end", ending="good"),
    )
    assert rules.dead_ends(graph) == [] and rules.unknown_targets(graph) == []
    with translation.override("en"):
        assert rules.loops_without_exit(graph) == [
            "Scenes “a”、“b” lead only to one another: no ending can be reached from them."
        ]


def test_choice_counts_outside_two_to_four_and_endings_with_choices_are_named():
    graph = with_scenes(
        Scene("start", (c("end"),)),
        Scene("many", tuple(c("end", f"m{i}") for i in range(5))),
        Scene("end", (c("start"), c("start", "z")), ending="good"),
    )
    problems = rules.choice_counts(graph)
    assert len(problems) == 3
    assert any("“start”" in problem for problem in problems)
    assert any("“many”" in problem for problem in problems)
    assert any("“end”" in problem for problem in problems)


def test_a_start_scene_that_does_not_exist_or_is_closed_to_the_role_is_named():
    missing = with_scenes(Scene("start", (c("end"), c("end", "x"))), Scene("end", ending="good"), starts={"rc": "nope"})
    closed = with_scenes(
        Scene("start", (c("end"), c("end", "x")), roles=("oc",)), Scene("end", ending="good"), starts={"rc": "start"}
    )
    nobody = with_scenes(Scene("start", (c("end"), c("end", "x"))), Scene("end", ending="good"), starts={})
    assert rules.start_problems(missing) and rules.start_problems(closed) and rules.start_problems(nobody)


def test_a_roles_path_into_a_scene_limited_to_another_role_is_named():
    graph = with_scenes(
        Scene("start", (c("oc-only"), c("end"))),
        Scene("oc-only", (c("end", "q"), c("end", "r")), roles=("oc",)),
        Scene("end", ending="good"),
    )
    assert len(rules.scenes_closed_to_role(graph)) == 1


def test_endings_rank_good_over_acceptable_over_poor():
    assert rules.ending_meets("good", "acceptable")
    assert rules.ending_meets("acceptable", "acceptable")
    assert not rules.ending_meets("poor", "acceptable")
    assert not rules.ending_meets("", "poor")
    assert rules.best_ending(["poor", "good", "acceptable"]) == "good"
    assert rules.best_ending(["", "poor"]) == "poor"


def test_path_scores_are_the_sum_of_the_choices_deltas():
    taken = [c("x", scores=[(1, 2), (2, -1)]), c("y", scores=[(1, 1)]), c("z", scores=[(3, 0)])]
    assert rules.path_scores(taken) == {1: 3, 2: -1, 3: 0}
    assert rules.path_scores([]) == {}


def test_best_reachable_ending_settles_through_loops():
    best = rules.best_reachable(sound())
    assert best["start"] == best["listen"] == best["meeting"] == best["shout"] == 3
    assert best["poor"] == 1


def test_better_choices_lead_to_a_better_reachable_ending_or_the_same_with_more_points():
    graph = sound()
    best = rules.best_reachable(graph)
    meeting = graph.scene("meeting")
    # "acceptable" is an ending of rank 2; going back to "listen" keeps "good" reachable: better.
    assert [choice.id for choice in rules.better_choices(meeting, "e", best)] == ["f"]
    shout = graph.scene("shout")
    assert [choice.id for choice in rules.better_choices(shout, "g", best)] == ["h"]
    start = graph.scene("start")
    # Both keep "good" reachable; "listen" loses no points, "shout" loses two: listen is better than shout.
    assert [choice.id for choice in rules.better_choices(start, "b", best)] == ["a"]
    assert rules.better_choices(start, "a", best) == []


def test_poor_choices_lose_points_or_narrow_the_best_ending():
    graph = sound()
    best = rules.best_reachable(graph)
    assert [choice.id for choice in rules.poor_choices(graph.scene("start"), best)] == ["b"]
    assert [choice.id for choice in rules.poor_choices(graph.scene("meeting"), best)] == ["e"]


def test_layers_follow_the_distance_from_the_start_and_put_strays_last():
    graph = with_scenes(
        Scene("start", (c("a"), c("b"))),
        Scene("a", (c("end"), c("b", "ab"))),
        Scene("b", (c("end", "be"), c("a", "ba"))),
        Scene("end", ending="good"),
        Scene("stray", ending="poor"),
    )
    assert rules.layers(graph) == [["start"], ["a", "b"], ["end"], ["stray"]]
