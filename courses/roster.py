"""Columns that apps above courses add to a training session's roster (e.g. whether each trainee has played the
scenario the session asks for beforehand). Courses cannot import those apps, so they register a column here from
their ``AppConfig.ready()``; the roster view asks every column for its heading and cells."""

from typing import Protocol


class RosterColumn(Protocol):
    def heading(self, session) -> str | None:
        """The column's heading for this session, or None when the column does not apply to it."""

    def cells(self, session, user_ids: list[int]) -> dict[int, str]:
        """User id → the text of that trainee's cell (missing ids show a dash)."""


_columns: list[RosterColumn] = []


def register(column: RosterColumn) -> None:
    """Called once by the app that adds the column (idempotent, so a second ``ready()`` adds nothing)."""
    if not any(type(existing) is type(column) for existing in _columns):
        _columns.append(column)


def extra_columns(session, user_ids: list[int]) -> list[dict]:
    """The registered columns that apply to ``session``: [{heading, cells}] with a cell for every user id."""
    columns = []
    for column in _columns:
        heading = column.heading(session)
        if heading is None:
            continue
        cells = column.cells(session, user_ids)
        columns.append({"heading": heading, "cells": {user_id: cells.get(user_id, "—") for user_id in user_ids}})
    return columns
