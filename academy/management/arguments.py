"""Argument types shared by the academy's management commands."""

from argparse import ArgumentTypeError
from collections.abc import Callable


def whole_number_at_least_one(unit: str) -> Callable[[str], int]:
    """An argparse ``type`` for a count of ``unit`` (minutes, hours …) that must be a whole number of at least 1."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise ArgumentTypeError(f"a whole number of {unit}, at least 1 (got {value!r})")
        return number

    return parse
