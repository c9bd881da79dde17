"""The counting loop made per line layout counts exactly what a plain loop over the answers counts.

`functions/report/counting.py` writes the hot loop out once per layout (answers unpacked, each
increment spelled out); whatever the layout, each counted answer is counted in its column, a
response with free text is handed on, outcomes are counted for a quiz, and nothing else happens.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from functions.report.counting import line_counter

MOMENT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
WEEK = (2026, 48)


class FakeCell:
    """What the loop touches of a cell: its response count, counted columns and outcomes."""

    def __init__(self, counted: int) -> None:
        self.responses = 0
        self.counted: list[defaultdict[Any, int]] = [defaultdict(int) for _ in range(counted)]
        self.outcomes: defaultdict[str, int] = defaultdict(int)


def _line_type(width: int) -> tuple[Any, Any]:
    answers = msgspec.defstruct("Answers", [(f"a{i}", Any, None) for i in range(width)])
    line = msgspec.defstruct(
        "Line",
        [("tp", Any), ("lang", str), ("hidden", Any), ("answers", answers), ("outcome", Any, None)],
    )
    return answers, line


Row = tuple[str | None, str, tuple[Any, ...], str | None]
"""(touchpoint, language, answers in layout order, outcome)"""


def _count(
    width: int, counted: int, tail: int | None, rows: list[Row]
) -> tuple[dict[Any, FakeCell], list[tuple[Any, ...]]]:
    """The loop made for the layout run over `rows`: the cells it made and the responses it handed on."""
    answers_type, line_type = _line_type(width)
    lines = [line_type(tp, lang, None, answers_type(*answers), outcome) for tp, lang, answers, outcome in rows]
    cells: dict[Any, FakeCell] = {}
    texts: list[tuple[Any, ...]] = []

    def new_cell(key: Any) -> FakeCell:
        cell = cells[key] = FakeCell(counted)
        return cell

    def keep_texts(cell: FakeCell, answers: tuple[Any, ...], moment: datetime, tp: str | None, lang: str) -> None:
        texts.append((answers, tp, lang))

    count = line_counter(width, counted, tail)
    count(lines, [WEEK] * len(lines), [MOMENT] * len(lines), cells.get, new_cell, keep_texts, True)
    return cells, texts


def test_each_counted_answer_is_counted_in_its_column_of_the_responses_cell() -> None:
    rows = [
        ("myymala-helsinki", "fi", (9, "groceries", ("price",), "Hyvä palvelu"), None),
        ("myymala-helsinki", "fi", (10, "groceries", None, None), "kahvi"),
        ("verkkokauppa", "sv", (9, None, ("price", "service"), None), "kahvi"),
    ]
    cells, texts = _count(4, 3, 3, rows)
    helsinki = cells[("myymala-helsinki", "fi", WEEK, None)]
    assert helsinki.responses == 2
    assert [dict(column) for column in helsinki.counted] == [{9: 1, 10: 1}, {"groceries": 2}, {("price",): 1, None: 1}]
    assert dict(helsinki.outcomes) == {"kahvi": 1}
    online = cells[("verkkokauppa", "sv", WEEK, None)]
    assert [dict(column) for column in online.counted] == [{9: 1}, {None: 1}, {("price", "service"): 1}]
    assert texts == [((9, "groceries", ("price",), "Hyvä palvelu"), "myymala-helsinki", "fi")]


def test_a_response_is_handed_on_for_any_non_empty_free_text_answer_of_several() -> None:
    rows = [
        (None, "fi", (5, None, "Jono oli pitkä"), None),
        (None, "fi", (5, "", None), None),
        (None, "fi", (5, True, None), None),
    ]
    _cells, texts = _count(3, 1, 1, rows)
    assert [answers for answers, _tp, _lang in texts] == [(5, None, "Jono oli pitkä"), (5, True, None)]


@pytest.mark.parametrize(("width", "counted", "tail"), [(0, 0, None), (2, 2, None), (2, 0, 0), (300, 299, 299)])
def test_layouts_without_counted_answers_or_free_text_or_with_many_answers_count_the_same(
    width: int, counted: int, tail: int | None
) -> None:
    rows: list[Row] = [("puhelin", "sv", tuple(range(i, i + width)), None) for i in range(3)]
    cells, texts = _count(width, counted, tail, rows)
    cell = cells[("puhelin", "sv", WEEK, None)]
    assert cell.responses == 3
    assert [dict(column) for column in cell.counted] == [{j: 1, j + 1: 1, j + 2: 1} for j in range(counted)]
    assert len(texts) == (0 if tail is None else sum(any(answers[tail:]) for _tp, _lang, answers, _o in rows))


def test_a_layout_that_cannot_be_is_refused_naming_its_numbers() -> None:
    with pytest.raises(ValueError, match="4 answers with 5 counted"):
        line_counter(4, 5, None)
    with pytest.raises(ValueError, match="free text from 1"):
        line_counter(4, 2, 1)
