"""The progress bar's figure: rounded as a person would say it, never "done" early nor "nothing" after a lesson."""

import pytest

from courses.rules import progress_percent


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (0, 6, 0),
        (1, 6, 17),  # 16.67: it was shown as 16 (floor)
        (1, 3, 33),
        (2, 3, 67),
        (1, 2, 50),
        (6, 6, 100),
        (199, 200, 99),  # 99.5 rounds to 100, but one lesson is still to do
        (1, 300, 1),  # 0.33 rounds to 0, but one lesson is done
        (0, 0, 0),
        (7, 6, 100),
    ],
)
def test_progress_percent(done, total, expected):
    assert progress_percent(done=done, total=total) == expected
