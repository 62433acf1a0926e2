"""The shared spreadsheet helper: formula injection neutralised, rows streamed lazily."""

import csv
import io

import pytest
from openpyxl import load_workbook

from academy.models import User
from academy.spreadsheets import lazy_rows, neutralise, spreadsheet_response
from tests.factories import UserFactory


@pytest.mark.parametrize("text", ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_prefixes_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_ordinary_values_are_untouched():
    assert neutralise("张三") == "张三"
    assert neutralise(-2) == -2


def test_rows_are_not_read_until_the_response_is_streamed():
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield [n, "=evil()"]

    response = spreadsheet_response(fmt="csv", filename="x", headings=["n", "text"], rows=rows())
    assert response.streaming and consumed == []
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert consumed == [0, 1, 2]
    assert lines[1] == ["0", "'=evil()"]


def test_xlsx_cells_are_text_never_formulas():
    response = spreadsheet_response(fmt="xlsx", filename="x", headings=["a"], rows=iter([["=1+1"], ["@x"], [3]]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet["A"]] == ["a", "'=1+1", "'@x", 3]
    assert all(c.data_type != "f" for c in sheet["A"])


@pytest.mark.django_db
def test_querysets_are_iterated_without_filling_their_cache():
    UserFactory.create_batch(3)
    people = User.objects.all()
    assert len(list(lazy_rows(people))) == 3
    assert people._result_cache is None
