"""The PDF renderer behind bulk issue: results in order from worker processes, and a killed worker does not
lose the batch (the renderer carries on in this process)."""

import hashlib
import io
import os
import signal

from pypdf import PdfReader

from credits.certificates.render import PdfRenderer

HTML = (
    '<html><head><meta charset="utf-8"></head><body style="font-family: \'Noto Serif CJK SC\'"><p>{}</p></body></html>'
)


def _text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text().replace(" ", "")


def test_worker_processes_return_each_pdf_in_the_order_given_with_its_digest():
    names = ["张晓明", "李秀英", "王建国", "赵美华", "刘志强"]
    with PdfRenderer(workers=2, base_url=".") as renderer:
        results = renderer.render([HTML.format(name) for name in names])
    assert [_text(data) for data, _digest in results] == names
    assert all(digest == hashlib.sha256(data).hexdigest() for data, digest in results)


def test_a_killed_worker_does_not_lose_the_batch():
    with PdfRenderer(workers=2, base_url=".") as renderer:
        renderer.render([HTML.format("预热")])  # the pool's processes exist now
        for pid in list(renderer._pool._processes):
            os.kill(pid, signal.SIGKILL)
        results = renderer.render([HTML.format(name) for name in ["欧阳", "司马"]])
        assert renderer._pool is None  # later batches render in this process
    assert [_text(data) for data, _digest in results] == ["欧阳", "司马"]


def test_a_pool_that_fails_to_take_work_is_given_up_with_its_workers_killed(monkeypatch):
    """A submit that races the pool's discovery of a dead worker fails while spawning a replacement (OSError or
    ValueError, not BrokenProcessPool); the renderer must still finish the batch and leave no worker running."""
    with PdfRenderer(workers=2, base_url=".") as renderer:
        renderer.render([HTML.format("预热")])
        pool = renderer._pool
        workers = list(pool._processes.values())

        def fail(*_args, **_kwargs):
            raise ValueError("bad value(s) in fds_to_keep")

        monkeypatch.setattr(pool, "submit", fail)
        results = renderer.render([HTML.format("诸葛")])
        assert renderer._pool is None
    assert [_text(data) for data, _digest in results] == ["诸葛"]
    for process in workers:
        process.join(timeout=10)
        assert not process.is_alive()
