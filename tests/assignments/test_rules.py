"""The pure rules: every allowed and every refused change of a submission's state, waiting time, rubric scores."""

from datetime import date, datetime, timedelta

import pytest

from assignments import rules
from assignments.choices import SubmissionStatus as S

ALLOWED = [
    (None, rules.SUBMIT, S.SUBMITTED),
    (S.SUBMITTED, rules.SUBMIT, S.SUBMITTED),
    (S.RESUBMITTED, rules.SUBMIT, S.RESUBMITTED),
    (S.RETURNED, rules.SUBMIT, S.RESUBMITTED),
    (S.SUBMITTED, rules.PASS, S.PASSED),
    (S.RESUBMITTED, rules.PASS, S.PASSED),
    (S.SUBMITTED, rules.RETURN, S.RETURNED),
    (S.RESUBMITTED, rules.RETURN, S.RETURNED),
]
REFUSED = [
    (None, rules.PASS),
    (None, rules.RETURN),
    (S.RETURNED, rules.PASS),
    (S.RETURNED, rules.RETURN),
    (S.PASSED, rules.SUBMIT),
    (S.PASSED, rules.PASS),
    (S.PASSED, rules.RETURN),
]


@pytest.mark.parametrize(("before", "action", "after"), ALLOWED)
def test_allowed_transition_gives_the_next_state(before, action, after):
    assert rules.next_status(before, action) == after


@pytest.mark.parametrize(("before", "action"), REFUSED)
def test_refused_transition_raises_with_a_reason(before, action):
    with pytest.raises(rules.TransitionRefused) as caught:
        rules.next_status(before, action)
    assert caught.value.message


def test_every_pair_of_state_and_action_is_either_allowed_or_refused():
    pairs = {(before, action) for before, action, _after in ALLOWED} | set(REFUSED)
    assert pairs == {
        (state, action) for state in [None, *S.values] for action in (rules.SUBMIT, rules.PASS, rules.RETURN)
    }


def test_trainee_may_hand_in_until_passed_but_not_after():
    assert rules.can_submit(None) and rules.can_submit(S.SUBMITTED) and rules.can_submit(S.RETURNED)
    assert not rules.can_submit(S.PASSED)


def test_due_date_counts_days_from_the_day_of_enrolment():
    assert rules.due_on(enrolled_at_local=date(2026, 12, 1), due_days=14) == date(2026, 12, 15)


def test_waited_is_whole_days_and_hours_and_never_negative():
    start = datetime(2026, 12, 1, 8, 0)
    assert rules.waited(since=start, now=start + timedelta(days=2, hours=5, minutes=59)) == rules.Waited(2, 5)
    assert rules.waited(since=start, now=start - timedelta(hours=1)) == rules.Waited(0, 0)


RUBRIC = [
    {"id": "a", "name": "方案", "levels": [{"label": "好", "points": 10}, {"label": "差", "points": 2}]},
    {"id": "b", "name": "法规", "levels": [{"label": "准", "points": 5}, {"label": "误", "points": 0}]},
]


def test_rubric_scores_are_the_chosen_levels_points():
    scores = rules.score_rubric(RUBRIC, {"a": 1, "b": 0})
    assert [(s.criterion, s.level, s.points, s.max_points) for s in scores] == [
        ("方案", "差", 2, 10),
        ("法规", "准", 5, 5),
    ]
    assert rules.total(scores) == (7, 15)


@pytest.mark.parametrize("chosen", [{"a": 0}, {"a": 0, "b": 2}, {"a": -1, "b": 0}])
def test_rubric_refuses_a_missing_or_unknown_level(chosen):
    with pytest.raises(rules.ScoreError):
        rules.score_rubric(RUBRIC, chosen)
