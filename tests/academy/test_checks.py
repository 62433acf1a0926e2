"""The system check for what certificate PDFs need: HarfBuzz-subset (speed) and Noto Serif CJK SC (glyphs)."""

import subprocess

from academy import checks


def _ids():
    return {problem.id for problem in checks.pdf_system_packages_check(None)}


def test_this_machine_has_what_pdfs_need():
    assert _ids() == set()


def test_missing_harfbuzz_subset_warns(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)
    assert _ids() == {"academy.W001"}


def test_missing_cjk_font_warns(monkeypatch):
    real_run = subprocess.run

    def without_noto(*args, **kwargs):
        result = real_run(*args, **kwargs)
        result.stdout = result.stdout.replace("Noto Serif CJK SC", "")
        return result

    monkeypatch.setattr(checks.subprocess, "run", without_noto)
    assert _ids() == {"academy.W002"}


def test_fc_list_failing_counts_as_missing_font(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("fc-list not found")

    monkeypatch.setattr(checks.subprocess, "run", broken)
    assert "academy.W002" in _ids()


def test_weasyprint_really_loaded_harfbuzz_subset():
    from weasyprint.text import ffi

    assert checks.harfbuzz_subset_available() is (ffi.harfbuzz_subset is not None)
