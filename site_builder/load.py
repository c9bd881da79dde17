"""Reading YAML files while remembering where every key stands, so problems can name the line.

Parsing is libyaml's (PyYAML's C parser and composer; its pure-Python twin when PyYAML was built
without libyaml). Plain scalars are typed by YAML 1.2's core schema, as a producer expects from
a current YAML tool: `no`, `on` and `y` stay text, `1:30` is text, `010` is ten, `0o10` is eight,
a date like 2026-12-01 is a date. The composed nodes keep every key's position, so a problem
found later (by pydantic or a cross-check) still names its line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.tokens import ScalarToken

from site_builder.problems import BuildFailed, Problem, did_you_mean, dotted
from site_builder.yaml_events import GiveUp, read_data

Model = TypeVar("Model", bound=BaseModel)

_TAG = "tag:yaml.org,2002:"
_CORE_SCHEMA = (  # the core schema's patterns as ruamel.yaml applies them for YAML 1.2
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "float",
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        "-+0123456789.",
    ),
    ("int", r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$", "-+0123456789"),
    ("merge", r"^(?:<<)$", "<"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (
        "timestamp",
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
        (?:[Tt]|[\ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
        (?:[\ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        "0123456789",
    ),
)


class _PurePython(yaml.SafeLoader):
    """PyYAML's own parser, for when it was built without libyaml: reads plain scalars as libyaml does."""

    def scan_plain(self) -> ScalarToken:
        """PyYAML's `scan_plain`, but for `?`: in `{fi: Suosittelisitko meitä?, sv: …}` it is text, not a key."""
        chunks: list[str] = []
        start_mark = end_mark = self.get_mark()
        indent = self.indent + 1
        spaces: list[str] = []
        breaks = "\0 \t\r\n\x85\u2028\u2029"
        while self.peek() != "#":
            length = 0
            while True:
                ch = self.peek(length)
                after = self.peek(length + 1)
                if ch in breaks or (ch == ":" and after in breaks + (",[]{}" if self.flow_level else "")):
                    break
                if self.flow_level and ch in ",[]{}":
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces)
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark) or []
            if not spaces or self.peek() == "#" or (not self.flow_level and self.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)


def _core_schema(parser: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """A loader class on `parser` that tags plain scalars by the YAML 1.2 core schema, not PyYAML's 1.1 one."""
    loader = cast(
        type[yaml.SafeLoader], type(f"CoreSchema{parser.__name__}", (parser,), {"yaml_implicit_resolvers": {}})
    )
    for kind, pattern, first in _CORE_SCHEMA:
        loader.add_implicit_resolver(_TAG + kind, re.compile(pattern, re.X), list(first))
    by_first: dict[str, list[tuple[str, re.Pattern[str]]]] = loader.yaml_implicit_resolvers
    assert None not in by_first and not loader.yaml_path_resolvers, "resolve below knows neither"

    def resolve(self: yaml.SafeLoader, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        """PyYAML's `resolve` for this loader's tables, which have no wildcard and no path resolvers:
        the same tag, called for every scalar without rebuilding its list of patterns each time."""
        if kind is not ScalarNode:
            return parser.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call,no-any-return]
        if implicit[0]:
            for tag, pattern in by_first.get(value[:1], ()):  # "" for the empty scalar, as PyYAML looks up
                if pattern.match(value):
                    return tag
        return str(self.DEFAULT_SCALAR_TAG)

    loader.resolve = resolve  # type: ignore[method-assign,assignment]
    return loader


_CoreSchemaLoader = _core_schema(getattr(yaml, "CSafeLoader", _PurePython))
"""libyaml's parser and composer when PyYAML has them (it does in its wheels), else PyYAML's own."""

_TIMESTAMP = re.compile(
    r"""^(?P<year>[0-9][0-9][0-9][0-9])-(?P<month>[0-9][0-9]?)-(?P<day>[0-9][0-9]?)
    (?:(?:[Tt]|[\ \t]+)(?P<hour>[0-9][0-9]?):(?P<minute>[0-9][0-9]):(?P<second>[0-9][0-9])
    (?:\.(?P<fraction>[0-9]*))?
    (?:[\ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9][0-9]?)(?::(?P<tz_minute>[0-9][0-9]))?))?)?$""",
    re.X,
)


def _shown(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


class _Unreadable(Exception):
    """A well-formed YAML value this loader cannot turn into data (a bad `!!int`, an unknown tag…)."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[:1] == "-" else 1
    digits = digits[1:] if digits[:1] in ("-", "+") else digits
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)  # YAML 1.2: a leading zero is not octal


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    sign = -1.0 if digits[:1] == "-" else 1.0
    digits = digits[1:] if digits[:1] in ("-", "+") else digits
    if digits == ".inf":
        return sign * float("inf")
    if digits == ".nan":
        return float("nan")
    return sign * float(digits)


def _timestamp(text: str) -> date | datetime:
    match = _TIMESTAMP.match(text)
    if match is None:
        raise ValueError(text)
    part = match.groupdict()
    year, month, day = int(part["year"]), int(part["month"]), int(part["day"])
    if part["hour"] is None:
        return date(year, month, day)
    fraction, carry = 0, False
    if part["fraction"]:
        fraction = int(part["fraction"][:6].ljust(6, "0"))
        if len(part["fraction"]) > 6 and int(part["fraction"][6]) > 4:
            fraction += 1
        carry = fraction > 999_999
        fraction = 0 if carry else fraction
    zone = None
    if part["tz_sign"]:
        offset = timedelta(hours=int(part["tz_hour"]), minutes=int(part["tz_minute"] or 0))
        zone = timezone(-offset if part["tz_sign"] == "-" else offset, part["tz"])
    elif part["tz"] == "Z":
        zone = timezone(timedelta(0), "Z")
    moment = datetime(year, month, day, int(part["hour"]), int(part["minute"]), int(part["second"]), fraction, zone)
    return moment + timedelta(seconds=1) if carry else moment


_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False, "on": True, "off": False}


def _null(text: str) -> None:
    return None


_SCALARS: dict[str, Callable[[str], Any]] = {
    _TAG + "str": str,
    _TAG + "merge": str,  # `<<` as a value, not a key, is just text
    _TAG + "null": _null,
    _TAG + "bool": lambda text: _BOOLS[text.lower()],
    _TAG + "int": _int,
    _TAG + "float": _float,
    _TAG + "timestamp": _timestamp,
}


def _scalar(node: ScalarNode) -> Any:
    convert = _SCALARS.get(node.tag)
    if convert is None:
        raise _Unreadable(node, f"unsupported tag {_shown(node.tag)}")
    try:
        return convert(node.value)
    except (ValueError, KeyError):
        raise _Unreadable(node, f"{node.value!r} is not a valid {node.tag.removeprefix(_TAG)}") from None


def _split(node: MappingNode) -> tuple[list[tuple[Node, Node]], list[tuple[Node, Node]]]:
    """A mapping's own key/value nodes, and those it merges in with `<<` (earlier sources first)."""
    own: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    for key, value in node.value:
        if key.tag != _TAG + "merge":
            own.append((key, value))
            continue
        for source in value.value if isinstance(value, SequenceNode) else [value]:
            if not isinstance(source, MappingNode):
                raise _Unreadable(source, "a merge key (<<) takes a mapping or a list of mappings")
            theirs, deeper = _split(source)
            merged.extend(theirs + deeper)
    return own, merged


class _Builder:
    """Composed nodes to plain Python data: dicts with text keys, lists, str, int, float, bool, None, dates."""

    def __init__(self) -> None:
        self.made: dict[int, Any] = {}  # an alias shares its anchor's value and is built once

    def build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return _scalar(node)
        made = self.made.get(id(node))
        if made is not None:
            return made
        if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            items: list[Any] = []
            self.made[id(node)] = items
            items.extend([self.build(item) for item in node.value])
            return items
        if isinstance(node, MappingNode) and node.tag == _TAG + "map":
            return self._mapping(node)
        raise _Unreadable(node, f"unsupported tag {_shown(node.tag)}")

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        self.made[id(node)] = mapping
        own, merged = _split(node)
        seen: dict[Any, Node] = {}
        for key_node, value_node in own:
            key = self.build(key_node)
            first = self._remember(seen, key, key_node)
            if first is not key_node:
                where = first.start_mark.line + 1
                raise _Unreadable(key_node, f'found duplicate key "{key_node.value}" (first at line {where})')
            mapping[str(key)] = self.build(value_node)
        for key_node, value_node in merged:
            key = self.build(key_node)
            if self._remember(seen, key, key_node) is key_node:  # its own keys, then earlier merge sources, win
                mapping[str(key)] = self.build(value_node)
        return mapping

    @staticmethod
    def _remember(seen: dict[Any, Node], key: Any, key_node: Node) -> Node:
        """The node that first held `key` in the mapping: `key_node` itself unless the key is a repeat."""
        try:
            return seen.setdefault(key, key_node)
        except TypeError:
            raise _Unreadable(key_node, "a mapping or a list cannot be a key") from None


def _entry(node: MappingNode, key: str) -> tuple[Node, Node] | None:
    """The key and value nodes that gave `data[key]`, for a mapping built by `_Builder`."""
    own, merged = _split(node)
    for key_node, value_node in own + merged:
        if isinstance(key_node, ScalarNode) and str(_scalar(key_node)) == key:
            return key_node, value_node
    return None


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: plain Python data plus the composed node tree that knows positions."""

    path: Path
    data: Any
    text: str = field(repr=False)

    @cached_property
    def tree(self) -> Node | None:
        """Composed when first asked for (a problem to place): most files never need it."""
        loader = _CoreSchemaLoader(self.text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()

    def locate(self, loc: Sequence[str | int], tagged: bool = False) -> tuple[list[str | int], int | None]:
        """The part of `loc` that exists in the file, and the line (1-based) it ends on.

        With `tagged`, pydantic's union tags (not keys of the YAML) are skipped; a key that is
        missing stops the walk at the line of the mapping that should have held it.
        """
        node, data = self.tree, self.data
        line, path = 1 if node is not None else None, list[str | int]()
        entered = True  # a union tag can only come right after stepping into a node
        for part in loc:
            key = "in" if part == "in_" else part
            if isinstance(node, MappingNode) and isinstance(data, dict):
                if tagged and entered and (key == data.get("type") or key in ("condition", "all-of", "any-of")):
                    entered = False
                    continue
                entered = True
                path.append(key)
                found = _entry(node, key) if isinstance(key, str) and key in data else None
                if found is None:
                    break
                line = found[0].start_mark.line + 1
                node, data = found[1], data[key]
                continue
            if isinstance(node, SequenceNode) and isinstance(data, list) and isinstance(key, int):
                if not 0 <= key < len(node.value):
                    break
                node, data = node.value[key], data[key]
                line = node.start_mark.line + 1
                path.append(key)
                entered = True
                continue
            break
        return path, line

    def problem(self, loc: Sequence[str | int], message: str, hint: str = "", tagged: bool = False) -> Problem:
        path, line = self.locate(loc, tagged)
        return Problem(self.path, message, line=line, key=dotted(path), hint=hint)

    def key_lines(self) -> dict[str, int]:
        """Dotted key (`fonts[0].file`) → 1-based line, for every key and list item in the file."""
        found: dict[str, int] = {}
        todo: list[tuple[str, Node | None]] = [("", self.tree)]
        while todo:
            prefix, node = todo.pop()
            if isinstance(node, MappingNode):
                for key_node, value_node in _split(node)[0]:
                    if not isinstance(key_node, ScalarNode):
                        continue
                    key = str(_scalar(key_node))
                    path = f"{prefix}.{key}" if prefix else key
                    found.setdefault(path, key_node.start_mark.line + 1)
                    todo.append((path, value_node))
            elif isinstance(node, SequenceNode):
                for index, item in enumerate(node.value):
                    path = f"{prefix}[{index}]"
                    found[path] = item.start_mark.line + 1
                    todo.append((path, item))
        return found


def parse_yaml(path: Path, text: str) -> YamlDocument:
    """Parse YAML text; syntax errors, duplicate keys and unreadable values become a problem with its line."""
    try:
        return YamlDocument(path, read_data(_CoreSchemaLoader(text), _SCALARS), text)
    except GiveUp:  # the full reading decides, and names the line of whatever is wrong
        pass
    loader = _CoreSchemaLoader(text)
    try:
        tree = loader.get_single_node()
        data = None if tree is None else _Builder().build(tree)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(part) for part in (err.context, err.problem) if part)
        raise BuildFailed([Problem(path, f"is not valid YAML: {what}", line=line)]) from None
    except _Unreadable as err:
        raise BuildFailed([Problem(path, f"is not valid YAML: {err}", line=err.line)]) from None
    except yaml.YAMLError as err:
        raise BuildFailed([Problem(path, f"is not valid YAML: {err}")]) from None
    finally:
        loader.dispose()
    document = YamlDocument(path, data, text)
    document.__dict__["tree"] = tree  # composed already: `tree` is a cached property
    return document


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse one YAML file; an unreadable file is a problem too."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise BuildFailed([Problem(path, f"is not UTF-8 text ({err.reason} at byte {err.start})")]) from None
    except OSError as err:
        raise BuildFailed([Problem(path, f"cannot be read: {err.strerror}")]) from None
    return parse_yaml(path, text)


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    """Every key any model reachable from `model` accepts: the vocabulary for 'did you mean'."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for sub in _models_in(info.annotation):
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
