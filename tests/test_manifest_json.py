"""`form.json` is written by `canonical_json`, which must give exactly the bytes of `json.dumps(…, indent=1)`."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.manifest import canonical_json
from site_builder.build import load_survey

ROOT = Path(__file__).resolve().parent.parent


def reference(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=40,
)


@given(json_values)
def test_any_json_data_gives_the_bytes_of_json_dumps(value: Any) -> None:
    assert canonical_json(value) == reference(value)


@pytest.mark.parametrize("spec", sorted((ROOT / "survey_specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_manifest_gives_the_bytes_of_json_dumps(spec: Path) -> None:
    _, manifest, _ = load_survey(spec, ROOT / "themes")
    assert manifest.to_json() == reference(manifest.model_dump(mode="json"))


@pytest.mark.parametrize(
    "value",
    [
        {1: "a", 2.5: "b"},  # keys that are not text: json.dumps turns them into text
        [math.nan, math.inf, -math.inf, -0.0, 1e300, 5e-324],
        {"é": 'ä\u2028\x00"\\'},
        [[[[]]], {}, [{}], {"a": {}}],
        True,
        "",
    ],
)
def test_edge_cases_give_the_bytes_of_json_dumps(value: Any) -> None:
    assert canonical_json(value) == reference(value)


def test_nesting_deeper_than_the_fast_path_still_encodes() -> None:
    value: Any = []
    for _ in range(300):
        value = [value, {"k": value}] if len(json.dumps(value)) < 1000 else [value]
    assert canonical_json(value) == reference(value)


def test_a_subclass_of_a_json_type_is_left_to_json_dumps() -> None:
    class Text(str):
        pass

    value = {"a": [Text("x"), 1]}
    assert canonical_json(value) == reference(value)
