"""A problem with a posted response: which part of the request, what was expected, what arrived."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

SHOWN_TEXT = 40
"""Characters of a wrong text answer echoed back; enough to recognise it, never the whole essay."""


@dataclass(frozen=True)
class Problem:
    """`field` names the request part (`answers.recommend`, `answers.wellbeing.tools`, `lang`, `body`).

    `code` keys the message catalogue (`functions.collect.messages`) and `params` fill it, so the
    same problem reads in English for an API client and in Finnish or Swedish on the rejection
    page. `question` is the question it concerns, for listing problems by question.
    """

    field: str
    code: str
    params: Mapping[str, object] = dataclass_field(default_factory=dict)
    question: str | None = None

    @property
    def message(self) -> str:
        from functions.collect.messages import problem_message

        return problem_message(self.code, self.params)

    def localized(self, lang: str) -> str:
        from functions.collect.messages import problem_message

        return problem_message(self.code, self.params, lang)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def shown(value: Any) -> str:
    """A short, safe rendering of what the client sent, for "got …" in messages.

    Containers are only named: echoing (or even `repr`-ing) a deeply nested list could recurse
    without bound, and an answer never needs its whole body quoted back.
    """
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…"
    if isinstance(value, str):
        clipped = value if len(value) <= SHOWN_TEXT else value[:SHOWN_TEXT] + "…"
        return json.dumps(clipped, ensure_ascii=False)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
