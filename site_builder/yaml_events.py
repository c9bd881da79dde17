"""A YAML file's data straight from the parser's events, for the common file: no node tree in between.

Composing the node tree (every node with its two positions) costs about twice the parsing, and the tree
is only needed when a problem must name its line. So `load.py` reads a file here first, and reads it the
full way (tree, then data) only when this reading gives up: at anything but plain mappings, lists and
scalars (an anchor, an alias, a merge key `<<`, a key that is not a scalar, a repeated key, a tag it
cannot read, a second document, a syntax error). The full reading then reports exactly what it always
did; what this one returns is the same data, which the tests hold it to.

The reading costs Python bytecodes per event, so the common scalar (plain or quoted text, no tag, no anchor)
is taken where it stands in the loops, without a call, and a text whose first character could type it
(`fi`, `text`, `type`…) is resolved once per file, not at each of its many repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Container
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


class _Everything:
    """The first characters that may type a plain scalar when the loader's resolvers could type any of them."""

    def __contains__(self, item: object) -> bool:
        return True


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
        event = loader.get_event()  # type: ignore[no-untyped-call]
        data = reader.scalar(event) if type(event) is ScalarEvent else reader.collection(event)
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
        self.plain = None not in table and not loader.yaml_path_resolvers and loader.DEFAULT_SCALAR_TAG == _STR
        self.typed_firsts: Container[str] = frozenset(table) if self.plain else _Everything()
        """First characters a plain scalar may be typed by (`t` for true, a digit…): any other is text, which
        PyYAML's resolve would find only after a call; all of them when the loader resolves in other ways too."""
        self.texts: set[str] = set()
        """Plain scalars resolved to text so far: with tables like that (no wildcard, no path), resolve is a
        function of the text alone, so a repeat (`fi` in every label) is text without asking again."""

    def collection(self, event: Any) -> Any:
        """A mapping or a list, read in this one frame (a nested one in the next): a deep file reaches no nearer
        Python's recursion limit than when each value was read by a call of its own.

        Each scalar is first asked `event.tag is None and event.anchor is None and (…)`: when that holds, `scalar`
        would return its text, and most scalars in a spec are text, so the loops skip the call.
        """
        if event.anchor is not None:
            raise GiveUp
        next_event, scalar, typed, texts = self.next, self.scalar, self.typed_firsts, self.texts
        if type(event) is MappingStartEvent and event.tag in _MAPPING_TAGS:
            mapping: dict[str, Any] = {}
            seen: set[Any] | None = None  # the keys as read (1 and "1" differ), needed once one is not text
            while True:
                event = next_event()
                if type(event) is not ScalarEvent:
                    if type(event) is MappingEndEvent:
                        return mapping
                    raise GiveUp
                key = event.value
                text = event.tag is None and event.anchor is None and ((key and key[0] not in typed) or key in texts)
                if text and seen is None:
                    if key in mapping:
                        raise GiveUp  # the full reading names both lines
                else:
                    key = scalar(event)
                    if seen is None and type(key) is not str:
                        seen = set(mapping)  # the keys so far were all text, each the mapping's key as it was read
                    if seen is None:
                        if key in mapping:
                            raise GiveUp
                    elif key in seen:
                        raise GiveUp
                    else:
                        seen.add(key)
                        key = str(key)
                event = next_event()
                if type(event) is ScalarEvent:
                    value = event.value
                    if (
                        event.tag is None
                        and event.anchor is None
                        and ((value and value[0] not in typed) or value in texts)
                    ):
                        mapping[key] = value
                    else:
                        mapping[key] = scalar(event)
                else:
                    mapping[key] = self.collection(event)
        if type(event) is SequenceStartEvent and event.tag in _SEQUENCE_TAGS:
            items: list[Any] = []
            append = items.append
            while True:
                event = next_event()
                kind = type(event)
                if kind is ScalarEvent:
                    value = event.value
                    if (
                        event.tag is None
                        and event.anchor is None
                        and ((value and value[0] not in typed) or value in texts)
                    ):
                        append(value)
                    else:
                        append(scalar(event))
                elif kind is SequenceEndEvent:
                    return items
                else:
                    append(self.collection(event))
        raise GiveUp  # an alias, or a collection with a tag of its own

    def scalar(self, event: ScalarEvent) -> Any:
        if event.anchor is not None:
            raise GiveUp
        tag = event.tag
        if tag is None or tag == "!":
            implicit = event.implicit[0]
            if implicit and event.value[:1] not in self.typed_firsts:
                return event.value
            tag = self.resolve(ScalarNode, event.value, event.implicit) if implicit else _STR
            if implicit and tag == _STR and self.plain:
                self.texts.add(event.value)
        if tag is _STR or tag == _STR:
            return event.value
        convert = self.scalars.get(tag) if tag != _MERGE else None
        if convert is None:
            raise GiveUp
        try:
            return convert(event.value)
        except (ValueError, KeyError):
            raise GiveUp from None
