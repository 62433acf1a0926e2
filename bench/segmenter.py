"""The search segmenter's dictionary: jieba's own (a Python dict) against the compiled, memory-mapped one (issue 22).

    .venv/bin/python bench/segmenter.py [--rounds 5]

Every figure comes from a fresh interpreter (this script with ``--child``), the two dictionaries alternating round
by round; the table gives medians. Nothing reads the database: Django is set up for the demo's word lists only.

- load: wall seconds from ``jieba.Tokenizer()`` to a loaded dictionary, as ``academy/search/preload.py`` loads it
  (jieba's own from its marshal cache in the temp dir, as production loaded it before; the compiled file already
  built), then the seconds to add the demo's words (``segment._add_words``: words.txt, the registry, the synonyms).
  The process's RSS and USS growth, and how much of the RSS is file-backed (the OS page cache, shared by every
  process) rather than anonymous (the process's own, copied on write after a fork).
- fork: a parent loads the tokenizer with the demo's words, ``gc.freeze()``, forks (as gunicorn's master and a
  worker); the child segments the whole corpus and every query; the child's RSS, PSS and USS then (the whole
  interpreter, Django's settings included, the same on both sides), and how much of it is the child's own.
- speed: CPU seconds for ``segment()`` (jieba's search mode) over every string of the demo content (*/demo_content/*.yaml)
  and ``query_words()`` (precise mode) over the queries of tests/home/test_search.py and tests/search/queries.json,
  20 times.
"""

import argparse
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("jieba", "compiled")
QUERY_REPEATS = 20


def smaps() -> dict[str, float]:
    """This process's memory from /proc/self/smaps_rollup, in MiB."""
    values = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        values[key] = int(rest.split()[0]) / 1024
    return {
        "rss": values["Rss"],
        "pss": values["Pss"],
        "uss": values["Private_Clean"] + values["Private_Dirty"],
        "anonymous": values["Anonymous"],
    }


def demo_words(segment) -> set[str]:
    from academy import demo

    streets = [f"{name}街道" for name in demo.GONGSHU_STREETS]
    streets += [f"{name}街道" for names in demo.OTHER_DISTRICTS.values() for name in names]
    communities = [name for names in demo.COMMUNITIES.values() for name in names]
    synonyms = json.loads(demo.SEARCH_SYNONYMS_FILE.read_text(encoding="utf-8"))
    return segment.file_words() | segment.place_words(streets + communities) | {t for group in synonyms for t in group}


def child(kind: str) -> dict:
    """One round for one dictionary, in this fresh interpreter."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")
    import django

    django.setup()
    import logging

    import jieba

    from academy.search import dictionary, segment
    from tests.search.test_dictionary import demo_texts, sample_queries  # the corpus the equality test segments

    jieba.setLogLevel(logging.WARNING)
    texts, asked = demo_texts(), sample_queries()
    words = demo_words(segment)
    gc.collect()
    before = smaps()
    started = time.perf_counter()
    tokenizer = jieba.Tokenizer()
    if kind == "compiled":
        assert dictionary.install(tokenizer)
    else:
        tokenizer.initialize()
    load_seconds = time.perf_counter() - started
    loaded = smaps()
    started = time.perf_counter()
    segment._add_words(tokenizer, words)
    words_seconds = time.perf_counter() - started
    segment._tokenizer = tokenizer
    segment._checked_at = math.inf  # no dictionary version check: it would read the cache

    result = {
        "load_s": load_seconds,
        "words_s": words_seconds,
        "load_rss": loaded["rss"] - before["rss"],
        "load_uss": loaded["uss"] - before["uss"],
        "load_anonymous": loaded["anonymous"] - before["anonymous"],
    }
    gc.freeze()
    parent = smaps()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the "worker"
        os.close(read_end)
        for text in texts:
            segment.segment(text)
        for query in asked:
            segment.query_words(query)
        with os.fdopen(write_end, "w") as out:
            json.dump(smaps(), out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        worker = json.load(pipe)
    os.waitpid(pid, 0)
    gc.unfreeze()
    result.update({f"master_{key}": value for key, value in parent.items()})
    result.update({f"worker_{key}": value for key, value in worker.items()})

    started = time.process_time()
    for text in texts:
        segment.segment(text)
    result["segment_cpu_s"] = time.process_time() - started
    started = time.process_time()
    for _ in range(QUERY_REPEATS):
        for query in asked:
            segment.query_words(query)
    result["query_words_cpu_s"] = time.process_time() - started
    result["texts"], result["characters"], result["queries"] = len(texts), sum(map(len, texts)), len(asked)
    return result


ROWS = [
    ("load_s", "load the dictionary, s", 3),
    ("words_s", "add the demo's words, s", 3),
    ("load_rss", "RSS added by loading, MiB", 1),
    ("load_uss", "of which the process's own (USS), MiB", 1),
    ("load_anonymous", "of which anonymous, MiB", 1),
    ("master_rss", "parent before the fork: RSS, MiB", 1),
    ("worker_rss", "child after segmenting everything: RSS, MiB", 1),
    ("worker_pss", "child: PSS, MiB", 1),
    ("worker_uss", "child: USS (its own), MiB", 1),
    ("segment_cpu_s", "segment() over the demo corpus, CPU s", 3),
    ("query_words_cpu_s", f"query_words() over the queries × {QUERY_REPEATS}, CPU s", 3),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0

    sys.path.insert(0, str(ROOT))
    from academy.search import dictionary

    build_started = time.perf_counter()
    dictionary.load_or_build(dictionary.directory())  # built once (if missing) before the rounds, and timed
    build_seconds = time.perf_counter() - build_started
    load_start = os.getloadavg()
    results: dict[str, list[dict]] = {kind: [] for kind in KINDS}
    for round_number in range(args.rounds):
        for kind in KINDS if round_number % 2 == 0 else reversed(KINDS):
            output = subprocess.run(  # noqa: S603  (this interpreter, this script)
                [sys.executable, __file__, "--child", kind], check=True, capture_output=True, text=True, cwd=ROOT
            ).stdout
            results[kind].append(json.loads(output.strip().splitlines()[-1]))
    load_end = os.getloadavg()
    sample = results["compiled"][0]
    print(f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Linux {platform.release()}, Python {platform.python_version()}")  # fmt: skip
    print(f"- Load average (1/5/15 min) at the start: {' / '.join(f'{x:.1f}' for x in load_start)}; "
          f"at the end: {' / '.join(f'{x:.1f}' for x in load_end)}")  # fmt: skip
    print(f"- {args.rounds} rounds, each dictionary in a fresh interpreter, alternating; medians. Corpus: "
          f"{sample['texts']} strings, {sample['characters']:,} characters; {sample['queries']} queries. "
          f"Compiled file present or built in {build_seconds:.2f} s: {dictionary.directory()}")  # fmt: skip
    print()
    print("| | jieba's own dictionary | compiled, memory-mapped | compiled ÷ jieba's |")
    print("|---|---:|---:|---:|")
    for key, label, digits in ROWS:
        own = statistics.median(result[key] for result in results["jieba"])
        compiled = statistics.median(result[key] for result in results["compiled"])
        ratio = f"{compiled / own:.2f}" if own else "—"
        print(f"| {label} | {own:.{digits}f} | {compiled:.{digits}f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
