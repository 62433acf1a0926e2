"""The demo content files: each app keeps the text of its demo content (courses, news, events…) as YAML under
``<app>/demo_content/``, and its ``demo.py`` reads them here and creates the rows (``manage.py seed_demo``)."""

from pathlib import Path

import yaml

# libyaml's loader reads the course files about ten times faster; the pure-Python one gives the same data.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def demo_content(app_file: str, name: str):
    """The data in ``<app>/demo_content/<name>.yaml``, where ``app_file`` is a module's ``__file__`` in that app."""
    path = Path(app_file).resolve().parent / "demo_content" / f"{name}.yaml"
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_LOADER)  # noqa: S506 (a safe loader, C or Python)
