"""The quick reading of a YAML file (from the parser's events, no node tree) gives exactly the data of the full
reading, and hands every file it cannot read plainly to the full reading, which reports what it always did."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_spec_yaml import ROOT, same, sources

from site_builder import load
from site_builder.load import _Builder, _CoreSchemaLoader, parse_yaml
from site_builder.problems import BuildFailed
from site_builder.yaml_events import GiveUp, read_data


def full_reading(text: str) -> object:
    loader = _CoreSchemaLoader(text)
    try:
        tree = loader.get_single_node()
    finally:
        loader.dispose()
    return None if tree is None else _Builder().build(tree)


def quick_reading(text: str) -> object:
    return read_data(_CoreSchemaLoader(text), load._SCALARS)


@pytest.mark.parametrize(("name", "text"), sources(), ids=[name for name, _ in sources()])
def test_every_file_the_quick_reading_reads_gives_the_full_readings_data(name: str, text: str) -> None:
    try:
        data = quick_reading(text)
    except GiveUp:
        assert "<<" in text or "&" in text, f"{name}: plain YAML should not need the full reading"
        return
    assert same(data, full_reading(text))


def test_specs_and_themes_as_producers_write_them_are_read_quickly() -> None:
    for path in [*sorted((ROOT / "survey_specs").glob("*.yaml")), *sorted((ROOT / "themes").rglob("theme.yaml"))]:
        text = path.read_text(encoding="utf-8")
        assert same(quick_reading(text), full_reading(text)), path.name


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a repeated key
        "1: yksi\n1.0: yksi taas\n",  # the same key as a number twice
        'fi: Kerro\n"fi": Kerro taas\n',  # the same key, plain and quoted
        "1: yksi\nfi: Kerro\nfi: Kerro taas\n",  # a repeated key after a key that is not text
        "fi: Kerro\n1: yksi\nfi: Kerro taas\n",  # a repeated key around a key that is not text
        "base: &b {x: 1}\ncopy: *b\n",  # an anchor and an alias
        "<<: {x: 1}\ny: 2\n",  # a merge key
        "? [a, b]\n: kaksi\n",  # a list as a key
        "when: !!timestamp kesäkuussa\n",  # a tag whose text is not its kind
        "x: !oma 1\n",  # a tag of the producer's own
        "items: !!set {a, b}\n",  # a collection with its own tag
        "a: 1\n---\nb: 2\n",  # two documents
        "title: {fi: [Kerro\n",  # a syntax error
        "opens: 2026-13-45\n",  # a date that is no date
    ],
)
def test_what_the_quick_reading_cannot_read_plainly_goes_to_the_full_reading(text: str) -> None:
    with pytest.raises(GiveUp):
        quick_reading(text)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ('1: yksi\n"1": yksi tekstinä\n', {"1": "yksi tekstinä"}),  # a number, then the text it reads as
        ('"1": yksi tekstinä\n1: yksi\n', {"1": "yksi"}),
        ("true: tosi\n'True': tosi tekstinä\n", {"True": "tosi tekstinä"}),
    ],
)
def test_keys_that_differ_but_share_their_text_are_no_repeat_and_the_later_value_stands(
    text: str, data: dict[str, str]
) -> None:
    assert same(quick_reading(text), data) and same(full_reading(text), data)


def test_a_scalar_reads_the_same_at_every_repeat() -> None:
    text = "[fi, fi, 'fi', true, true, 'true', n, n, 5, '5', 5, '', '']\n"
    assert same(quick_reading(text), ["fi", "fi", "fi", True, True, "true", "n", "n", 5, "5", 5, "", ""])


def test_a_loader_that_may_type_any_first_character_has_every_plain_scalar_resolved() -> None:
    class Wildcard(yaml.SafeLoader):
        """PyYAML's loader with a table of its own, so PyYAML's stays as it is."""

    Wildcard.yaml_implicit_resolvers = {}
    Wildcard.add_implicit_resolver("!kylla", re.compile("^kyllä$"), None)  # None: any first character
    scalars: dict[str, Callable[[str], Any]] = {"tag:yaml.org,2002:str": str, "!kylla": lambda text: True}
    assert read_data(Wildcard("a: kyllä\nb: [kyllä, ei]\nkyllä: c\n"), scalars) == {
        "a": True,
        "b": [True, "ei"],
        "True": "c",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: kahvila\nid: kahvila2\n", 'found duplicate key "id" (first at line 1)'),
        ("title: {fi: [Kerro\nthanks: Kiitos\n", "is not valid YAML"),
        ("opens: 2026-13-45\n", "is not a valid timestamp"),
        ("a: 1\n---\nb: 2\n", "is not valid YAML"),
    ],
)
def test_a_file_the_full_reading_refuses_is_still_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(BuildFailed) as failure:
        parse_yaml(Path("kahvila.yaml"), text)
    (problem,) = failure.value.problems
    assert message in problem.message and problem.line is not None


def test_a_quickly_read_file_still_places_its_keys_on_their_lines() -> None:
    text = """\
        id: kahvila
        languages: [fi, sv]
        touchpoints:
          - id: tiski
            label: {fi: Tiski, sv: Disken}
        questions:
          - id: visit
            type: single_choice
            options:
              - {id: coffee, label: {fi: Kahvia, sv: Kaffe}}
              - {id: lunch, label: {fi: Lounasta, sv: Lunch}}
        """
    document = parse_yaml(Path("kahvila.yaml"), textwrap.dedent(text))
    assert document.locate(("questions", 0, "options", 1, "id")) == (["questions", 0, "options", 1, "id"], 11)
    assert document.key_lines()["touchpoints[0].label"] == 5
