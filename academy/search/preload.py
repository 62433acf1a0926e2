"""jieba's dictionary, loaded once per host rather than once per worker (issue 22).

jieba's own dictionary, a Python dict, takes about 1.75 s to load and about 71 MiB in every process that segments.
It is compiled instead into a file that every process maps (dictionary.py): a few MiB of the OS page cache, shared by
all of them, loaded in milliseconds. gunicorn's master still calls ``preload_before_fork()`` (gunicorn.conf.py,
``on_starting``) before it forks any worker, so that the workers inherit the mapped dictionary (or, where it cannot be
compiled, jieba's own, shared copy-on-write). ``gc.freeze()`` moves everything loaded so far out of the garbage
collector's reach, so collections in the workers do not write to (and so copy) the shared pages. Nothing here touches
Django: the master has no settings, no database and no cache; each worker then adds the district's words
(segment.py), a few hundred entries.
"""

import gc
import logging
import threading

_lock = threading.Lock()
_tokenizer = None


def base_tokenizer():
    """jieba's tokenizer with its own dictionary only (compiled and mapped, see dictionary.py), loaded on first call
    (in the master, when preloaded)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                from .dictionary import import_jieba, install

                jieba = import_jieba()
                jieba.setLogLevel(logging.WARNING)

                tokenizer = jieba.Tokenizer()
                if not install(tokenizer):
                    tokenizer.initialize()  # jieba's own dictionary (install() logged why)
                _tokenizer = tokenizer
    return _tokenizer


def preload_before_fork() -> None:
    """Load the dictionary now and freeze the heap, so that forked workers share it."""
    base_tokenizer()
    gc.freeze()
