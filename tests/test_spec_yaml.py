"""Specs and themes are read as YAML 1.2 (the core schema), with every key's line kept for problems.

The loader is PyYAML's libyaml parser; ruamel.yaml, which the build used before, is the reference
it is checked against: the same data, and the same line for every key and list item.
"""

from __future__ import annotations

import math
import textwrap
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from site_builder import load
from site_builder.load import YamlDocument, parse_yaml, read_yaml
from site_builder.problems import BuildFailed, Problem

ROOT = Path(__file__).resolve().parent.parent
YAML_FILES = sorted(
    path
    for folder in ("survey_specs", "themes", "tests/fixtures", "site_builder/themes")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".yaml", ".yml")
)
INLINE = {
    "kahvila": """\
        id: kahvila-palaute
        theme: kauppaketju
        languages: [fi, sv]
        opens: 2026-12-01
        closes: 2027-01-31
        title: {fi: Kerro käynnistäsi, sv: Berätta om ditt besök}
        questions:
          - id: recommend
            type: nps
            required: yes
            text: {fi: Suosittelisitko meitä?, sv: Skulle du rekommendera oss?}
          - &visit
            id: visit
            type: single_choice
            text: {fi: Mitä tulit hakemaan?, sv: Vad kom du för?}
            options:
              - {id: coffee, label: {fi: Kahvia, sv: Kaffe}}
              - {id: "no", label: {fi: Ei mitään, sv: Inget}}
          - <<: *visit
            id: visit_again
        thanks: |
          Kiitos!
          Tack!
        """,
    "messu": """\
        # kioski messuilla
        id: messu
        hidden: [store, on, off, y, n]
        numbers: [010, 0o10, 0x1F, 1_000, -3, +4, 1.5, .5, 1e3, -.inf, .NaN, 1:30, 12:30:00]
        nulls: [~, null, Null, '', ""]
        times: [2026-12-01T09:30:00Z, 2026-12-01 09:30:00.5 +02:00, 2026-1-2T03:04:05]
        "1": numeric text key
        2: numeric key
        true: a boolean key
        """,
}


def plain(node: Any) -> Any:
    """ruamel's round-trip values as plain Python values (what the build used to hand pydantic)."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    if isinstance(node, datetime):
        return datetime(*node.timetuple()[:6], node.microsecond, node.tzinfo)
    if isinstance(node, date):
        return date(node.year, node.month, node.day)
    for kind in (bool, int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


def same(left: Any, right: Any) -> bool:
    """Equal data, where NaN equals NaN and a value's type counts (True is not 1)."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right):
        return True
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


def ruamel_lines(node: Any, path: tuple[str | int, ...] = ()) -> dict[tuple[str | int, ...], int]:
    """Every key and list item with the line ruamel's round-trip loader puts it on."""
    found: dict[tuple[str | int, ...], int] = {}
    if isinstance(node, CommentedMap):
        for key in node:
            if key not in node.lc.data:
                continue  # a key merged in with <<: it stands where its anchor is
            found[(*path, str(key))] = node.lc.key(key)[0] + 1
            found.update(ruamel_lines(node[key], (*path, str(key))))
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            found[(*path, index)] = node.lc.item(index)[0] + 1
            found.update(ruamel_lines(item, (*path, index)))
    return found


def sources() -> list[tuple[str, str]]:
    files = [(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")) for path in YAML_FILES]
    return files + [(f"inline:{name}", textwrap.dedent(text)) for name, text in INLINE.items()]


def parsed(text: str) -> YamlDocument:
    return parse_yaml(Path("kysely.yaml"), text)


def problem_of(text: str) -> Problem:
    with pytest.raises(BuildFailed) as failure:
        parsed(textwrap.dedent(text))
    (problem,) = failure.value.problems
    return problem


def test_the_repository_holds_specs_themes_and_fixtures_to_compare() -> None:
    folders = {path.relative_to(ROOT).parts[0] for path in YAML_FILES}
    assert {"survey_specs", "themes", "tests"} <= folders
    assert len(YAML_FILES) >= 10


@pytest.mark.parametrize(("name", "text"), sources(), ids=[name for name, _ in sources()])
def test_every_spec_and_theme_reads_as_ruamel_read_it(name: str, text: str) -> None:
    assert same(parsed(text).data, plain(YAML(typ="rt").load(text)))
    assert same(parsed(text).data, plain(YAML(typ="safe", pure=True).load(text)))


@pytest.mark.parametrize(("name", "text"), sources(), ids=[name for name, _ in sources()])
def test_every_key_and_list_item_is_located_on_the_line_ruamel_gave(name: str, text: str) -> None:
    document = parsed(text)
    expected = ruamel_lines(YAML(typ="rt").load(text))
    assert expected, "a document with keys to locate"
    for path, line in expected.items():
        assert document.locate(path) == (list(path), line), path


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("no", "no"),
        ("No", "No"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("yes", "yes"),
        ("true", True),
        ("False", False),
        ("1:30", "1:30"),
        ("010", 10),
        ("0o10", 8),
        ("0x1F", 31),
        ("0b101", 5),
        ("1_000", 1000),
        ("+12", 12),
        ("-7", -7),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("~", None),
        ("null", None),
        ("", None),
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-12-01T09:30:00Z", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        ("2026-12-01 09:30:00 +02:00", datetime(2026, 12, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))),
        ("2026-12-01T09:30:00", datetime(2026, 12, 1, 9, 30)),
        ("'no'", "no"),
        ('"010"', "010"),
        ("!!str 2026-12-01", "2026-12-01"),
        ("!!float 1", 1.0),
    ],
)
def test_plain_scalars_follow_yaml_1_2_not_1_1(scalar: str, value: Any) -> None:
    assert same(parsed(f"value: {scalar}\n").data, {"value": value})


def test_not_a_number_is_a_float() -> None:
    assert math.isnan(parsed("value: .nan\n").data["value"])


def test_a_key_written_twice_names_both_lines() -> None:
    problem = problem_of(
        """\
        id: kahvila
        title: {fi: Kahvila}
        theme: kauppaketju
        title: {fi: Kahvila Helsinki}
        """
    )
    assert problem.line == 4
    assert 'found duplicate key "title" (first at line 2)' in problem.message
    assert problem.message.startswith("is not valid YAML")


def test_a_nested_duplicate_key_names_its_own_line() -> None:
    problem = problem_of(
        """\
        questions:
          - id: recommend
            type: nps
            id: reason
        """
    )
    assert (problem.line, "duplicate key" in problem.message) == (4, True)


def test_an_anchor_merged_twice_is_not_a_duplicate() -> None:
    document = parsed("base: &base {type: nps, required: true}\nq: {<<: [*base, {type: csat}], id: q}\n")
    assert document.data["q"] == {"id": "q", "type": "nps", "required": True}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: kahvila\ntitle: {fi: [Kerro\nthanks: Kiitos\n", 3),
        ("id: kahvila\nquestions:\n  - id: a\n   type: nps\n", 4),
        ('id: kahvila\ntitle: "Kerro\n', 3),
        ("id: kahvila\n\ttheme: x\n", 2),
        ("id: kahvila\n---\nid: toinen\n", 2),
        ("id: kahvila\nmax: !!int kymmenen\n", 2),
        ("id: kahvila\nwhen: !!timestamp huomenna\n", 2),
        ("id: kahvila\ncolour: !vari punainen\n", 2),
        ("id: kahvila\n? [a, b]\n: c\n", 2),
    ],
)
def test_a_syntax_error_names_its_line(text: str, line: int) -> None:
    problem = problem_of(text)
    assert problem.message.startswith("is not valid YAML: ")
    assert problem.line == line


def test_syntax_errors_stand_on_the_line_ruamel_named() -> None:
    for text in ("a: [1\nb: 2\n", "a:\n  - b\n c: d\n", 'a: "x\n', "a: 1\na: 2\n", "a: {b: 1, b: 2}\n"):
        with pytest.raises(Exception) as reference:
            YAML(typ="rt").load(text)
        with pytest.raises(BuildFailed) as failure:
            parsed(text)
        mark = getattr(reference.value, "problem_mark", None)
        assert mark is not None
        assert failure.value.problems[0].line == mark.line + 1, text


def test_an_empty_file_is_no_data_and_has_no_line() -> None:
    document = parsed("# vain kommentti\n")
    assert document.data is None
    assert document.locate(("id",)) == ([], None)


def test_a_missing_key_is_located_at_the_mapping_that_should_hold_it() -> None:
    document = parsed("id: kahvila\nquestions:\n  - id: a\n    type: nps\n  - id: b\n    type: csat\n")
    assert document.locate(("questions", 1, "text")) == (["questions", 1, "text"], 5)
    assert document.locate(("questions", 7, "text")) == (["questions"], 2)
    assert document.locate(("questions", 1, "csat", "text"), tagged=True) == (["questions", 1, "text"], 5)


def test_key_lines_name_every_key_and_list_item() -> None:
    document = parsed("name: Lähde\ncolors:\n  primary: '#00704A'\nfonts:\n  - family: Inter\n    file: inter.woff2\n")
    assert document.key_lines() == {
        "name": 1,
        "colors": 2,
        "colors.primary": 3,
        "fonts": 4,
        "fonts[0]": 5,
        "fonts[0].family": 5,
        "fonts[0].file": 6,
    }


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "kahvila.yaml"
    path.write_bytes("title: Käynti\n".encode("latin-1"))
    with pytest.raises(BuildFailed) as failure:
        read_yaml(path)
    assert "is not UTF-8 text" in failure.value.problems[0].message


def test_the_loader_reads_the_same_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "_CoreSchemaLoader", load._core_schema(load._PurePython))
    for name, text in sources():
        assert same(parsed(text).data, plain(YAML(typ="rt").load(text))), name
    problem = problem_of("id: kahvila\ntitle: {fi: [Kerro\nthanks: Kiitos\n")
    assert problem.line == 3


def test_libyaml_does_the_parsing_when_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml")
    assert issubclass(load._CoreSchemaLoader, yaml.CSafeLoader)
