"""The course demo content lives in data files (courses/demo_content/*.yaml, issue 16), not in Python literals.

These facts were read from the old ``courses/demo_data.py`` before it was converted: the files must still say
exactly the same (counts, each competency's courses in order, a course's lessons, quiz questions and the correct
options), and the types seed_demo relies on (decimal strings, booleans, no quiz as ``None``) must survive YAML.
"""

from pathlib import Path

import yaml

from academy.demo_files import demo_content
from courses import demo
from courses.demo import _option_rotations, demo_competencies, demo_courses, demo_lecturers

CONTENT = Path(demo.__file__).resolve().parent / "demo_content"


def test_sixty_courses_twelve_per_competency_in_catalogue_order():
    assert [item["code"] for item in demo_competencies()] == ["DJ", "ZZ", "FG", "MD", "FW"]
    courses = demo_courses()
    assert len(courses) == 60
    assert [course["code"] for course in courses] == [
        f"{code}-{number:02d}" for code in ("DJ", "ZZ", "FG", "MD", "FW") for number in range(1, 13)
    ]
    for competency in demo_competencies():
        file_courses = demo_content(demo.__file__, f"courses-{competency['code'].lower()}")
        assert {course["competency"] for course in file_courses} == {competency["code"]}
        assert len(file_courses) == 12


def test_competencies_lecturers_and_the_links_between_them():
    competency = demo_competencies()[0]
    assert competency == {
        "code": "DJ",
        "name": "党建引领",
        "colour": "#b91c1c",
        "order": 1,
        "description": "以社区党组织为核心，推动居委会、业委会、物业企业在党建引领下协同治理。"
        "掌握红色物业、联席会议等机制的建立与运行。",
    }
    lecturers = {item["key"] for item in demo_lecturers()}
    assert len(lecturers) == 10
    courses = demo_courses()
    codes = {course["code"] for course in courses}
    for course in courses:
        assert set(course["lecturers"]) <= lecturers, course["code"]
        assert set(course["prerequisites"]) <= codes, course["code"]
    assert {course["code"]: course["prerequisites"] for course in courses if course["prerequisites"]} == {
        "DJ-03": ["DJ-01"],
        "DJ-04": ["DJ-03"],
        "ZZ-02": ["ZZ-01"],
        "ZZ-12": ["ZZ-01"],
        "FG-03": ["FG-02"],
        "FG-07": ["FG-03"],
        "MD-04": ["MD-01"],
        "MD-09": ["MD-04"],
        "FW-02": ["FW-01"],
        "FW-08": ["FW-04"],
    }
    assert [course["code"] for course in courses if course["quiz"] is None] == [
        "DJ-04", "DJ-08", "DJ-11", "ZZ-10", "ZZ-11", "FG-08", "FG-12", "MD-07", "MD-10", "MD-12", "FW-08", "FW-11",
    ]  # fmt: skip
    assert sum(len(course["lessons"]) for course in courses) == 117
    assert sum(len(course["quiz"]["questions"]) for course in courses if course["quiz"]) == 263


def test_a_course_its_lessons_and_its_quiz_with_the_correct_options():
    course = next(course for course in demo_courses() if course["code"] == "FG-01")
    assert course["title"] == "物业法规运用入门"
    assert (course["credits"], course["hours"]) == ("1.0", "2.0")  # strings, made Decimal by seed_courses
    assert course["lecturers"] == ["wang_li", "chen_hao"]
    assert [lesson["title"] for lesson in course["lessons"]] == ["小区治理的法规体系", "查找条文与依法办事的基本方法"]
    quiz = course["quiz"]
    assert [question["kind"] for question in quiz["questions"]] == [
        "single", "multiple", "truefalse", "single", "truefalse", "multiple",
    ]  # fmt: skip
    assert quiz["questions"][0]["text"] == "下列规范中，效力层级最高的是哪一项？"
    assert quiz["questions"][0]["options"] == [
        ["《民法典》", True],
        ["《物业管理条例》", False],
        ["《浙江省物业管理条例》", False],
        ["小区管理规约", False],
    ]
    assert quiz["questions"][1]["options"] == [
        ["法律法规", True],
        ["管理规约", True],
        ["物业服务合同", True],
        ["网络论坛上的个人观点", False],
    ]
    assert quiz["questions"][2]["options"] == [["正确", False], ["错误", True]]


def test_every_option_is_a_text_and_a_boolean_and_every_choice_question_has_a_right_answer():
    """YAML reads yes/no/on/off as booleans and 1.0 as a float: the files quote what must stay text."""
    for course in demo_courses():
        assert isinstance(course["credits"], str) and isinstance(course["hours"], str), course["code"]
        for question in (course["quiz"] or {}).get("questions", ()):
            assert all(isinstance(text, str) and isinstance(correct, bool) for text, correct in question["options"])
            assert any(correct for _text, correct in question["options"]), (course["code"], question["text"])


def test_the_quiz_option_rotations_are_those_of_the_old_literals():
    """The rotation of each question follows the order of the data: the first DJ and the last FW questions."""
    rotations = _option_rotations(demo_courses())
    assert len(rotations) == 171
    assert (rotations[("DJ-01", 1)], rotations[("DJ-01", 2)], rotations[("DJ-01", 4)]) == (0, 0, 1)
    assert sum(rotations.values()) == 245
    assert sum(number * turn for number, turn in enumerate(rotations.values())) == 21361  # order-sensitive


def test_the_content_files_are_plain_yaml_with_a_comment_saying_what_they_hold():
    for path in CONTENT.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), path.name
        assert yaml.safe_load(text) is not None, path.name
