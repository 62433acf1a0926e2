"""The interface reads as one language (issue 17): a crawl over every page each role reaches, in Chinese and in
English, that fails on the other language's words, on English plural suffixes glued to Chinese, on raw Python
values and on ASCII punctuation inside Chinese sentences.

Interface text is what the templates, forms, Wagtail and Django put on the page; content is what people typed
(titles, names, summaries, course codes …). The demo-like world below is written in Chinese, and every string
stored in the database is taken out of a page's text before the checks, so whatever remains is interface.

The text checked is what a person sees or a screen reader reads: text nodes outside <script> and <style> (the
contents of <template>, which scripts put on the page, included), grouped by block element as the browser lays it
out, plus the title, placeholder, aria-label and alt attributes, the value of buttons, and the labels of the
Wagtail admin's sidebar menu (JSON in the page)."""

import contextlib
import datetime as dt
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import models
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site

from credits.reports.views import REPORTS
from notifications.choices import Event
from notifications.services import notify
from tests.courses.factories import make_session
from tests.credits.factories import make_two_streets_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = ("academy", "notifications", "courses", "assessments", "credits", "home")
NOT_OURS = {"UserViewSet", "GroupViewSet"}  # Wagtail's own account and group screens

# Latin words a Chinese page may show, reviewed: names of formats, brands and units that Chinese readers use as
# they are. Anything else in Latin letters on a zh-hans page is untranslated interface.
ALLOWED_LATIN = {
    "PDF",  # 下载 PDF
    "Excel",  # 导出 Excel
    "XLSX",
    "CSV",
    "QR",  # QR 码 on the projector
    "AB",  # AB剧场, a venue's name
    "SMS",
    "MB",  # upload size limits
    "KB",
    "px",  # image sizes in Wagtail's image editor
    "ID",
    "URL",
    "API",
    "JSON",  # the personal-data download
    "RSS",
    "SHA",  # PDF SHA-256 on a certificate's record
    "Wagtail",  # the admin's own name in its footer and "About"
    "Ctrl",  # keys in the admin's list of keyboard shortcuts
    "Alt",
    "Shift",
    "Esc",
    "Aa",  # the text-size symbol on the elder-friendly mode's switch
}
# English that Wagtail writes into its templates without a message to translate (so no catalogue can fix it):
# the hidden submit button of its search forms, a <noscript> notice and a network error in the editor.
WAGTAIL_HARDCODED = {
    "Search",
    "Actions",  # aria-label of the header's button bar (shared/headers/_actions.html)
    "A network error occurred",
    "JavaScript is required to use Wagtail, but it is currently disabled.",
}
WAGTAIL_HARDCODED_START = "Here are the instructions how to enable JavaScript in your web browser."
# Spaces and colons that Wagtail's and allauth's templates put between two translated strings: a breadcrumb's
# screen-reader-only ": " (shared/breadcrumbs.html), the space after a status tag's hidden label (shared/status_tag),
# and allauth's "Warning:" before its sentence (account/email.html).
TEMPLATE_GLUE = re.compile(r"^(历史|检查|编辑|正在编辑|删除|使用情况) : |^(当前页面状态|状态)： |^警告： ")

# Chinese that Wagtail translates once, when the process starts, in the default language (zh-hans), and then shows
# to every admin user: the snippets' breadcrumbs (plain gettext in SnippetViewSet.breadcrumbs_items) and the help
# menu's "What's new" item (a lazy string formatted at registration), and a snippet chooser's button, which
# AdminSnippetChooser.__init__ formats eagerly ("Choose %(object)s") when a form class is first built. Only the
# English admin sees it.
WAGTAIL_TRANSLATED_AT_START = re.compile(r"首页|片段|Wagtail [\d.]+ 的新功能|^选择(另一个)? ?\S+$")

# Chinese an English page may show: the language switcher names Chinese in Chinese, and the logo mark.
ALLOWED_CJK_IN_ENGLISH = {"简体中文", "三"}
# Not words but literals: web addresses, file extensions, codes (FG-01, 7K3M-Q9PX-2HDT-VW4B) and key chords.
LITERALS = re.compile(
    r"https?://\S+|\.(?:ics|xlsx|zip|pdf|csv)\b|\b(?=[A-Z0-9-]*\d)[A-Z0-9]+(?:-[A-Z0-9]+)+\b"
    r"|\b(?:Ctrl|Alt|Shift|⌘)(?: \+ (?:Ctrl|Alt|Shift|\S))+"
    # a delivery's idempotency key (a UUID) and a message template's placeholders ({name})
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\{[a-z_]+\}"
    # the letter of an option as Chinese papers letter them (A ✓ 选项 · 54% in the item analysis)
    r"|^[A-H](?=(?: ✓)? )"
)
# Text quoted in English (a search query, the headings of a spreadsheet template) is a literal too.
QUOTED = re.compile(r"“[^”]*”")

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
SENTENCE_MARKS = "，。：；？！、"
CLOSING_MARKS = "）」』】"
FULL_WIDTH_MARKS = SENTENCE_MARKS + CLOSING_MARKS
OPENING_MARKS = "（「『【"
PLURAL = re.compile(rf"[{CJK}]s\b")
ZH_RULES = [
    (re.compile(r"\b(None|True|False|nan)\b"), "a raw None / True / False"),
    (re.compile(r"<[\w.]+ object at 0x|\[\s*'[^']*'|\{\s*'[^']*'\s*:"), "a Python repr"),
    (re.compile(rf"[{CJK}{FULL_WIDTH_MARKS}%]\s*[:;,?!]|[{CJK}][.](?!\w)"), "ASCII punctuation in Chinese"),
    (re.compile(rf"\(\s*[^()]*[{CJK}][^()]*\)"), "ASCII parentheses around Chinese"),
    (re.compile(rf"\s[{FULL_WIDTH_MARKS}]|[{SENTENCE_MARKS}]\s"), "a space around a full-width mark"),
]
LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
EN_RULES = [
    (re.compile(rf"[{CJK}{FULL_WIDTH_MARKS}{OPENING_MARKS}]+"), "Chinese in the English interface"),
    (re.compile(r"\b(None|True|False|nan)\b(?! or \w)"), "a raw None / True / False"),
    (re.compile(r"<[\w.]+ object at 0x|\[\s*'[^']*'|\{\s*'[^']*'\s*:"), "a Python repr"),
]
CONTENT_MARK = "\ue000"  # a private-use character standing where content or a literal was taken out
IDENTIFIER = re.compile(r"[a-z_]+")

HIDDEN_TAGS = {"script", "style"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "button", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "label", "legend", "li", "main", "nav", "ol", "optgroup", "option", "p", "pre", "section", "select", "summary",
    "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "tr", "ul", "input", "img", "svg",
}  # fmt: skip
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "aria-description", "data-placeholder")


class InterfaceText(HTMLParser):
    """The pieces of text a person sees or hears, one per block of layout."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.depth = 0  # open elements
        self.hidden_from: int | None = None  # depth of an element with the `hidden` attribute (shown by nobody)
        self.current: list[str] = []
        self.pieces: list[str] = []
        self.sidebar = False

    def flush(self):
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.pieces.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in BLOCK_TAGS:
            self.flush()
        if tag not in self.VOID:
            self.depth += 1
            if "hidden" in attributes and self.hidden_from is None:
                self.hidden_from = self.depth
        if self.hidden_from is not None:
            return
        if tag in HIDDEN_TAGS:
            self.hidden += 1
            self.sidebar = attributes.get("id") == "wagtail-sidebar-props"
        for name in TEXT_ATTRIBUTES:
            if attributes.get(name) and not self.hidden:
                self.pieces.append(attributes[name].strip())
        if (
            tag == "input"  # an <input>'s value is its label; a <button>'s is only sent, never shown
            and attributes.get("type") in ("submit", "button", "reset")
            and attributes.get("value")
        ):
            self.pieces.append(attributes["value"].strip())

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            if self.hidden_from is not None and self.depth <= self.hidden_from:
                self.hidden_from = None
            self.depth -= 1
        if tag in HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
            self.sidebar = False
        if tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data):
        if self.hidden_from is not None:
            return
        if self.sidebar:
            self.pieces.extend(_sidebar_labels(json.loads(data)))
        elif not self.hidden:
            self.current.append(data)


def _sidebar_labels(props) -> list[str]:
    """The menu labels in the props of Wagtail's sidebar (a telepath structure)."""
    labels = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "label" and isinstance(item, str):
                    labels.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(props)
    return labels


def interface_pieces(html: str) -> list[str]:
    parser = InterfaceText()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.pieces


# --- content: every string stored in the database ----------------------------------------------------------------


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        if "<" in value and ">" in value:
            return interface_pieces(value)
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings_in(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings_in(item)]
    return []


def derived_from_content() -> set[type[models.Model]]:
    """Models that hold copies of the pages' text cut into pieces, not text anyone typed: the search index's
    documents and its words ("20", "d", "kr"). Taken as content, those pieces were cut out of the pages' text and left
    fragments behind ("KR-20" became "KR-…", a UUID a stray "d") that the checks then flagged."""
    from academy.models import SearchDocument, SearchWord

    return {SearchDocument, SearchWord}


def content_strings() -> list[str]:
    """Everything people typed: the text fields of every row of our models, Wagtail's pages, groups and venues
    (usernames are not content: a page that shows one instead of the person's name is wrong)."""
    found: set[str] = set()
    text_fields = (models.CharField, models.TextField, models.JSONField, StreamField, RichTextField)
    model_list = [
        m for app in OUR_APPS for m in apps.get_app_config(app).get_models() if m not in derived_from_content()
    ] + [Page, Group, Site]
    for model in model_list:
        own = model._meta.local_concrete_fields if issubclass(model, Page) and model is not Page else None
        fields = [
            f.name
            for f in (own if own is not None else model._meta.concrete_fields)
            if isinstance(f, text_fields)
            and not f.choices
            and f.name not in ("username", "password", "url_path", "phone", "token_hash", "pdf_sha256")
            and not (model is Page and f.name == "slug")
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, StreamField) or hasattr(value, "raw_data"):
                    value = list(value.raw_data)
                elif isinstance(value, str) and value.startswith(("[", "{")):
                    with contextlib.suppress(ValueError):
                        value = json.loads(value)
                for string in _strings_in(value):
                    for line in string.splitlines():
                        line = re.sub(r"\s+", " ", line).strip()
                        # Identifiers stored inside JSON (choice codes ["rc", "oc"], block types "item") are not
                        # content: taking them out of the text would hide "3 items".
                        if line and not IDENTIFIER.fullmatch(line):
                            found.add(line)
    # The root of the page tree is Wagtail's, called "Root": not content, it must not show.
    found.discard("Root")
    found.update(SEARCHES)
    return sorted(found, key=len, reverse=True)


def without_content(piece: str, content: list[str]) -> str:
    for string in content:
        if string in piece:
            piece = piece.replace(string, CONTENT_MARK)
    return piece


# --- the checks ---------------------------------------------------------------------------------------------------


def problems_in(raw: str, piece: str, language: str) -> list[tuple[str, str]]:
    """The rules ``piece`` (the text with content taken out of it) breaks; the plural suffix is looked for in the
    ``raw`` text, as it is glued to a model's name that may also be content."""
    found = []
    if raw in WAGTAIL_HARDCODED or raw.startswith(WAGTAIL_HARDCODED_START):
        return found
    if language == "en" and WAGTAIL_TRANSLATED_AT_START.fullmatch(raw):
        return found
    piece = LITERALS.sub(CONTENT_MARK, piece)
    if language == "zh-hans":
        piece = TEMPLATE_GLUE.sub(CONTENT_MARK, piece)
        match = PLURAL.search(raw)
        if match:
            found.append(
                ("an English plural suffix on a Chinese word (a model without verbose_name_plural)", match.group())
            )
        for match in LATIN_WORD.finditer(piece):
            if match.group() not in ALLOWED_LATIN:
                found.append(("a Latin word outside the allow-list", match.group()))
                break
        rules = ZH_RULES
    else:
        piece = QUOTED.sub(CONTENT_MARK, piece)
        rules = EN_RULES
    for pattern, rule in rules:
        for match in pattern.finditer(piece):
            if language == "en" and match.group() in ALLOWED_CJK_IN_ENGLISH:
                continue
            found.append((rule, match.group()))
            break
    return found


# --- the world and the pages --------------------------------------------------------------------------------------


@pytest.fixture
def world(staff_groups):
    from credits.demo import seed_permissions
    from home.models import EventIndexPage, EventPage, HomePage, NewsIndexPage, NewsPage, StandardPage

    seed_permissions()
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="三方学院", slug="home-crawl", hero_heading="拱墅区三方学院"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "port": 80, "root_page": home}
    )
    for page in Page.objects.filter(depth=2).exclude(pk=home.pk):
        page.delete()  # Wagtail's "Welcome to your new Wagtail site!"
    world = make_two_streets_world()
    world["upcoming"] = make_session(world["offline_course"], title="矛盾调处情景模拟（第3期）")
    world["home"] = home
    news = home.add_child(instance=NewsIndexPage(title="学院动态", slug="news"))
    world["news"] = news.add_child(instance=NewsPage(title="三方学院开班", date=timezone.localdate()))
    events = home.add_child(instance=EventIndexPage(title="活动", slug="events"))
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    world["event"] = events.add_child(
        instance=EventPage(
            title="周末书画课", category="cultural_station", start=start, end=start + dt.timedelta(hours=2),
            venue=world["session"].venue, organiser="丰享家文化驿站", capacity=10,
        )
    )  # fmt: skip
    world["about"] = home.add_child(instance=StandardPage(title="关于学院", slug="about"))
    world["superuser"] = UserFactory(is_superuser=True, is_staff=True, real_name="系统管理员")
    [world["notice"]] = notify(
        event=Event.STAFF_NOTICE, recipients=[world["trainee_b"]], context={"title": "停课通知", "text": "明天停课。"}
    )
    add_timed_exam(world)
    return world


def add_timed_exam(world) -> None:
    """A course whose quiz is a timed exam drawn from the bank (a case with its questions, a blank, a question citing
    an article): the trainee has submitted one attempt (its review) and has started the next (an open paper, the clock
    running); simulated trainees have answered enough papers for the item analysis to show figures and flags."""
    import random

    from assessments import services as bank_services
    from assessments.choices import QuestionType
    from assessments.demo import seed_permissions as seed_bank_permissions
    from assessments.models import Blueprint, BlueprintPool, Case, LegalArticle, LegalReference
    from assessments.simulation import PaperSimulator
    from courses import services as course_services
    from tests.assessments.factories import make_question
    from tests.courses.factories import make_course

    seed_bank_permissions()
    competency = world["course"].competency
    course = make_course(
        world["course"].get_parent().specific, code="FG-02", title="读懂民法典物权编", competency=competency
    )
    law = LegalReference.objects.create(
        name="中华人民共和国民法典", short_name="民法典", issuer="全国人民代表大会", version="2021年1月1日起施行"
    )
    article = LegalArticle.objects.create(law=law, number=944, text="业主应当按照约定向物业服务人支付物业费。")
    case = Case.objects.create(competency=competency, title="以停水催交物业费", text="业主老王两年没有交物业费。")
    for number in range(3):
        make_question(competency=competency, case=case, text=f"案例中的第{number + 1}问", explanation="案例解析")
    cited = make_question(competency=competency, text="物业可以停水催费吗", explanation="不可以。")
    cited.citations.set([article])
    make_question(competency=competency, kind=QuestionType.MULTIPLE, text="下列做法正确的有", correct=(0, 1))
    make_question(
        competency=competency, kind=QuestionType.FILL_BLANK, text="民法典自____年起施行", accepted_answers="2021"
    )
    blueprint = Blueprint.objects.create(quiz=course.quiz, time_limit=30)
    BlueprintPool.objects.create(blueprint=blueprint, competency=competency, count=5)
    trainee = world["trainee_b"]
    course_services.enrolment_create(user=trainee, course=course)
    paper = bank_services.paper_open(user=trainee, quiz=course.quiz)
    answers = {
        question_id: ["不知道"] if entry["kind"] == QuestionType.FILL_BLANK else list(entry["options"])[:1]
        for question_id, entry in paper.key.items()
    }
    attempt = course_services.quiz_attempt_submit(user=trainee, course=course, answers=answers)
    bank_services.paper_open(user=trainee, quiz=course.quiz)  # the next attempt, started: the clock runs
    rng = random.Random(17)
    simulated = [UserFactory(real_name=f"模拟学员{number}", is_active=False) for number in range(30)]
    PaperSimulator(quiz=course.quiz, rng=rng).submit([(user, rng.gauss(0, 1), 1) for user in simulated])
    world["blueprint"] = blueprint.pk
    world["exam_urls"] = [
        course.url + course.reverse_subpage("take_quiz"),
        course.url + course.reverse_subpage("quiz_result", kwargs={"attempt_id": attempt.pk}),
    ]


def public_urls(world) -> list[str]:
    from courses.models import LessonPage

    course = world["course"]
    lesson = LessonPage.objects.child_of(course).first()
    return [
        "/",
        world["course"].get_parent().url,
        course.url,
        lesson.url,
        world["offline_course"].url,
        reverse("courses_session", args=[world["upcoming"].pk]),
        reverse("courses_session", args=[world["session"].pk]),
        world["news"].get_parent().url,
        world["news"].url,
        world["event"].get_parent().url,
        world["event"].url,
        world["about"].url,
        world["programme"].get_parent().url,
        world["programme"].url,
        reverse("credits_verify_form"),
        reverse("credits_verify", args=[world["certificate"].verification_code]),
        *(reverse("search") + f"?q={query}" for query in SEARCHES),
    ]


SEARCHES = ("法规", "没有这样的内容")  # what a visitor types is content
ANONYMOUS_URLS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/login/code/",
    "/accounts/password/reset/",
]


def trainee_urls(world) -> list[str]:
    course = world["course"]
    return [
        reverse("courses_my_learning"),
        reverse("courses_my_training"),
        reverse("credits_my_credits"),
        reverse("credits_my_certificates"),
        reverse("academy_profile"),
        reverse("notifications_inbox"),
        reverse("notifications_preferences"),
        reverse("notifications_detail", args=[world["notice"].pk]),
        course.url + "quiz/",
        *world["exam_urls"],
        course.url + "feedback/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/2fa/",
    ]


def our_viewsets():
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the admin's URLs register most viewsets: load them first)
    for viewset in list(viewsets.viewsets):
        model = getattr(viewset, "model", None)
        if not isinstance(viewset, ModelViewSet) or isinstance(viewset, ChooserViewSet) or not model:
            continue
        if model._meta.app_label in OUR_APPS and type(viewset).__name__ not in NOT_OURS:
            yield viewset


def admin_urls(world) -> list[str]:
    """The admin screens of our own models: each viewset's list, add, edit, inspect and history; the editor of each
    of our page types; our settings; the reports; the page explorer."""
    urls = []
    for viewset in our_viewsets():
        urls.append(viewset.menu_url)
        names = {
            "add": None,
            "edit": "pk",
            "inspect": "pk",
            "history": "pk",
        }
        first = viewset.model.objects.order_by("pk").first()
        for view, needs in names.items():
            try:
                name = viewset.get_url_name(view)
                urls.append(reverse(name, args=[first.pk]) if needs else reverse(name))
            except Exception:  # noqa: S112 (a viewset without that view)
                continue
    for report in REPORTS:
        urls.append(reverse(f"academy_reports:{report.url_name}"))
    urls.append(reverse("academy_reports:index"))
    for model in (m for app in OUR_APPS for m in apps.get_app_config(app).get_models()):
        if issubclass(model, Page) and model.objects.exists():
            page = model.objects.first()
            urls.append(reverse("wagtailadmin_pages:edit", args=[page.pk]))
            parent = page.get_parent()
            urls.append(
                reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])
            )
    for setting in ("home.sitesettings", "credits.certificatesettings"):
        app_label, model_name = setting.split(".")
        urls.append(reverse("wagtailsettings:edit", args=[app_label, model_name]))
    urls += [
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[world["home"].pk]),
        reverse("wagtailadmin_explore", args=[world["course"].get_parent().pk]),
        reverse("courses_sessions:roster", args=[world["session"].pk]),
        reverse("courses_sessions:notice", args=[world["session"].pk]),
        reverse("credits_cohorts:notice", args=[world["cohort"].pk]),
        reverse("credits_ledger:adjust"),
        reverse("academy_roster:upload"),
        reverse("courses_feedback"),
    ]
    return list(dict.fromkeys(urls))


def crawl(client, world, language: str) -> tuple[dict[tuple[str, str, str], list[str]], int]:
    """Visit every page; return each problem (rule, offending text, the text around it) with the pages showing it."""
    content = content_strings()
    problems: dict[tuple[str, str, str], list[str]] = {}
    visited = 0
    header = {"HTTP_ACCEPT_LANGUAGE": language}

    def visit(role: str, user, url: str, *, fallbacks=(), must_open=True):
        nonlocal visited
        for candidate, person in ((role, user), *fallbacks):
            client.logout()
            if person is not None:
                client.force_login(person)
            response = client.get(url, **header)
            if response.status_code == 200:
                who = candidate
                break
        else:
            if must_open or response.status_code >= 500:
                problems.setdefault(("not a page", str(response.status_code), ""), []).append(f"{url} [{role}]")
            return  # a screen nobody may open (a read-only record's add or edit view) has no text to check
        visited += 1
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        html = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        if title is not None and re.match(r"\s*[-·|]", unescape(title.group(1))):
            # The browser tab reads "- Wagtail": the view's template never filled in the title.
            pages = problems.setdefault(("page without a title", title.group(1).strip(), ""), [])
            pages.append(f"{url} [{who}]")
        for raw in interface_pieces(html):
            piece = without_content(raw, content)
            for rule, offending in problems_in(raw, piece, language):
                pages = problems.setdefault((rule, offending, raw[:160]), [])
                if f"{url} [{who}]" not in pages:
                    pages.append(f"{url} [{who}]")

    trainee = world["trainee_b"]
    for url in public_urls(world):
        visit("anonymous", None, url)
        visit("trainee", trainee, url)
    for url in ANONYMOUS_URLS:
        visit("anonymous", None, url)
    for url in trainee_urls(world):
        visit("trainee", trainee, url)
    for role in ("editor", "registrar", "street_admin_a"):
        visit(role, world[role], reverse("wagtailadmin_home"))
    item_analysis = reverse("assessments_item_analysis:index")
    for url in (item_analysis, item_analysis + "?flagged=on", item_analysis + f"?blueprint={world['blueprint']}"):
        visit("editor", world["editor"], url)
    staff = [(role, world[role]) for role in ("registrar", "editor", "street_admin_a", "superuser")]
    for url in admin_urls(world):
        visit(staff[0][0], staff[0][1], url, fallbacks=staff[1:], must_open=False)
    return problems, visited


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_one_language(client, world, language):
    problems, visited = crawl(client, world, language)
    assert visited > 100
    report = [
        f"{rule}: «{offending}» in «{text}»\n    on {', '.join(pages[:4])}{f' and {len(pages) - 4} more' if len(pages) > 4 else ''}"
        for (rule, offending, text), pages in sorted(problems.items())
    ]
    assert not problems, f"{len(problems)} problems on the {language} pages:\n" + "\n".join(report)


def test_every_model_of_ours_names_its_plural():
    """Without verbose_name_plural Django adds an English "s" to the Chinese name: 课程s in the admin."""
    missing = [
        f"{model._meta.label}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        if "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert missing == []
