"""jieba's dictionary compiled into a memory-mapped file (academy/search/dictionary.py, issue 22): the same words as
jieba's own, shared by every process, rebuilt when missing or stale, and jieba's own dictionary when it cannot be."""

import ast
import json
import logging
import math
import os
import sys
import time
from pathlib import Path

import jieba
import pytest
import yaml

from academy import demo
from academy.search import dictionary, preload, segment
from academy.search.dictionary import CompiledFrequencies

ROOT = Path(__file__).resolve().parents[2]


def demo_texts() -> list[str]:
    """Every string of the demo content: courses, lessons, news, events, questions, scenarios."""

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    texts = []
    for path in sorted(ROOT.glob("*/demo_content/*.yaml")):
        texts.extend(strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return [text for text in texts if text.strip()]


def sample_queries() -> list[str]:
    """What people type: every string in tests/home/test_search.py and the queries of tests/search/queries.json."""
    tree = ast.parse((ROOT / "tests" / "home" / "test_search.py").read_text(encoding="utf-8"))
    queries = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    quality = json.loads((ROOT / "tests" / "search" / "queries.json").read_text(encoding="utf-8"))
    return queries + [item["q"] for item in quality["queries"]]


def demo_words() -> set[str]:
    """The words segment.py adds on the demo site: words.txt, the registry's names, the synonyms."""
    streets = [f"{name}街道" for name in demo.GONGSHU_STREETS]
    streets += [f"{name}街道" for names in demo.OTHER_DISTRICTS.values() for name in names]
    communities = [name for names in demo.COMMUNITIES.values() for name in names]
    synonyms = json.loads(demo.SEARCH_SYNONYMS_FILE.read_text(encoding="utf-8"))
    return segment.file_words() | segment.place_words(streets + communities) | {t for group in synonyms for t in group}


def with_words(tokenizer, words):
    """The tokenizer after segment.py's own ``_add_words`` (as a worker's first search does)."""
    saved = segment._words
    segment._words = set()
    try:
        segment._add_words(tokenizer, words)
    finally:
        segment._words = saved
    return tokenizer


@pytest.fixture(scope="module")
def tokenizers():
    """jieba as it comes (its dictionary a Python dict) and ours (the compiled file), each with the demo's words."""
    stock = jieba.Tokenizer()
    stock.initialize()
    compiled = jieba.Tokenizer()
    assert dictionary.install(compiled)
    words = demo_words()
    return with_words(stock, words), with_words(compiled, words)


def through_segment(monkeypatch, tokenizer, texts, queries):
    monkeypatch.setattr(segment, "_tokenizer", tokenizer)
    monkeypatch.setattr(segment, "_checked_at", math.inf)  # no dictionary version check (it would read the cache)
    return [segment.segment(text) for text in texts], [segment.query_words(query) for query in queries]


def test_segmentation_is_the_same_as_with_jiebas_own_dictionary(tokenizers, monkeypatch):
    stock, compiled = tokenizers
    assert isinstance(compiled.FREQ, CompiledFrequencies) and isinstance(stock.FREQ, dict)
    assert compiled.total == stock.total
    texts = demo_texts()
    queries = sample_queries() + texts  # query_words() keeps the first 100 characters of each
    assert len(texts) > 5000 and len(sample_queries()) > 50
    assert through_segment(monkeypatch, compiled, texts, queries) == through_segment(monkeypatch, stock, texts, queries)
    for text in texts[::50]:  # precise mode, and the search mode segment() normalises, token for token
        assert compiled.lcut(text) == stock.lcut(text)
        assert compiled.lcut_for_search(text) == stock.lcut_for_search(text)


def test_the_compiled_dictionary_holds_jiebas_words_and_prefixes_with_their_frequencies(tokenizers):
    stock, compiled = tokenizers
    plain = jieba.Tokenizer()
    plain.initialize()
    fresh = jieba.Tokenizer()
    dictionary.install(fresh)
    assert len(fresh.FREQ) == len(plain.FREQ) and fresh.total == plain.total
    for word, frequency in list(plain.FREQ.items())[::97]:
        assert word in fresh.FREQ and fresh.FREQ[word] == frequency and fresh.FREQ.get(word, 1) == frequency
    assert "和畔" not in fresh.FREQ and fresh.FREQ.get("和畔", 1) == 1
    with pytest.raises(KeyError):
        fresh.FREQ["和畔"]


def test_added_words_stay_whole_and_live_in_the_overlay(tokenizers, monkeypatch):
    stock, compiled = tokenizers
    plain = jieba.Tokenizer()
    dictionary.install(plain)
    assert plain.lcut("和畔里社区开展活动")[:3] == ["和", "畔", "里"]  # jieba alone does not know the name
    for word in ("和畔里", "钱学森故居", "小区专员", "双报到"):
        assert word in compiled.FREQ.added and compiled.FREQ[word] > 0 and word[:-1] in compiled.FREQ
    monkeypatch.setattr(segment, "_tokenizer", compiled)
    monkeypatch.setattr(segment, "_checked_at", math.inf)
    assert "和畔里" in segment.segment("和畔里社区开展活动").split()
    assert segment.query_words("钱学森故居的开放时间") == ["钱学森故居", "开放", "时间"]
    assert "小区专员" in segment.segment("小区专员岗前培训").split()
    # Added words never reach the file: a fresh tokenizer mapping it does not know them.
    assert "和畔里" not in plain.FREQ


def test_the_segmenter_in_use_maps_the_compiled_file():
    tokenizer = preload.base_tokenizer()
    assert isinstance(tokenizer.FREQ, CompiledFrequencies)
    if sys.platform.startswith("linux"):
        mapped = Path("/proc/self/maps").read_text()
        assert any(
            f"jieba-{jieba.__version__}-" in line and line.rstrip().endswith(".dict") for line in mapped.splitlines()
        )


# The file's life: a small dictionary of jieba's format, so that each build takes milliseconds.
SMALL_DICTIONARY = "三方 120 n\n三方协同 30 n\n物业 800 n\n物业服务 60 n\n服务 2000 vn\n物业 900 n\n"


@pytest.fixture
def small_source(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text(SMALL_DICTIONARY, encoding="utf-8")
    return source


def test_the_file_is_built_when_missing_and_then_reused(tmp_path, small_source):
    folder = tmp_path / "cache"
    frequencies, total = dictionary.load_or_build(folder, source=small_source, version="9.9")
    (path,) = folder.glob("jieba-*.dict")
    assert path.name.startswith("jieba-9.9-") and not list(folder.glob(".building-*"))
    # jieba's own reading: the later 物业 wins, every entry counts in the total, prefixes are there with 0.
    assert total == 120 + 30 + 800 + 60 + 2000 + 900
    assert frequencies["物业"] == 900 and frequencies["三方协同"] == 30 and frequencies["三方协"] == 0
    assert "协同" not in frequencies
    inode = path.stat().st_ino
    dictionary.load_or_build(folder, source=small_source, version="9.9")
    assert path.stat().st_ino == inode


def test_a_damaged_file_is_built_again(tmp_path, small_source):
    folder = tmp_path / "cache"
    dictionary.load_or_build(folder, source=small_source, version="9.9")
    (path,) = folder.glob("jieba-*.dict")
    path.write_bytes(path.read_bytes()[:-3])  # e.g. a disk that filled up while another tool copied it
    frequencies, _total = dictionary.load_or_build(folder, source=small_source, version="9.9")
    assert frequencies["服务"] == 2000
    path.write_bytes(b"JIEBAFRQ" + bytes(100))
    assert dictionary.load_or_build(folder, source=small_source, version="9.9")[0]["服务"] == 2000


def test_a_new_jieba_or_a_changed_dictionary_builds_a_new_file_and_removes_the_old(tmp_path, small_source):
    folder = tmp_path / "cache"
    dictionary.load_or_build(folder, source=small_source, version="9.9")
    (old,) = folder.glob("jieba-*.dict")
    dictionary.load_or_build(folder, source=small_source, version="10.0")
    (new,) = folder.glob("jieba-*.dict")
    assert new.name.startswith("jieba-10.0-") and not old.exists()
    small_source.write_text(SMALL_DICTIONARY + "驿站 50 n\n", encoding="utf-8")
    frequencies, _total = dictionary.load_or_build(folder, source=small_source, version="10.0")
    assert frequencies["驿站"] == 50 and not new.exists()
    assert len(list(folder.glob("jieba-*.dict"))) == 1


def test_a_build_killed_half_way_leaves_no_file_for_good(tmp_path, small_source):
    folder = tmp_path / "cache"
    folder.mkdir()
    abandoned, running = folder / ".building-old.tmp", folder / ".building-new.tmp"
    abandoned.write_bytes(b"JIEBAFRQ")
    running.write_bytes(b"JIEBAFRQ")
    an_hour_ago = time.time() - 3600
    os.utime(abandoned, (an_hour_ago, an_hour_ago))
    dictionary.load_or_build(folder, source=small_source, version="9.9")
    assert not abandoned.exists() and running.exists()  # another process may still be writing the recent one


def test_a_file_from_another_dictionary_under_the_expected_name_is_not_used(tmp_path, small_source):
    folder = tmp_path / "cache"
    other = tmp_path / "other.txt"
    other.write_text("驿站 50 n\n", encoding="utf-8")
    dictionary.load_or_build(folder, source=other, version="9.9")
    (path,) = folder.glob("jieba-*.dict")
    expected = dictionary.compiled_path(folder, "9.9", dictionary.source_digest(small_source))
    path.rename(expected)
    frequencies, _total = dictionary.load_or_build(folder, source=small_source, version="9.9")
    assert "驿站" not in frequencies and frequencies["物业"] == 900


def test_an_unwritable_directory_falls_back_to_jiebas_own_dictionary(tmp_path, caplog, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    tokenizer = jieba.Tokenizer()
    with caplog.at_level(logging.WARNING, logger="academy.search.dictionary"):
        assert dictionary.install(tokenizer, blocker / "cache") is False
    assert "jieba loads its own" in caplog.text
    assert tokenizer.initialized is False and tokenizer.FREQ == {}
    # The segmenter then loads jieba's own dictionary, and segments as before.
    monkeypatch.setenv(dictionary.DIRECTORY_VARIABLE, str(blocker / "cache"))
    monkeypatch.setattr(preload, "_tokenizer", None)
    fallback = preload.base_tokenizer()
    assert isinstance(fallback.FREQ, dict) and len(fallback.FREQ) > 300_000
    assert fallback.lcut("矛盾调处实务与案例分析")[:2] == ["矛盾", "调处"]


def test_without_marisa_trie_jieba_loads_its_own(tmp_path, caplog, monkeypatch):
    monkeypatch.setitem(sys.modules, "marisa_trie", None)  # import marisa_trie now raises ImportError
    with caplog.at_level(logging.WARNING, logger="academy.search.dictionary"):
        assert dictionary.install(jieba.Tokenizer(), tmp_path) is False
    assert "jieba loads its own" in caplog.text


def test_the_directory_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(dictionary.DIRECTORY_VARIABLE, str(tmp_path))
    assert dictionary.directory() == tmp_path
    monkeypatch.setenv(dictionary.DIRECTORY_VARIABLE, " ")
    assert dictionary.directory() == ROOT / "var" / "cache" / "search"
    assert os.fspath(dictionary.DEFAULT_DIRECTORY).startswith(os.fspath(ROOT))
