"""`form.json` is canonical: the same survey always gives the same bytes, and they read back as the same manifest."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from functions.manifest import parse_manifest
from site_builder.build import load_survey

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "survey_specs").glob("*.yaml"))


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_manifest_reads_back_as_itself(spec: Path) -> None:
    _, manifest, _ = load_survey(spec, ROOT / "themes")
    text = manifest.to_json()
    assert parse_manifest(text) == manifest
    assert json.loads(text) == msgspec.to_builtins(manifest)


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_keys_are_sorted_at_every_level_so_the_bytes_do_not_depend_on_field_order(spec: Path) -> None:
    _, manifest, _ = load_survey(spec, ROOT / "themes")
    text = manifest.to_json()

    def sorted_everywhere(value: object) -> bool:
        if isinstance(value, dict):
            return list(value) == sorted(value) and all(sorted_everywhere(v) for v in value.values())
        if isinstance(value, list):
            return all(sorted_everywhere(v) for v in value)
        return True

    assert sorted_everywhere(json.loads(text))
    assert text == parse_manifest(text).to_json()  # written again, byte for byte
    assert text.endswith("}\n") and "\n  " in text  # one object, indented, a final newline


def test_text_in_any_script_is_written_as_utf8_not_escaped() -> None:
    _, manifest, _ = load_survey(ROOT / "survey_specs" / "lahde-asiakaskokemus.yaml", ROOT / "themes")
    text = manifest.to_json()
    assert "ä" in text and "\\u00e4" not in text
