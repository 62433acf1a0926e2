"""Stylesheet bundles: the stylesheets a page needs, joined into one static file, so that a phone waits for one
render-blocking request before its first paint instead of three or four (docs/performance.md, section 13).

``settings.STYLESHEET_BUNDLES`` names each bundle (a static path under ``bundles/``) and its parts (static paths of
the stylesheets, in cascade order: ``css/elder.css`` last, as base.html linked it). ``BundleFinder``, listed in
``STATICFILES_FINDERS``, makes each bundle from its parts as other finders find them, so nothing is built by hand:

* ``collectstatic`` (production's static files, the manifest's hashed names) lists the bundles like any other
  file, built from the parts as they are then;
* ``runserver`` (``make run``) and the test server find a bundle per request, rebuilt whenever a part changed.

Each process writes its bundles to a private temporary folder of its own (writable wherever the process runs, and
no other user's to tamper with), again only when their text changed. A new process's bundle is newer than any
collected copy, so collectstatic always copies it again (a few kilobytes; the hashed name stays the same while the
text does).
"""

import atexit
import functools
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

# A reference relative to the part's own folder (url(fonts/x.woff2), @import "y.css") would point elsewhere from
# bundles/: absolute paths, data: and full addresses are fine.
RELATIVE_REFERENCE = re.compile(r"""url\(\s*['"]?(?!data:|/|[a-z][a-z0-9+.-]*://)|@import""", re.IGNORECASE)


def bundle_text(parts: list[str] | tuple[str, ...]) -> str:
    """The parts' text in order, each after a comment naming it; a part no other finder has raises LookupError."""
    pieces = []
    for part in parts:
        found = find_part(part)
        if found is None:
            raise LookupError(part)
        pieces.append(f"/* {part} */\n{Path(found).read_text(encoding='utf-8').strip()}\n")
    return "\n".join(pieces)


@functools.cache
def bundle_root() -> Path:
    """This process's private folder for the bundles, removed when it exits."""
    root = Path(tempfile.mkdtemp(prefix="academy-static-bundles-"))
    creator = os.getpid()

    def remove() -> None:
        if os.getpid() == creator:  # not a forked child (a gunicorn worker) on its way out
            shutil.rmtree(root, ignore_errors=True)

    atexit.register(remove)
    return root


def find_part(part: str) -> str | None:
    """Where the other finders (never this one: a bundle is not a part) have a part."""
    for finder in finders.get_finders():
        if isinstance(finder, BundleFinder):
            continue
        found = finder.find(part)
        if found:
            return found
    return None


class BundleFinder(finders.BaseFinder):
    """Finds ``settings.STYLESHEET_BUNDLES``, each built from its parts when asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bundles = dict(getattr(settings, "STYLESHEET_BUNDLES", {}))
        self.storage = FileSystemStorage(location=bundle_root())

    def check(self, **kwargs):
        errors = []
        for name, parts in self.bundles.items():
            for part in parts:
                found = find_part(part)
                if found is None:
                    errors.append(
                        Error(
                            f"Stylesheet bundle {name} names {part}, which no static files finder has.",
                            id="academy.E010",
                        )
                    )
                elif RELATIVE_REFERENCE.search(Path(found).read_text(encoding="utf-8")):
                    errors.append(
                        Error(
                            f"Stylesheet bundle {name}: {part} has a relative url() or an @import, which would not "
                            "resolve from bundles/.",
                            hint="Use an absolute /static/ path, or leave the stylesheet out of the bundle.",
                            id="academy.E011",
                        )
                    )
        return errors

    def build(self, name: str) -> str:
        """The bundle's file, written again if its parts changed."""
        text = bundle_text(self.bundles[name]).encode("utf-8")
        target = bundle_root() / name
        if not target.exists() or target.read_bytes() != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(descriptor, "wb") as file:
                file.write(text)
            os.replace(temporary, target)
        return str(target)

    def find(self, path, find_all=False, **kwargs):
        if path not in self.bundles:
            return []
        found = self.build(path)
        return [found] if find_all or kwargs.get("all") else found

    def list(self, ignore_patterns):
        for name in self.bundles:
            self.build(name)
            yield name, self.storage
