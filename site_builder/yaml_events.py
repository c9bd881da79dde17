"""A YAML file's data straight from the parser's events, for the common file: no node tree in between.

Composing the node tree (every node with its two positions) costs about twice the parsing, and the tree
is only needed when a problem must name its line. So `load.py` reads a file here first, and reads it the
full way (tree, then data) only when this reading gives up: at anything but plain mappings, lists and
scalars (an anchor, an alias, a merge key `<<`, a key that is not a scalar, a repeated key, a tag it
cannot read, a second document, a syntax error). The full reading then reports exactly what it always
did; what this one returns is the same data, which the tests hold it to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

_TAG = "tag:yaml.org,2002:"
_SEQUENCE_TAGS = (None, "!", _TAG + "seq")
_MAPPING_TAGS = (None, "!", _TAG + "map")
_STR = _TAG + "str"
_MERGE = _TAG + "merge"


class GiveUp(Exception):
    """Something only the full reading handles (or reports); nothing about the file is decided yet."""


def read_data(loader: yaml.SafeLoader, scalars: dict[str, Callable[[str], Any]]) -> Any:
    """The one document's data, `scalars` turning each resolved tag's text into a value; `loader` is disposed of.

    Raises `GiveUp` (never a YAML error) when the file needs the full reading.
    """
    reader = _Reader(loader, scalars)
    try:
        if type(loader.get_event()) is not StreamStartEvent:  # type: ignore[no-untyped-call]
            raise GiveUp
        event = loader.get_event()  # type: ignore[no-untyped-call]
        if type(event) is StreamEndEvent:
            return None  # no document at all
        if type(event) is not DocumentStartEvent:
            raise GiveUp
        data = reader.value(loader.get_event())  # type: ignore[no-untyped-call]
        if type(loader.get_event()) is not DocumentEndEvent or type(loader.get_event()) is not StreamEndEvent:  # type: ignore[no-untyped-call]
            raise GiveUp  # a second document: the full reading says it is one too many
        return data
    except yaml.YAMLError:
        raise GiveUp from None
    finally:
        loader.dispose()


class _Reader:
    def __init__(self, loader: yaml.SafeLoader, scalars: dict[str, Callable[[str], Any]]) -> None:
        self.next: Callable[[], Event] = loader.get_event
        self.resolve: Callable[[type[ScalarNode], str, tuple[bool, bool]], str] = loader.resolve
        self.scalars = scalars
        table = loader.yaml_implicit_resolvers
        plain = None not in table and not loader.yaml_path_resolvers and loader.DEFAULT_SCALAR_TAG == _STR
        self.typed_firsts = frozenset(table) if plain else None
        """First characters a plain scalar may be typed by (`t` for true, a digit…): any other is text, which
        PyYAML's resolve would find only after a call; None when the loader resolves in other ways too."""

    def value(self, event: Event) -> Any:
        kind = type(event)
        if kind is ScalarEvent:
            return self.scalar(event)  # type: ignore[arg-type]
        if event.anchor is not None:  # type: ignore[attr-defined]
            raise GiveUp
        if kind is MappingStartEvent and event.tag in _MAPPING_TAGS:  # type: ignore[attr-defined]
            return self.mapping()
        if kind is SequenceStartEvent and event.tag in _SEQUENCE_TAGS:  # type: ignore[attr-defined]
            items = []
            next_event, value = self.next, self.value
            event = next_event()
            while type(event) is not SequenceEndEvent:
                items.append(value(event))
                event = next_event()
            return items
        raise GiveUp  # an alias, or a collection with a tag of its own

    def scalar(self, event: ScalarEvent) -> Any:
        if event.anchor is not None:
            raise GiveUp
        tag = event.tag
        if tag is None or tag == "!":
            implicit = event.implicit[0]
            if implicit and self.typed_firsts is not None and event.value[:1] not in self.typed_firsts:
                return event.value
            tag = self.resolve(ScalarNode, event.value, event.implicit) if implicit else _STR
        if tag is _STR or tag == _STR:
            return event.value
        convert = self.scalars.get(tag) if tag != _MERGE else None
        if convert is None:
            raise GiveUp
        try:
            return convert(event.value)
        except (ValueError, KeyError):
            raise GiveUp from None

    def mapping(self) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        seen: set[Any] = set()
        next_event, scalar, value = self.next, self.scalar, self.value
        event = next_event()
        while type(event) is not MappingEndEvent:
            if type(event) is not ScalarEvent:
                raise GiveUp
            key = scalar(event)
            if key in seen:
                raise GiveUp  # the full reading names both lines
            seen.add(key)
            mapping[str(key)] = value(next_event())
            event = next_event()
        return mapping
