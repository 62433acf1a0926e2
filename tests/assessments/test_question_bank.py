"""The question bank: well-formed questions of every type, blanks marked exactly or by listed answers, the admin
form refuses a question that does not fit its type, and the Excel import is all or nothing with problems by row."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from assessments import rules
from assessments.choices import BlankMatch, QuestionStatus, QuestionType
from assessments.demo import seed_permissions
from assessments.models import BankOption, BankQuestion, Case
from tests.courses.factories import CompetencyFactory
from tests.factories import make_editor, make_registrar

HEADINGS = [
    "能力模块",
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "难度",
    "标签",
    "解析",
    "状态",
    "案例标题",
    "案例材料",
]


# Rules (no database) -------------------------------------------------------------------------------------------


def test_listed_blank_ignores_spaces_width_and_case_but_exact_blank_does_not():
    assert rules.blank_is_correct(" ＡＢＣ 公司 ", ["abc公司"], BlankMatch.LISTED)
    assert rules.blank_is_correct("共有", ["共有权", "共有"], BlankMatch.LISTED)
    assert not rules.blank_is_correct("ABC公司", ["abc公司"], BlankMatch.EXACT)
    assert rules.blank_is_correct(" abc公司 ", ["abc公司"], BlankMatch.EXACT)
    assert not rules.blank_is_correct("", ["abc"], BlankMatch.LISTED)


@pytest.mark.parametrize(
    ("kind", "options", "answers", "match", "expected"),
    [
        (QuestionType.SINGLE, [("甲", True), ("乙", False)], [], BlankMatch.LISTED, []),
        (QuestionType.SINGLE, [("甲", True), ("乙", True)], [], BlankMatch.LISTED, ["Mark exactly one option as correct."]),
        (QuestionType.MULTIPLE, [("甲", False), ("乙", False)], [], BlankMatch.LISTED, ["Mark at least one option as correct."]),
        (QuestionType.TRUE_FALSE, [("对", True), ("错", False), ("不知道", False)], [], BlankMatch.LISTED, ["A true-or-false question has two options."]),
        (QuestionType.SINGLE, [("甲", True), ("甲", False)], [], BlankMatch.LISTED, ["Two options have the same text."]),
        (QuestionType.FILL_BLANK, [], ["共有"], BlankMatch.EXACT, []),
        (QuestionType.FILL_BLANK, [], [], BlankMatch.LISTED, ["Give at least one accepted answer."]),
        (QuestionType.FILL_BLANK, [], ["共有", "共有权"], BlankMatch.EXACT, ["An exact-match blank has exactly one accepted answer; choose listed answers."]),
        (QuestionType.FILL_BLANK, [("甲", False)], ["共有"], BlankMatch.LISTED, ["A fill-in-the-blank question has no options; give accepted answers instead."]),
    ],
)  # fmt: skip
def test_question_problems_follow_the_type(kind, options, answers, match, expected):
    with translation.override("en"):
        problems = rules.question_problems(kind=kind, options=options, answers=answers, match=match)
    assert [problem.message for problem in problems] == expected


# Admin ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, staff_groups):
    seed_permissions()
    client.force_login(make_editor())
    return client


def _question_form(competency, *, kind=QuestionType.SINGLE, correct=(0,), options=("甲", "乙", "丙"), answers=""):
    data = {
        "competency": competency.pk,
        "kind": kind,
        "case": "",
        "text": "业主大会的决定对谁具有法律约束力？",
        "difficulty": "medium",
        "tags": "民法典, 业主大会",
        "explanation": "《民法典》第二百八十条。",
        "status": QuestionStatus.DRAFT,
        "accepted_answers": answers,
        "blank_match": BlankMatch.LISTED,
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
    }
    for index, text in enumerate(options):
        data[f"options-{index}-text"] = text
        data[f"options-{index}-ORDER"] = str(index + 1)
        data[f"options-{index}-id"] = ""
        data[f"options-{index}-DELETE"] = ""
        if index in correct:
            data[f"options-{index}-correct"] = "on"
    return data


def test_editor_writes_a_single_choice_question_with_options_and_tags(editor_client):
    competency = CompetencyFactory(code="FG")
    response = editor_client.post(
        reverse("wagtailsnippets_assessments_bankquestion:add"), _question_form(competency, correct=(1,))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    question = BankQuestion.objects.get()
    assert [(o.text, o.correct) for o in question.options.order_by("sort_order")] == [
        ("甲", False),
        ("乙", True),
        ("丙", False),
    ]
    assert sorted(question.tags.names()) == ["业主大会", "民法典"]
    listing = editor_client.get(reverse("wagtailsnippets_assessments_bankquestion:list"))
    assert listing.status_code == 200 and "业主大会的决定" in listing.content.decode()


def test_admin_refuses_a_single_choice_question_with_two_correct_options_and_saves_nothing(editor_client):
    competency = CompetencyFactory(code="FG")
    response = editor_client.post(
        reverse("wagtailsnippets_assessments_bankquestion:add"), _question_form(competency, correct=(0, 1))
    )
    assert response.status_code == 200
    assert "请只标记一个正确选项。" in response.content.decode()
    assert not BankQuestion.objects.exists()


def test_admin_takes_a_fill_in_the_blank_question_with_listed_answers_and_no_options(editor_client):
    competency = CompetencyFactory(code="FG")
    data = _question_form(competency, kind=QuestionType.FILL_BLANK, options=(), answers="共有\n共有权")
    response = editor_client.post(reverse("wagtailsnippets_assessments_bankquestion:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = BankQuestion.objects.get()
    assert question.answers_list == ["共有", "共有权"] and not question.options.exists()


def test_a_question_cannot_hang_off_another_competencys_case(db):
    from django.core.exceptions import ValidationError

    law, service = CompetencyFactory(code="FG"), CompetencyFactory(code="FW")
    case = Case.objects.create(competency=service, title="电梯停运", text="某小区电梯停运三天……")
    question = BankQuestion(competency=law, kind=QuestionType.SINGLE, text="问题", case=case)
    with pytest.raises(ValidationError) as error:
        question.full_clean()
    assert "case" in error.value.message_dict


# Import --------------------------------------------------------------------------------------------------------


def workbook_bytes(rows, headings=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="questions.xlsx"):
    return client.post(reverse("assessments_import:upload"), {"file": SimpleUploadedFile(name, content)})


GOOD_ROWS = [
    ["法规运用", "单选", "业主共同决定事项应由哪两个三分之二以上的业主参与表决？", "人数和面积", "人数和年龄", "面积和楼层", "", "A", "中", "民法典、业主大会", "第二百七十八条。", "上线", "", ""],
    ["FG", "多选", "下列哪些属于业主共同决定的事项？", "制定管理规约", "选聘物业服务企业", "装修自家厨房", "", "A,B", "难", "民法典", "", "", "", ""],
    ["法规运用", "判断", "业主大会的决定对业主具有法律约束力。", "", "", "", "", "正确", "易", "", "第二百八十条。", "上线", "", ""],
    ["法规运用", "填空", "业主对专有部分以外的共有部分享有____和共同管理的权利。", "", "", "", "", "共有|共有权利", "易", "", "", "", "", ""],
    ["法规运用", "单选", "物业公司应当首先怎么做？", "报警", "通知业主并组织维修", "等待业委会决定", "", "B", "中", "", "", "上线", "电梯停运", "某小区电梯连续停运三天，业主投诉……"],
    ["法规运用", "判断", "维修资金可以用于电梯大修。", "", "", "", "", "对", "中", "", "", "上线", "电梯停运", ""],
]  # fmt: skip


@pytest.fixture
def law(db):
    return CompetencyFactory(code="FG")


def test_editor_imports_every_type_and_a_case_with_two_questions(editor_client, law):
    response = upload(editor_client, workbook_bytes(GOOD_ROWS))
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = editor_client.get(response["Location"])
    assert 'id="question-problems"' not in preview.content.decode()
    done = editor_client.post(response["Location"])
    assert done.status_code == 302
    assert BankQuestion.objects.count() == 6
    single = BankQuestion.objects.get(text__startswith="业主共同决定事项")
    assert single.status == QuestionStatus.LIVE and sorted(single.tags.names()) == ["业主大会", "民法典"]
    assert [o.correct for o in single.options.order_by("sort_order")] == [True, False, False]
    multiple = BankQuestion.objects.get(kind=QuestionType.MULTIPLE)
    assert multiple.status == QuestionStatus.DRAFT and multiple.difficulty == "hard"
    assert [o.correct for o in multiple.options.order_by("sort_order")] == [True, True, False]
    true_false = BankQuestion.objects.get(text__startswith="业主大会的决定")
    assert [(o.text, o.correct) for o in true_false.options.order_by("sort_order")] == [("正确", True), ("错误", False)]
    blank = BankQuestion.objects.get(kind=QuestionType.FILL_BLANK)
    assert blank.answers_list == ["共有", "共有权利"] and blank.blank_match == BlankMatch.LISTED
    case = Case.objects.get()
    assert case.text.startswith("某小区电梯") and case.questions.count() == 2


def test_a_file_with_one_bad_row_imports_nothing_and_names_each_problem_by_row(editor_client, law):
    rows = [
        *GOOD_ROWS[:2],
        ["法规运用", "单选", "两个正确选项的单选题", "甲", "乙", "", "", "AB", "中", "", "", "", "", ""],
        ["安全生产", "问答", "", "", "", "", "", "", "超难", "", "", "发布", "", ""],
        ["法规运用", "单选", "答案指向空选项", "甲", "乙", "", "", "D", "", "", "", "", "", ""],
        GOOD_ROWS[0],
        ["法规运用", "判断", "新案例没有材料", "", "", "", "", "错", "", "", "", "", "无材料案例", ""],
    ]  # fmt: skip
    response = upload(editor_client, workbook_bytes(rows))
    html = editor_client.get(response["Location"]).content.decode()
    assert 'id="question-problems"' in html
    for expected in (
        "请只标记一个正确选项。",
        "未知的能力模块“安全生产”。",
        "题型“问答”不是单选、多选、判断、填空之一。",
        "缺少题干。",
        "难度“超难”不是易、中、难之一。",
        "状态“发布”不是草稿、上线、停用之一。",
        "答案“D”指向未填写的选项。",
        "同一道题已出现在本文件第 2 行。",
        "案例“无材料案例”是新案例，请在其中一行填写案例材料。",
    ):
        assert expected in html, expected
    refused = editor_client.post(response["Location"])
    assert refused.status_code == 200
    assert not BankQuestion.objects.exists() and not BankOption.objects.exists() and not Case.objects.exists()


def test_confirming_checks_again_so_a_question_added_meanwhile_is_not_doubled(editor_client, law):
    from tests.assessments.factories import make_question

    response = upload(editor_client, workbook_bytes(GOOD_ROWS[:2]))
    make_question(competency=law, text=GOOD_ROWS[0][2])
    editor_client.post(response["Location"])
    assert BankQuestion.objects.count() == 1


def importing_session_is_empty(session) -> bool:
    from assessments.import_views import QuestionImportViewSet

    return QuestionImportViewSet.session_key not in session


def test_a_renamed_file_is_refused_before_it_is_parsed(editor_client, law):
    response = upload(editor_client, b"not a workbook at all", name="questions.xlsx")
    assert response.status_code == 200
    assert "xlsx" in response.context["form"].errors["file"][0]
    assert importing_session_is_empty(response.wsgi_request.session)


def test_the_template_names_every_column_the_import_reads(editor_client, law):
    response = editor_client.get(reverse("assessments_import:template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    checked = upload(editor_client, workbook_bytes(rows[1:], headings=rows[0]))
    assert checked.status_code == 302
    assert 'id="question-problems"' not in editor_client.get(checked["Location"]).content.decode()


def test_only_editors_who_may_add_questions_import_them(client, staff_groups, law):
    seed_permissions()
    client.force_login(make_registrar())
    refused = client.get(reverse("assessments_import:upload"))
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail's answer to PermissionDenied
    assert client.post(reverse("assessments_import:upload"), {}).status_code == 302
    client.force_login(make_editor())
    assert client.get(reverse("assessments_import:upload")).status_code == 200
