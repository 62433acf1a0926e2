"""The path converter for database ids in URLs: ``<id:pk>`` instead of ``<int:pk>``.

Django's ``int`` converter accepts any run of digits, so ``/sessions/99999999999999999999999/`` reached the view and
the query, and SQLite refused the 23-digit number with an OverflowError (a 500). Every id column here is a 64-bit
signed integer, so an id outside 1 .. 2**63-1 names nothing: this converter does not match it, and the URL answers
404 before any view runs. Registered when the ``academy`` package is imported (academy/__init__.py), so before any
model module (a routable page declares its sub-routes at import) or URLconf uses it.
"""

import re

from django.urls import register_converter

MAX_ID = 2**63 - 1


class DatabaseIdConverter:
    """A positive id that fits a 64-bit signed integer column."""

    regex = "[0-9]{1,19}"

    @classmethod
    def is_valid(cls, text: str) -> bool:
        """Whether ``text`` is an id this converter would accept (for ids that arrive as text, not through it)."""
        return re.fullmatch(cls.regex, text) is not None and 1 <= int(text) <= MAX_ID

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # Django treats it as "this pattern does not match": a 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


register_converter(DatabaseIdConverter, "id")
