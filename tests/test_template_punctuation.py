"""A template serves both languages, so a full-width colon typed between a translated label and its value shows in
English too ("Site inbox：every notice"). Labels end with ``{% label_colon %}`` (academy_text), which writes "："
in Chinese and ": " in English."""

import re
from pathlib import Path

from django.apps import apps
from django.template import Context, Template
from django.utils import translation

OURS = ("academy", "notifications", "assessments", "courses", "credits", "home")
# What a translator writes: blocktrans blocks, tags, variables and comments. What is left is typed into the page.
TRANSLATED_OR_CODE = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}|\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}", re.S
)


def test_no_template_of_ours_types_a_full_width_colon_outside_a_translation():
    typed = []
    for app in OURS:
        for path in (Path(apps.get_app_config(app).path) / "templates").rglob("*.html"):
            literal = TRANSLATED_OR_CODE.sub("\0", path.read_text(encoding="utf-8"))
            typed += [f"{path}: …{literal[max(0, m.start() - 20) : m.end()]!r}" for m in re.finditer("：", literal)]
    assert typed == []


def test_label_colon_is_full_width_in_chinese_and_a_colon_and_space_in_english():
    template = Template('{% load i18n academy_text %}{% trans "Reason" %}{% label_colon %}x')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "原因：x"
    with translation.override("en"):
        assert template.render(Context()) == "Reason: x"
