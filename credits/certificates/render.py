"""HTML to PDF with WeasyPrint, in this process or in a pool of processes.

WeasyPrint is single-threaded and CPU-bound (about 0.12 s per certificate), so a bulk issue renders a batch of
certificates in several processes at once. This module imports nothing from Django on purpose: pool workers are
started with "spawn" (a fresh interpreter, no inherited database connections, locks or threads from the parent),
and all they do is turn HTML into PDF bytes and their SHA-256.
"""

import contextlib
import hashlib
import logging
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

logger = logging.getLogger("credits.certificates")
_local = threading.local()


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """Render HTML to PDF bytes, reusing one FontConfiguration per thread so fontconfig is asked only once (one
    per thread because web requests and tasks may render at the same time)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return HTML(string=html, base_url=base_url).write_pdf(font_config=_local.font_config)


def render_with_digest(html: str, base_url: str) -> tuple[bytes, str]:
    """The PDF and its SHA-256 (hex); module-level so a pool can pickle it by name."""
    data = html_to_pdf(html, base_url=base_url)
    return data, hashlib.sha256(data).hexdigest()


def _warm_up() -> None:
    import weasyprint  # noqa: F401 - import (about 0.3 s) while the parent is still preparing the first batch


def default_workers() -> int:
    """The CPUs this process may use (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class PdfRenderer:
    """Renders many HTML documents to PDF: in this process when ``workers`` is 1, otherwise in a process pool that
    lives as long as the ``with`` block. Results come back in the order the documents were given."""

    def __init__(self, *, workers: int, base_url: str):
        self.workers = max(1, int(workers))
        self.base_url = base_url
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "PdfRenderer":
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=get_context("spawn"), initializer=_warm_up
            )
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            # On an error (or a kill of this process) do not wait for queued renders that nobody will store.
            self._pool.shutdown(wait=exc_info[0] is None, cancel_futures=True)
            self._pool = None

    def _abandon_pool(self) -> None:
        """Stop the pool without waiting for it. Its processes are killed first: a replacement worker that the
        executor spawned while another one was dying can otherwise block the executor's own clean-up, and with
        it this process's exit, for ever."""
        pool, self._pool = self._pool, None
        for process in list((pool._processes or {}).values()):  # no public way to reach the workers
            with contextlib.suppress(Exception):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, htmls: list[str]) -> list[Future] | list[tuple[bytes, str]]:
        """Start rendering; hand the result to ``results``. In-process rendering happens in ``results``."""
        if self._pool is None:
            return list(htmls)
        return [self._pool.submit(render_with_digest, html, self.base_url) for html in htmls]

    def results(self, pending) -> list[tuple[bytes, str]]:
        """The PDFs and digests of what ``submit`` started, waiting for each; a worker's error is raised here."""
        if self._pool is None:
            return [render_with_digest(html, self.base_url) for html in pending]
        return [future.result() for future in pending]

    def render(self, htmls: list[str]) -> list[tuple[bytes, str]]:
        """The PDFs and digests of ``htmls``, in order. If the pool fails in any way, it is dropped and this and
        later documents are rendered in this process instead."""
        if self._pool is not None:
            try:
                return self.results(self.submit(htmls))
            except Exception:  # noqa: BLE001  (see below)
                # A worker died (BrokenProcessPool), or a submit raced the pool's own discovery of a dead worker
                # and failed while spawning its replacement (seen: OSError "handle is closed", ValueError "bad
                # value(s) in fds_to_keep"). Whatever it was, the pool is given up; an error in a document itself
                # is raised again by the in-process render below.
                logger.warning("The PDF render pool failed; rendering in this process from now on.", exc_info=True)
                self._abandon_pool()
        return self.results(self.submit(htmls))
