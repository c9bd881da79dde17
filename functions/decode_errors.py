"""msgspec's decode errors as `where: problem`, the form every reader of stored JSON reports.

msgspec says where a value is wrong as a JSONPath suffix (`Expected str, got int - at
`$.questions[0].id``); a model that decodes part of itself in `__post_init__` (the manifest's
`show_if`) adds its own path inside, so one message can carry several, innermost first. The
producer reads `questions.0.id`, with the field itself named when one is missing or unknown,
the way the error pages and the import summary always have.
"""

from __future__ import annotations

import re

_AT = re.compile(r" - at `\$([^`]*)`")
_FIELD = re.compile(r"^Object (missing required|contains unknown) field `([^`]+)`$")
_PROBLEMS = {"missing required": "Field required", "contains unknown": "unknown field"}


def nested(message: str, step: str) -> str:
    """`message` (a msgspec error) as raised one level up, `step` (`.show_if`, `.all[1]`) further out."""
    problem, path = split(message)
    return f"{problem} - at `${step}{path}`"


def split(message: str) -> tuple[str, str]:
    """(problem, JSONPath after `$`, outermost step first) of a msgspec error message."""
    paths = _AT.findall(message)
    problem = _AT.sub("", message)
    return problem, "".join(reversed(paths))


def where_and_problem(message: str) -> tuple[str, str]:
    """(`questions.0.show_if.value`, `Field required`): the dotted place ("" for the whole document)."""
    problem, path = split(message)
    parts = [part for part in re.split(r"[.\[\]]+", path) if part]
    field = _FIELD.match(problem)
    if field:
        parts.append(field.group(2))
        problem = _PROBLEMS[field.group(1)]
    return ".".join(part for part in parts if part != "..."), problem  # a dict's key: msgspec does not say which
