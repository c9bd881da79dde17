"""Reading YAML files while remembering where every key stands, so problems can name the line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from site_builder.problems import BuildFailed, Problem, did_you_mean, dotted

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: plain Python data plus the round-trip tree that knows positions."""

    path: Path
    data: Any
    tree: Any

    def locate(self, loc: Sequence[str | int], tagged: bool = False) -> tuple[list[str | int], int | None]:
        """The part of `loc` that exists in the file, and the line (1-based) it ends on.

        With `tagged`, pydantic's union tags (not keys of the YAML) are skipped; a key that is
        missing stops the walk at the line of the mapping that should have held it.
        """
        node, line, path = self.tree, 1 if self.tree is not None else None, []
        entered = True  # a union tag can only come right after stepping into a node
        for part in loc:
            key = "in" if part == "in_" else part
            if isinstance(node, CommentedMap):
                if tagged and entered and (key == node.get("type") or key in ("condition", "all-of", "any-of")):
                    entered = False
                    continue
                entered = True
                if key in node:
                    line = node.lc.key(key)[0] + 1
                    path.append(key)
                    node = node[key]
                    continue
                path.append(key)
                break
            if isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line = node.lc.item(key)[0] + 1
                path.append(key)
                node = node[key]
                entered = True
                continue
            break
        return path, line

    def problem(self, loc: Sequence[str | int], message: str, hint: str = "", tagged: bool = False) -> Problem:
        path, line = self.locate(loc, tagged)
        return Problem(self.path, message, line=line, key=dotted(path), hint=hint)


def _plain(node: Any) -> Any:
    """ruamel's annotated scalars and containers as plain Python values for pydantic."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime):
        return node
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    return node


def read_yaml(path: Path) -> YamlDocument:
    """Parse one YAML file; syntax errors and duplicate keys become a problem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise BuildFailed([Problem(path, f"is not UTF-8 text ({err.reason} at byte {err.start})")]) from None
    except OSError as err:
        raise BuildFailed([Problem(path, f"cannot be read: {err.strerror}")]) from None
    yaml = YAML(typ="rt")
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(part) for part in (err.context, err.problem) if part)
        raise BuildFailed([Problem(path, f"is not valid YAML: {what}", line=line)]) from None
    except YAMLError as err:
        raise BuildFailed([Problem(path, f"is not valid YAML: {err}")]) from None
    return YamlDocument(path, _plain(tree), tree)


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every key any model reachable from `model` accepts: the vocabulary for 'did you mean'."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, field in model.model_fields.items():
        names.add(field.alias or name)
        for sub in _models_in(field.annotation):
            names |= _field_names(sub, seen)
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()) + getattr(annotation, "__metadata__", ()):
        found.extend(_models_in(arg))
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        found.extend(_models_in(origin))
    return found


def _explain(error: ErrorDetails, vocabulary: set[str]) -> tuple[str, str]:
    """A producer's sentence for one pydantic error, and a hint."""
    kind, loc, ctx = error["type"], error["loc"], error.get("ctx", {})
    last = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        return f'unknown key "{last}"', did_you_mean(last, vocabulary)
    if kind == "missing":
        return f'missing required key "{last}"', ""
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", ""))
        expected = ", ".join(t.strip("'") for t in str(ctx.get("expected_tags", "")).split(", "))
        return f'unknown type "{tag}"; expected one of {expected}', did_you_mean(tag, expected.split(", "))
    if kind == "union_tag_not_found":
        return 'missing key "type" (which kind of question this is)', ""
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) else f", got {got!r}"
    return error["msg"][0].lower() + error["msg"][1:] + shown, ""


def validate(document: YamlDocument, model: type[Model]) -> Model:
    """Validate a document against a model, reporting every problem at once with its line."""
    if not isinstance(document.data, dict):
        raise BuildFailed([Problem(document.path, "must be a YAML mapping of keys to values", line=1)])
    try:
        return model.model_validate(document.data)
    except ValidationError as err:
        vocabulary = _field_names(model)
        problems = [
            document.problem(
                (*e["loc"], "type") if e["type"] == "union_tag_invalid" else e["loc"],
                *_explain(e, vocabulary),
                tagged=True,
            )
            for e in err.errors()
        ]
        raise BuildFailed(sorted(set(problems), key=lambda p: (p.line or 0, p.key))) from None
