"""Small helpers for writing in two languages from one template."""

from django import template
from django.utils import translation
from django.utils.translation import pgettext

register = template.Library()

# Languages that put no space between sentences (or words): Chinese and Japanese.
WRITTEN_WITHOUT_SPACES = ("zh", "ja")


@register.simple_tag
def sentence_gap() -> str:
    """``{% sentence_gap %}`` between two translated sentences: a space in English, nothing in Chinese, where
    "及格线 60%。 还可作答 3 次。" reads as a typing slip."""
    language = translation.get_language() or ""
    return "" if language.startswith(WRITTEN_WITHOUT_SPACES) else " "


@register.simple_tag
def label_colon() -> str:
    """``{% trans "Reason" %}{% label_colon %}{{ value }}`` between a label and its value: "：" in Chinese and ": "
    in English. A full-width colon typed into a template between two translated strings shows in English too."""
    return pgettext("after a label", ":") + sentence_gap()


@register.simple_tag
def list_separator() -> str:
    """``{% list_separator %}`` between the items of a list written out in a sentence: "；" in Chinese, "; " in
    English (a full-width mark typed into a template shows in English too)."""
    return pgettext("between the items of a list", "; ")
