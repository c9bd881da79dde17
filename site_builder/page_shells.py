"""Pages that differ from survey to survey only in a few strings: rendered once, then filled by a join.

A chain's surveys share their theme and languages, so their thank-you pages, the frame of their survey
pages and their signs are the same HTML but for a title, a link, a survey id. Such a page is rendered
once with a marker in place of each of those strings (the page's *shell*, kept per everything else the
page shows), compacted, and cut at the markers; each survey's page is then the shell's pieces joined
with its own strings, escaped as the template's `{{ … }}` escapes them.

This holds only for templates that print those strings and do nothing else with them (no test, no
filter), which the built-in ones do and a theme's own might not: a page whose templates are not all the
built-in ones is always rendered in full. So is a page whose strings would come out of compacting
differently alone than in the page (a line break in a string next to whitespace in the page).
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from jinja2 import Environment, TemplateNotFound
from markupsafe import escape

from site_builder.compact import KEPT, compact_html, compact_lines
from site_builder.theme import BUILTIN_TEMPLATES

_NONCE = secrets.token_hex(8)
"""In every marker: text that is not one of ours (a spec's `\\0`) cannot pass for one."""
_MARKER = re.compile(f"\x00{_NONCE}([0-9]+)\x00")
SHELLS_KEPT = 1024
"""Shells kept at once: one per theme, language, page and the few other things pages differ in."""


class Slot(NamedTuple):
    """A string of one page that its shell leaves out (a tuple: pages make dozens)."""

    value: str
    raw: bool = False
    """Printed as it is (`|safe`, or Markup): not escaped here either."""
    compact: bool = False
    """Already compacted HTML (questions rendered once per language): joined in as it is."""


@dataclass(frozen=True)
class _Shell:
    pieces: tuple[str, ...]
    """The page's text between markers: one more piece than `slots`."""
    slots: tuple[int, ...]
    """Which slot each marker stands for, in page order (a slot may appear more than once)."""
    spaced: tuple[bool, ...]
    """Whether the page has whitespace right beside each marker, where compacting may reach into a string."""
    encoded: tuple[bytes, ...]
    """`pieces` in UTF-8."""


class Slots(list[Slot]):
    """The strings a page's shell leaves out, in the order their markers are numbered."""

    def add(self, value: str, *, raw: bool = False, compact: bool = False) -> str:
        """The marker the shell has in place of `value`: it passes escaping and compacting unchanged."""
        self.append(Slot(value, raw, compact))
        return f"\x00{_NONCE}{len(self) - 1}\x00"


@lru_cache(maxsize=64)
def builtin_only(env: Environment, names: tuple[str, ...]) -> bool:
    """Whether every template of a page comes from Palaute itself (a theme overrides none of them)."""
    try:
        files = [env.get_template(name).filename or "" for name in names]
    except TemplateNotFound:
        return False
    return all(file.startswith(str(BUILTIN_TEMPLATES) + "/") for file in files)


_shells: dict[Hashable, _Shell | None] = {}
_UNCUT = _Shell((), (), (), ())
"""What `_shells` gives for a key with no shell yet (None is a page that has none)."""


def forget_shells() -> None:
    """An edited template or theme: every shell is rendered anew on its next use."""
    _shells.clear()
    builtin_only.cache_clear()


def filled(key: Hashable, slots: Sequence[Slot], render: Callable[[], str], *, compacted: bool = True) -> str | None:
    """The page from its shell (made by `render()`, the compacted page rendered with each slot's marker in
    its place, when there is none yet for `key`); None when the page must be rendered in full.

    `key` stands for everything the page shows but its slots: pages with the same key share a shell.
    `compacted`: `render()` compacts the page (`compact_html`), so the strings are compacted as they go in."""
    found = _filling(key, slots, render, compacted)
    if found is None:
        return None
    shell, texts = found
    return "".join(itertools.chain.from_iterable(zip(shell.pieces, [*texts, ""], strict=True)))


def filled_bytes(key: Hashable, slots: Sequence[Slot], render: Callable[[], str]) -> bytes | None:
    """`filled` for a compacted page, as UTF-8: the shell's pieces are encoded once, not with every page."""
    found = _filling(key, slots, render, True)
    if found is None:
        return None
    shell, texts = found
    encoded = [text.encode("utf-8") for text in texts]
    return b"".join(itertools.chain.from_iterable(zip(shell.encoded, [*encoded, b""], strict=True)))


SlotsOf = Callable[[Any, Slots], tuple[Any, tuple[Hashable, ...]]]
"""A view's slot function (`site_builder/page_slots.py`): the view with markers, and its key."""


def page_bytes(
    env: Environment, name: str, templates: tuple[str, ...], views: Mapping[str, tuple[Any, SlotsOf]]
) -> bytes:
    """The compacted page template `name` renders from `views` (argument name → view and its slot function), in
    UTF-8: filled into its shell when every template it uses (`templates`) is a built-in one, else (or when a
    string would compact differently inside the page) rendered in full."""
    template = env.get_template(name)
    if builtin_only(env, templates):
        slots = Slots()
        marked: dict[str, Any] = {}
        key: list[Hashable] = [name, env]
        for argument, (view, slots_of) in views.items():
            marked[argument], view_key = slots_of(view, slots)
            key.append(view_key)
        html = filled_bytes(tuple(key), slots, lambda: compact_html(template.render(**marked)))
        if html is not None:
            return html
    return compact_html(template.render(**{argument: view for argument, (view, _) in views.items()})).encode("utf-8")


def _filling(
    key: Hashable, slots: Sequence[Slot], render: Callable[[], str], compacted: bool
) -> tuple[_Shell, list[str]] | None:
    """The page's shell and the strings that go between its pieces; None when it must be rendered in full."""
    shell = _shell(key, slots, render, compacted)
    texts = None if shell is None else _texts(shell, slots, compacted)
    return None if shell is None or texts is None else (shell, texts)


def _shell(key: Hashable, slots: Sequence[Slot], render: Callable[[], str], compacted: bool) -> _Shell | None:
    if any("\x00" in slot.value for slot in slots):
        return None
    shell = _shells.get(key, _UNCUT)  # one look-up: a key hashes and compares every field of the page's views
    if shell is _UNCUT:
        if len(_shells) >= SHELLS_KEPT:
            _shells.clear()
        shell = _shells[key] = _cut(render(), len(slots), compacted)
    return shell


def _texts(shell: _Shell, slots: Sequence[Slot], compacted: bool) -> list[str] | None:
    """Each marker's string as it goes into the page, in page order; None if one cannot go in as it is."""
    texts = []
    for index, spaced in zip(shell.slots, shell.spaced, strict=True):
        text = _text(slots[index], spaced) if compacted else _verbatim(slots[index])
        if text is None:
            return None
        texts.append(text)
    return texts


def _text(slot: Slot, spaced: bool) -> str | None:
    """The slot as the whole page's compacting would leave it there, or None when only the whole page can tell.

    Compacting takes a line break and the whitespace after it: beside a marker with no whitespace around
    it that happens within the string alone; with whitespace beside it, only a string that neither starts
    nor ends with whitespace, nor holds a line break, comes out the same."""
    value = _verbatim(slot)
    if spaced:
        plain = value and not value[0].isspace() and not value[-1].isspace()
        return value if plain and (slot.compact or "\n" not in value) else None
    if slot.compact or "\n" not in value:
        return value
    return None if KEPT.search(value) else compact_lines(value)


def _verbatim(slot: Slot) -> str:
    return slot.value if slot.raw or slot.compact else str(escape(slot.value))


def _cut(page: str, count: int, compacted: bool) -> _Shell | None:
    """The page cut at its markers; None if a marker did not come through whole, or the page keeps a
    <pre> or <textarea> as it is (compacting it in pieces would differ)."""
    parts = _MARKER.split(page)
    pieces, slots = tuple(parts[0::2]), tuple(int(index) for index in parts[1::2])
    if any("\x00" in piece for piece in pieces) or any(index >= count for index in slots):
        return None
    if compacted and KEPT.search(page):
        return None
    spaced = tuple(
        before[-1:].isspace() or not before or after[:1].isspace() or not after
        for before, after in itertools.pairwise(pieces)
    )
    return _Shell(pieces, slots, spaced, tuple(piece.encode("utf-8") for piece in pieces))
