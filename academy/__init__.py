"""The project package. Importing it registers the ``<id:…>`` path converter, before any model or URLconf uses it."""

from . import converters  # noqa: F401
