"""Chinese word segmentation for the search index and for queries, with jieba loaded once per process.

jieba's own dictionary does not know the district's names: 和畔里 comes out as 和 / 畔 / 里 and 钱学森故居 as
钱学森 / 故居. ``dictionary_words()`` adds our words (``words.txt``, the registry's streets and communities, every
search synonym) so that they stay whole in the index and in queries. When the registry or the synonyms change,
``dictionary_changed()`` adds the new words in this process and bumps a version in the cache; other processes see
the new version within ``DICTIONARY_CHECK_SECONDS`` and add the words too (see academy/search/receivers.py).
"""

import logging
import re
import threading
import time
import uuid
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError

from .preload import base_tokenizer

logger = logging.getLogger(__name__)

# A token is kept only if it holds a letter or digit of some script (Chinese characters count as letters).
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff]")
# Longer queries are cut: nobody types more, and segmentation time grows with length.
MAX_QUERY_CHARS = 100
WORDS_FILE = Path(__file__).with_name("words.txt")
# Suffixes of registry names that people often leave out: 米市巷街道 is also searched as 米市巷.
PLACE_SUFFIXES = ("街道", "社区", "新村")
DICTIONARY_VERSION_KEY = "search:dictionary-version"
DICTIONARY_CHECK_SECONDS = 30

_lock = threading.Lock()
_tokenizer = None
_words: set[str] = set()
_version = None
_checked_at = 0.0


def file_words() -> set[str]:
    """The words listed in ``words.txt`` (blank lines and ``#`` comments skipped)."""
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")}


def place_words(names) -> set[str]:
    """Each registry name, and the name without its 街道 / 社区 suffix when two characters or more remain."""
    words = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        words.add(name)
        for suffix in PLACE_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                words.add(name.removesuffix(suffix))
    return words


def dictionary_words() -> set[str]:
    """Every word the segmenter must keep whole: the file, the streets and communities, the synonyms."""
    from academy.models import Community, SearchSynonymGroup, Street

    words = file_words()
    try:
        words |= place_words(Street.objects.values_list("name", flat=True))
        words |= place_words(Community.objects.values_list("name", flat=True))
        for group in SearchSynonymGroup.objects.all():
            words.update(group.term_list)
    except DatabaseError:
        # Before the tables exist (the first migrate) only the file's words are known.
        logger.info("search dictionary: registry not readable yet, using words.txt only")
    return words


def _add_words(tokenizer, words: set[str]) -> None:
    global _words
    for word in sorted(words - _words):
        # As written and lower-cased: jieba looks words up as they appear in the text (AB剧场, ab剧场).
        for form in {word, word.lower()}:
            tokenizer.add_word(form)
    _words = _words | words


def _get_tokenizer():
    """Return jieba's tokenizer with our words; its dictionary is loaded once (see preload.py)."""
    global _tokenizer, _version, _checked_at
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                # Already loaded when gunicorn's master preloaded it before forking this worker (preload.py).
                tokenizer = base_tokenizer()
                _version = cache.get(DICTIONARY_VERSION_KEY)
                _add_words(tokenizer, dictionary_words())
                _checked_at = time.monotonic()
                _tokenizer = tokenizer
    elif time.monotonic() - _checked_at > DICTIONARY_CHECK_SECONDS:
        _checked_at = time.monotonic()
        version = cache.get(DICTIONARY_VERSION_KEY)
        if version != _version:
            _version = version
            _add_words(_tokenizer, dictionary_words())
    return _tokenizer


def load() -> None:
    """Load the segmenter now (e.g. in the WSGI module, before a server forks its workers)."""
    _get_tokenizer()


def dictionary_changed() -> None:
    """Take up changed registry names and synonyms: here at once, in other processes at their next check."""
    global _version
    if _tokenizer is not None:
        words = dictionary_words()
        with _lock:
            _add_words(_tokenizer, words)
    _version = uuid.uuid4().hex
    cache.set(DICTIONARY_VERSION_KEY, _version, None)


def _normalise(word: str) -> str:
    word = word.strip().lower()
    return word if word and _WORDLIKE.search(word) else ""


def _join(words) -> str:
    return " ".join(word for word in map(_normalise, words) if word)


def segment(text: str) -> str:
    """Split text into words in jieba's search mode and join them with spaces.

    Search mode also emits the short words inside long ones (矛盾调处 → 矛盾, 调处, 矛盾调处), so a query
    for a two-character word matches a title that only contains it in the middle. Punctuation is dropped
    and Latin words are lower-cased, as the full-text engines do.
    """
    if not text or not _WORDLIKE.search(text):
        return ""
    return _join(_get_tokenizer().cut_for_search(text))


def _single_han(token: str) -> bool:
    return len(token) == 1 and bool(_HAN.match(token))


def query_words(text: str) -> list[str]:
    """The words to look for in what someone typed, in order, without repeats.

    jieba's precise mode, whose words are always among the search-mode words of the same text in the index. Two
    rules keep single characters from matching on their own: a run of single characters typed together is one
    word (茶话 → 茶话, not 茶 or 话; 和畔里 stays whole even before the dictionary knows it), and a lone
    character between words (的, 与) is dropped when the query has other words. A query of one character
    is looked up as typed.
    """
    text = (text or "")[:MAX_QUERY_CHARS]
    if not _WORDLIKE.search(text):
        return []
    words: list[str] = []
    run = ""
    for token in _get_tokenizer().cut(text):
        if _single_han(token):
            run += token
            continue
        if run:
            words.append(run)
            run = ""
        words.append(_normalise(token))
    if run:
        words.append(run)
    words = [word for word in words if word]
    if any(not _single_han(word) for word in words):
        words = [word for word in words if not _single_han(word)]
    return list(dict.fromkeys(words))


def segment_query(text: str) -> str:
    """What someone typed in a search box, as space-separated words for the full-text backends (see query_words)."""
    return " ".join(query_words(text))
