"""jieba's dictionary compiled into one memory-mapped file, shared by every process on the host (issue 22).

jieba keeps its dictionary as a Python dict (``Tokenizer.FREQ``): 350,000 words and every prefix of each, some
500,000 str and int objects, 71 MiB in every process that segments. Preloaded in gunicorn's master, the workers
share those pages copy-on-write, but each counts them in its RSS, and a worker that touches an entry writes to its
reference count and so copies the page it is on.

Here the same entries (read by jieba's own ``gen_pfdict``: same words, same frequencies, the prefixes with 0, the same
total) are compiled once into a file: a MARISA trie of the words (``marisa-trie``), whose key ids index an array of
frequencies. Processes map the file read-only: its pages are the OS page cache's, shared by every process and never
copied, and loading it takes milliseconds. ``CompiledFrequencies`` is what jieba's ``Tokenizer`` sees as ``FREQ``: it
looks words up in the trie and keeps the words added afterwards (``add_word``: words.txt, the registry's names, the
synonyms, and their prefixes) in a small dict in front of it.

The file is named after jieba's version and a hash of its ``dict.txt``, so that a jieba upgrade builds a new one; it
is written to a temporary file and renamed into place, so that a reader never sees half a file. It lives in
``SEARCH_DICTIONARY_DIR`` (default: ``var/cache/search`` in the checkout). When it can be neither read nor built
(a read-only directory, marisa-trie missing), ``install()`` says so in the log and jieba loads its dictionary itself.
"""

import hashlib
import logging
import mmap
import os
import struct
import sys
import tempfile
import time
from array import array
from pathlib import Path

logger = logging.getLogger(__name__)

DIRECTORY_VARIABLE = "SEARCH_DICTIONARY_DIR"
DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "var" / "cache" / "search"
# Bump when the layout below changes: the file name carries it, so an old file is never read as a new one.
FORMAT = 1
MAGIC = b"JIEBAFRQ"
# Magic, format, total, number of keys, length of the trie, SHA-256 of dict.txt; the trie follows, then the
# frequencies as unsigned 32-bit integers indexed by the trie's key ids (each part starts on an 8-byte boundary).
HEADER = struct.Struct("<8sQQQQ32s")
FREQUENCY_TYPE = "I"
# A temporary file older than this is left from a build that was killed (a build takes seconds).
ABANDONED_BUILD_SECONDS = 600


def import_jieba():
    """jieba, imported without ``pkg_resources``.

    jieba's ``_compat`` imports setuptools' ``pkg_resources`` (38 modules and 5.3 MiB on top of the app) only
    to open its own data files, and opens them by their path when the import fails. Nothing else here needs
    ``pkg_resources``, so the first import of jieba sees it as missing: the same files are read, and gunicorn's master
    (which loads jieba before it forks) no longer hands it to every worker (docs/performance.md, section 16). A
    ``pkg_resources`` already imported by someone else is left alone and used; it is hidden only while jieba is first
    imported, once per process."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # makes ``import pkg_resources`` raise ImportError
    try:
        import jieba
    finally:
        if hidden and "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
            del sys.modules["pkg_resources"]
    return jieba


class CompiledFrequencies:
    """jieba's ``FREQ`` over the compiled file: ``in``, ``[]``, ``get`` and ``len`` as on a dict; words set
    afterwards (``add_word``) go to a dict in front of the trie, which they take precedence over."""

    __slots__ = ("_added", "_frequencies", "_map", "_trie")

    def __init__(self, trie, frequencies, file_map):
        self._trie = trie
        self._frequencies = frequencies
        self._map = file_map  # kept open for as long as the trie and the frequencies point into it
        self._added = {}

    def __contains__(self, word):
        return word in self._added or word in self._trie

    def __getitem__(self, word):
        added = self._added.get(word)
        if added is not None:
            return added
        return self._frequencies[self._trie[word]]  # KeyError for a word in neither, as a dict raises

    def get(self, word, default=None):
        added = self._added.get(word)
        if added is not None:
            return added
        key_id = self._trie.get(word)
        return default if key_id is None else self._frequencies[key_id]

    def __setitem__(self, word, frequency):
        self._added[word] = frequency

    def __len__(self):
        return len(self._trie) + sum(1 for word in self._added if word not in self._trie)

    @property
    def added(self) -> dict:
        """The words set since loading (with their prefixes, as jieba's ``add_word`` sets them)."""
        return self._added


def directory() -> Path:
    """Where the compiled file lives: ``SEARCH_DICTIONARY_DIR``, or ``var/cache/search`` in the checkout."""
    configured = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_DIRECTORY


def source_digest(source: Path) -> bytes:
    """SHA-256 of jieba's dictionary file: a file compiled from another ``dict.txt`` is stale."""
    return hashlib.sha256(source.read_bytes()).digest()


def compiled_path(folder: Path, version: str, digest: bytes) -> Path:
    """The file compiled from this jieba version's dictionary, in this format."""
    return folder / f"jieba-{version}-{digest.hex()[:16]}-f{FORMAT}.dict"


def _aligned(offset: int) -> int:
    return (offset + 7) // 8 * 8


def build(source: Path, target: Path, digest: bytes) -> None:
    """Compile jieba's ``dict.txt`` into ``target``: a temporary file in the same directory, renamed into place."""
    jieba = import_jieba()
    import marisa_trie

    with source.open("rb") as lines:
        frequencies, total = jieba.Tokenizer.gen_pfdict(lines)  # jieba's own parsing: same entries, same total
    if max(frequencies.values(), default=0) >= 2**32:
        raise ValueError("a frequency in jieba's dictionary does not fit in 32 bits")
    trie = marisa_trie.Trie(frequencies)
    values = array(FREQUENCY_TYPE, bytes(len(trie) * array(FREQUENCY_TYPE).itemsize))
    for word, key_id in trie.iteritems():
        values[key_id] = frequencies[word]
    trie_bytes = trie.tobytes()
    header = HEADER.pack(MAGIC, FORMAT, total, len(trie), len(trie_bytes), digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".building-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(header)
            out.write(bytes(_aligned(HEADER.size) - HEADER.size))
            out.write(trie_bytes)
            out.write(bytes(_aligned(len(trie_bytes)) - len(trie_bytes)))
            out.write(values.tobytes())
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600: other users' processes (a task worker) read it too
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path, digest: bytes) -> tuple[CompiledFrequencies, int]:
    """Map a compiled file; ValueError when it is not a complete file compiled from the dictionary with ``digest``."""
    import marisa_trie

    with path.open("rb") as file:
        file_map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        if len(file_map) < HEADER.size:
            raise ValueError("shorter than its header")
        magic, file_format, total, count, trie_length, file_digest = HEADER.unpack_from(file_map)
        if (magic, file_format, file_digest) != (MAGIC, FORMAT, digest):
            raise ValueError("compiled from another dictionary or in another format")
        trie_start = _aligned(HEADER.size)
        values_start = _aligned(trie_start + trie_length)
        if len(file_map) != values_start + count * array(FREQUENCY_TYPE).itemsize:
            raise ValueError("truncated or padded")
        view = memoryview(file_map)
        trie = marisa_trie.Trie()
        trie.map(view[trie_start : trie_start + trie_length])
        if len(trie) != count:
            raise ValueError("its trie does not hold the number of words its header says")
        frequencies = view[values_start:].cast(FREQUENCY_TYPE)
    except Exception:
        file_map.close()
        raise
    return CompiledFrequencies(trie, frequencies, file_map), total


def load_or_build(folder: Path, *, source: Path | None = None, version: str = "") -> tuple[CompiledFrequencies, int]:
    """The compiled dictionary of ``source`` (default: the installed jieba's ``dict.txt``, named with its version),
    built first when it is missing or stale."""
    jieba = import_jieba()

    source = source or Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)  # what jieba's initialize() reads
    digest = source_digest(source)
    path = compiled_path(folder, version or jieba.__version__, digest)
    try:
        return load(path, digest)
    except FileNotFoundError:
        logger.info("search dictionary: compiling %s into %s", source, path)
    except ValueError as error:
        logger.warning("search dictionary: %s is stale (%s), compiling it again", path, error)
    build(source, path, digest)
    remove_others(folder, keep=path)
    return load(path, digest)


def remove_others(folder: Path, *, keep: Path) -> None:
    """Delete files compiled for another jieba version, dictionary or format (a process still mapping one keeps
    its pages until it exits), and temporary files a build killed half-way left behind."""
    for other in folder.glob("jieba-*.dict"):
        if other != keep:
            other.unlink(missing_ok=True)
    for temporary in folder.glob(".building-*.tmp"):
        try:
            if time.time() - temporary.stat().st_mtime > ABANDONED_BUILD_SECONDS:
                temporary.unlink()
        except FileNotFoundError:
            continue  # another process finished or removed it


def install(tokenizer, folder: Path | None = None) -> bool:
    """Give a fresh jieba tokenizer the compiled dictionary, mapped from ``folder`` (default ``directory()``).

    False, with a log line, when it can be neither read nor built: the caller then lets jieba load its own."""
    folder = folder or directory()
    try:
        frequencies, total = load_or_build(folder)
    except (OSError, ValueError, ImportError) as error:
        logger.warning(
            "search dictionary: cannot use a compiled dictionary in %s (%s); jieba loads its own", folder, error
        )
        return False
    with tokenizer.lock:
        tokenizer.FREQ = frequencies
        tokenizer.total = total
        tokenizer.initialized = True
    return True
