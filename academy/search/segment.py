"""Chinese word segmentation for the search index and for queries, with jieba loaded once per process."""

import logging
import re
import threading

logger = logging.getLogger(__name__)

# A token is kept only if it holds a letter or digit of some script (Chinese characters count as letters).
_WORDLIKE = re.compile(r"\w", re.UNICODE)
# Longer queries are cut: nobody types more, and segmentation time grows with length.
MAX_QUERY_CHARS = 100

_lock = threading.Lock()
_tokenizer = None


def _get_tokenizer():
    """Return jieba's default tokenizer, loading its dictionary (about 0.9 s) on first use only."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def _join(words) -> str:
    words = (word.strip().lower() for word in words)
    return " ".join(word for word in words if word and _WORDLIKE.search(word))


def segment(text: str) -> str:
    """Split text into words in jieba's search mode and join them with spaces.

    Search mode also emits the short words inside long ones (矛盾调处 → 矛盾, 调处, 矛盾调处), so a query
    for a two-character word matches a title that only contains it in the middle. Punctuation is dropped
    and Latin words are lower-cased, as the full-text engines do.
    """
    if not text or not _WORDLIKE.search(text):
        return ""
    return _join(_get_tokenizer().cut_for_search(text))


def segment_query(text: str) -> str:
    """Segment what someone typed in a search box, after trimming it to a sensible length.

    Queries use jieba's precise mode: its words are always among the search-mode words of the same text in
    the index, so a query of several words also matches when the backend ANDs them (矛盾调处 → 矛盾 调处).
    """
    text = (text or "")[:MAX_QUERY_CHARS]
    if not _WORDLIKE.search(text):
        return ""
    return _join(_get_tokenizer().cut(text))
