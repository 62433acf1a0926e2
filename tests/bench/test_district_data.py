"""The district benchmark's building blocks: the bench modules import, and the generator's rows hold together.

The generator itself writes with PostgreSQL COPY (bench/district_data.py, run by hand); its row-making part is
pure and runs here at a tiny scale.
"""

import datetime
import importlib
import random
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent.parent / "bench"
COURSES = [
    {"id": 10, "competency": 1, "credits": "1.5", "note": "FG-01", "lessons": [101, 102, 103], "quiz": True},
    {"id": 11, "competency": 2, "credits": "2.0", "note": "MD-01", "lessons": [111], "quiz": True},
    {"id": 12, "competency": 3, "credits": None, "note": "XX-00", "lessons": [], "quiz": False},
    {"id": 13, "competency": 1, "credits": "0.5", "note": "DJ-01", "lessons": [131, 132], "quiz": False},
] + [
    {
        "id": 20 + n,
        "competency": 4,
        "credits": "1.0",
        "note": f"FW-{n:02d}",
        "lessons": [200 + n, 300 + n],
        "quiz": n % 2 == 0,
    }
    for n in range(16)
]


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module


def _history(bench, trainees=200):
    district_data = bench("district_data")
    now = datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)
    return district_data.learning_history(
        range(1_000_000, 1_000_000 + trainees), courses=COURSES, competencies=[1, 2, 3, 4, 5], now=now,
        rng=random.Random(1),
    )  # fmt: skip


def test_every_bench_module_imports(bench):
    for name in ("pg", "district_data", "district", "catalogue_rps", "base_template", "locust_run", "certificates"):
        assert bench(name).__doc__


def test_generated_history_awards_each_credited_completion_exactly_once(bench):
    _enrolments, _progress, completions, ledger = _history(bench)
    credited = {(user, course) for user, course, _at in completions if COURSES[_index(course)]["credits"]}
    awards = [(row[0], row[5]) for row in ledger if row[3] == "course"]
    assert credited and Counter(awards) == Counter(credited)
    assert all(row[4] == f"course:{row[5]}:user:{row[0]}" for row in ledger if row[3] == "course")
    assert len({row[4] for row in ledger}) == len(ledger)  # source keys are unique, as the ledger demands


def test_generated_completions_have_every_lesson_done_and_an_enrolment(bench):
    enrolments, progress, completions, _ledger = _history(bench)
    enrolled = {(user, course) for user, course, _at in enrolments}
    done = {(user, lesson) for user, lesson, _course, _at in progress}
    assert len(done) == len(progress)  # a lesson is done once
    for user, course, _at in completions:
        assert (user, course) in enrolled
        assert all((user, lesson) in done for lesson in COURSES[_index(course)]["lessons"])
    assert 8 * 200 <= len(enrolments) <= 16 * 200


def test_begun_courses_have_a_prefix_of_lessons_done_and_never_all_of_a_course_without_a_quiz(bench):
    _enrolments, progress, completions, _ledger = _history(bench)
    completed = {(user, course) for user, course, _at in completions}
    begun: dict[tuple[int, int], list[int]] = {}
    for user, lesson, course, _at in progress:
        if (user, course) not in completed:
            begun.setdefault((user, course), []).append(lesson)
    assert begun
    for (_user, course), lessons in begun.items():
        spec = COURSES[_index(course)]
        assert lessons == spec["lessons"][: len(lessons)]  # the first few, in order
        assert spec["quiz"] or len(lessons) < len(spec["lessons"])
    # Some quiz courses are begun with every lesson done (the quiz still to pass).
    assert any(COURSES[_index(course)]["quiz"] and len(lessons) == len(COURSES[_index(course)]["lessons"])
               for (_user, course), lessons in begun.items())  # fmt: skip


def test_database_names_that_are_not_plain_are_refused(bench):
    pg = bench("pg")
    with pytest.raises(ValueError, match="not a plain database name"):
        pg.database_exists("x'; DROP DATABASE postgres; --")
    assert pg.database_url("academy_bench", 55421) == "postgres://postgres@127.0.0.1:55421/academy_bench"


def _index(course_id: int) -> int:
    return next(n for n, course in enumerate(COURSES) if course["id"] == course_id)
