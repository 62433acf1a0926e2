"""Question import: read an uploaded Excel file of bank questions and list every problem by row before anything is
saved. Reading and checking happen here; the write is ``services.bank_questions_import`` (all or nothing), which
checks the rows again inside its transaction. The file is read as every import reads it (``academy.spreadsheet_import``)."""

import io
import re
import string
from dataclasses import dataclass, field

from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from academy import spreadsheet_import
from courses.models import Competency

from . import rules
from .choices import BlankMatch, Difficulty, QuestionStatus, QuestionType
from .models import BankQuestion, Case

MAX_ROWS = 2_000
LETTERS = string.ascii_uppercase[: rules.MAX_OPTIONS]
TAG_MAX = 100

_option_label = lazy(lambda letter: gettext("Option %(letter)s") % {"letter": letter}, str)

# Column keys, the heading the template uses (translated) and the headings people also type.
COLUMNS = (
    ("competency", _("Competency"), ("能力模块", "能力", "competency")),
    ("kind", pgettext_lazy("question", "Type"), ("题型", "type", "kind")),
    ("text", _("Question"), ("题干", "题目", "question")),
    *((f"option_{letter}", _option_label(letter), (f"选项{letter}", letter)) for letter in LETTERS),
    ("answer", _("Answer"), ("答案", "正确答案", "answer")),
    ("blank_match", _("Marking of the blank"), ("填空判定", "判定方式")),
    ("difficulty", _("Difficulty"), ("难度", "difficulty")),
    ("tags", _("Tags"), ("标签", "tags")),
    ("explanation", _("Explanation"), ("解析", "答案解析", "explanation")),
    ("status", _("Status"), ("状态", "status")),
    ("case_title", _("Case title"), ("案例标题", "案例", "case")),
    ("case_text", _("Case text"), ("案例材料", "案例内容", "case text")),
)
REQUIRED = ("competency", "kind", "text", "answer")
KIND_ALIASES = {
    QuestionType.SINGLE: ("单选", "单选题", "单项选择", "单项选择题"),
    QuestionType.MULTIPLE: ("多选", "多选题", "多项选择", "多项选择题"),
    QuestionType.TRUE_FALSE: ("判断", "判断题", "是非题", "true/false"),
    QuestionType.FILL_BLANK: ("填空", "填空题", "blank"),
}
DIFFICULTY_ALIASES = {
    Difficulty.EASY: ("易", "容易", "简单"),
    Difficulty.MEDIUM: ("中", "中等", "一般"),
    Difficulty.HARD: ("难", "困难", "较难"),
}
STATUS_ALIASES = {
    QuestionStatus.DRAFT: ("草稿",),
    QuestionStatus.LIVE: ("上线", "启用", "已上线"),
    QuestionStatus.RETIRED: ("停用", "已停用", "退役"),
}
MATCH_ALIASES = {BlankMatch.EXACT: ("精确", "完全一致", "exact"), BlankMatch.LISTED: ("列举", "任一", "listed")}
TRUE_WORDS = ("正确", "对", "是", "√", "✓", "t", "true", "yes")
FALSE_WORDS = ("错误", "错", "否", "×", "✗", "f", "false", "no")
DEFAULT_TRUE_FALSE_OPTIONS = ("正确", "错误")
SEPARATORS = re.compile(r"[,，、;；\s]+")
ANSWER_SEPARATORS = re.compile(r"[|｜\n]+")
SHEET = spreadsheet_import.SheetFormat(
    columns=COLUMNS,
    required=REQUIRED,
    max_rows=MAX_ROWS,
    too_large=_("The file is larger than %(size)s MB; split the questions into smaller files."),
    too_many_rows=_("A file may hold at most %(rows)s questions; split it."),
    no_rows=_("The workbook has no questions under its heading row."),
    inflates=_("This workbook unpacks to far more data than a question file holds."),
)
_key = spreadsheet_import.heading_key


@dataclass
class QuestionRow:
    """One checked row, in the form the import service writes."""

    row: int
    competency_id: int | None
    competency_name: str
    kind: str
    text: str
    options: list[tuple[str, bool]]
    answers: list[str]
    blank_match: str
    difficulty: str
    tags: list[str]
    explanation: str
    status: str
    case_title: str = ""
    case_text: str = ""
    case_id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(QuestionType(self.kind).label) if self.kind in QuestionType.values else ""

    @property
    def difficulty_label(self) -> str:
        return str(Difficulty(self.difficulty).label) if self.difficulty in Difficulty.values else ""

    @property
    def status_label(self) -> str:
        return str(QuestionStatus(self.status).label) if self.status in QuestionStatus.values else ""

    @property
    def answer_summary(self) -> str:
        if self.kind == QuestionType.FILL_BLANK:
            return " | ".join(self.answers)
        return "".join(LETTERS[index] for index, (_text, correct) in enumerate(self.options) if correct)


@dataclass
class QuestionProblem:
    row: int
    message: str


@dataclass
class QuestionPreview:
    rows: list[QuestionRow] = field(default_factory=list)
    problems: list[QuestionProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    @property
    def new_case_count(self) -> int:
        return len({(row.competency_id, row.case_title) for row in self.rows if row.case_title and not row.case_id})


def check_upload(upload) -> bytes:
    """The uploaded file's bytes, or ImportFileError when it is too large or not an .xlsx workbook."""
    return spreadsheet_import.check_upload(upload, SHEET)


def read_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column key: text}) for every non-empty row under the header row."""
    return spreadsheet_import.read_rows(content, SHEET)


def _choice_lookup(choices, aliases: dict) -> dict[str, str]:
    lookup = {}
    for choice in choices:
        for alias in (choice.value, str(choice.label), gettext(str(choice.label)), *aliases.get(choice, ())):
            lookup[_key(alias)] = choice.value
    return lookup


def _options(record: dict[str, str]) -> tuple[list[str], bool]:
    """The option texts in column order, and whether a column was skipped (an option after an empty one)."""
    texts = [record.get(f"option_{letter}", "") for letter in LETTERS]
    while texts and not texts[-1]:
        texts.pop()
    return texts, any(not text for text in texts)


def _correct_letters(answer: str, kind: str) -> list[str] | None:
    """The letters an answer names ('AC', 'A,C', 'a、c'; for true or false also 正确 / 错误), or None if unreadable."""
    value = _key(answer)
    if kind == QuestionType.TRUE_FALSE:
        if value in TRUE_WORDS:
            return ["A"]
        if value in FALSE_WORDS:
            return ["B"]
    letters = [part for part in SEPARATORS.split(value.upper()) if part]
    letters = [letter for part in letters for letter in part]
    if not letters or any(letter not in LETTERS for letter in letters):
        return None
    return letters


def check_rows(records: list[tuple[int, dict[str, str]]]) -> QuestionPreview:
    """Check every row against the bank and the file itself (a few queries, whatever the number of rows)."""
    competencies = {}
    for competency in Competency.objects.all():
        competencies[_key(competency.name)] = competency
        competencies[_key(competency.code)] = competency
    cases = {(case.competency_id, case.title): case for case in Case.objects.all()}
    kinds = _choice_lookup(QuestionType, KIND_ALIASES)
    difficulties = _choice_lookup(Difficulty, DIFFICULTY_ALIASES)
    statuses = _choice_lookup(QuestionStatus, STATUS_ALIASES)
    matches = _choice_lookup(BlankMatch, MATCH_ALIASES)
    existing_texts = {
        (competency_id, " ".join(text.split()))
        for competency_id, text in BankQuestion.objects.values_list("competency_id", "text")
    }
    preview = QuestionPreview()
    first_row_of_text: dict[tuple[int, str], int] = {}
    new_case_texts: dict[tuple[int, str], tuple[int, str]] = {}
    for number, record in records:
        problems: list[str] = []
        competency = None
        if not record.get("competency"):
            problems.append(gettext("Competency is missing."))
        else:
            competency = competencies.get(_key(record["competency"]))
            if competency is None:
                problems.append(gettext("Unknown competency “%(value)s”.") % {"value": record["competency"]})
        kind = kinds.get(_key(record.get("kind", "")), "")
        if not kind:
            problems.append(
                gettext("Type “%(value)s” is not one of 单选, 多选, 判断, 填空.") % {"value": record.get("kind", "")}
            )
        text = record.get("text", "")
        if not text:
            problems.append(gettext("The question text is missing."))
        elif competency is not None:
            key = (competency.pk, " ".join(text.split()))
            if key in existing_texts:
                problems.append(gettext("This question is already in the bank."))
            elif key in first_row_of_text:
                problems.append(
                    gettext("The same question already appears in row %(row)s of this file.")
                    % {"row": first_row_of_text[key]}
                )
            else:
                first_row_of_text[key] = number
        difficulty = Difficulty.MEDIUM
        if record.get("difficulty"):
            difficulty = difficulties.get(_key(record["difficulty"]), "")
            if not difficulty:
                problems.append(
                    gettext("Difficulty “%(value)s” is not one of 易, 中, 难.") % {"value": record["difficulty"]}
                )
        status = QuestionStatus.DRAFT
        if record.get("status"):
            status = statuses.get(_key(record["status"]), "")
            if not status:
                problems.append(
                    gettext("Status “%(value)s” is not one of 草稿, 上线, 停用.") % {"value": record["status"]}
                )
        match = BlankMatch.LISTED
        if record.get("blank_match"):
            match = matches.get(_key(record["blank_match"]), "")
            if not match:
                problems.append(
                    gettext("Marking “%(value)s” is not one of 精确, 列举.") % {"value": record["blank_match"]}
                )
        tags = [tag for tag in SEPARATORS.split(record.get("tags", "")) if tag]
        if any(len(tag) > TAG_MAX for tag in tags):
            problems.append(gettext("A tag is longer than %(max)s characters.") % {"max": TAG_MAX})
        options: list[tuple[str, bool]] = []
        answers: list[str] = []
        answer = record.get("answer", "")
        readable = False  # whether the options and answer could be read at all, so the type's rules apply
        if kind == QuestionType.FILL_BLANK:
            answers = [item.strip() for item in ANSWER_SEPARATORS.split(answer) if item.strip()]
            texts, _gap = _options(record)
            options = [(option, False) for option in texts]
            readable = True
        elif kind:
            texts, gap = _options(record)
            if gap:
                problems.append(gettext("An option column is empty before a later option; fill the options in order."))
            if kind == QuestionType.TRUE_FALSE and not texts:
                texts = list(DEFAULT_TRUE_FALSE_OPTIONS)
            letters = _correct_letters(answer, kind) if answer else []
            if not answer:
                problems.append(gettext("The answer is missing."))
            elif letters is None:
                problems.append(
                    gettext("Answer “%(value)s” should name options by letter, e.g. A or ACD.") % {"value": answer}
                )
            elif any(LETTERS.index(letter) >= len(texts) for letter in letters):
                problems.append(
                    gettext("Answer “%(value)s” names an option that is not filled in.") % {"value": answer}
                )
            else:
                chosen = set(letters)
                if len(chosen) != len(letters):
                    problems.append(gettext("Answer “%(value)s” names an option twice.") % {"value": answer})
                options = [(option, LETTERS[index] in chosen) for index, option in enumerate(texts)]
                readable = True
        if readable:
            for problem in rules.question_problems(kind=kind, options=options, answers=answers, match=match):
                if problem.message not in problems:
                    problems.append(problem.message)
        case_title, case_text, case_id = record.get("case_title", ""), record.get("case_text", ""), None
        if case_text and not case_title:
            problems.append(gettext("A case text needs a case title."))
        if len(case_title) > Case._meta.get_field("title").max_length:
            problems.append(
                gettext("The case title is longer than %(max)s characters.")
                % {"max": Case._meta.get_field("title").max_length}
            )
        elif case_title and competency is not None:
            existing = cases.get((competency.pk, case_title))
            if existing is not None:
                case_id = existing.pk
                if case_text and " ".join(case_text.split()) != " ".join(existing.text.split()):
                    problems.append(
                        gettext("Case “%(title)s” is already in the bank with another text; leave the case text empty.")
                        % {"title": case_title}
                    )
            elif case_text:
                earlier = new_case_texts.setdefault((competency.pk, case_title), (number, case_text))
                if earlier[1] != case_text:
                    problems.append(
                        gettext("Case “%(title)s” has another text in row %(row)s.")
                        % {"title": case_title, "row": earlier[0]}
                    )
        preview.problems.extend(QuestionProblem(number, message) for message in problems)
        preview.rows.append(
            QuestionRow(
                row=number,
                competency_id=competency.pk if competency else None,
                competency_name=competency.name if competency else record.get("competency", ""),
                kind=kind,
                text=text,
                options=options,
                answers=answers,
                blank_match=match,
                difficulty=difficulty,
                tags=tags,
                explanation=record.get("explanation", ""),
                status=status,
                case_title=case_title,
                case_text=case_text,
                case_id=case_id,
            )
        )
    for row in preview.rows:
        if row.case_title and row.case_id is None and row.competency_id is not None:
            found = new_case_texts.get((row.competency_id, row.case_title))
            if found is None:
                preview.problems.append(
                    QuestionProblem(
                        row.row,
                        gettext("Case “%(title)s” is new: give its text in one of its rows.")
                        % {"title": row.case_title},
                    )
                )
            else:
                row.case_text = found[1]
    preview.problems.sort(key=lambda p: p.row)
    return preview


def template_workbook() -> bytes:
    """The question template: headings and one example row of each type."""
    from openpyxl import Workbook  # here, not at the top: few requests need openpyxl

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Questions")
    sheet.append([gettext(str(label)) for _key, label, _aliases in COLUMNS])
    width = len(COLUMNS)

    def row(values: dict) -> list:
        return [values.get(key, "") for key, _label, _aliases in COLUMNS][:width]

    sheet.append(
        row(
            {
                "competency": "法规运用",
                "kind": "单选",
                "text": "业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主（ ）。",
                "option_A": "签字同意",
                "option_B": "参与表决",
                "option_C": "书面委托",
                "answer": "B",
                "difficulty": "中",
                "tags": "民法典、业主大会",
                "explanation": "《民法典》第二百七十八条第二款。",
                "status": "草稿",
            }
        )
    )
    sheet.append(
        row(
            {
                "competency": "法规运用",
                "kind": "填空",
                "text": "业主对建筑物内的住宅、经营性用房等专有部分享有所有权，对专有部分以外的共有部分享有____和共同管理的权利。",
                "answer": "共有|共有权利",
                "blank_match": "列举",
                "difficulty": "易",
                "explanation": "《民法典》第二百七十一条。",
            }
        )
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
