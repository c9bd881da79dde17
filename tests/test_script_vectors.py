"""The survey script's `show_if` agrees with functions/conditions.py on every shared vector, run by Node.

Node runs the very file pages load (minified, hashed), so a minifier that broke the code fails here
too. The browser half of the same check is tests/browser/test_script_show_if.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from site_builder.script import survey_script

HERE = Path(__file__).parent
VECTORS = HERE / "fixtures" / "show_if_vectors.json"
CASES: list[dict[str, Any]] = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
NODE = shutil.which("node")


@pytest.fixture(scope="module")
def node_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if NODE is None:
        pytest.skip("node is not installed: the browser suite runs the same vectors in Chromium")
    script = tmp_path_factory.mktemp("script") / survey_script().name
    script.write_bytes(survey_script().data)
    run = subprocess.run([NODE, str(HERE / "show_if_vectors.mjs"), str(script), str(VECTORS)],
                         capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    return {result["name"]: result["shows"] for result in json.loads(run.stdout)}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_script_decides_each_shared_vector_as_the_server_does(
    node_results: dict[str, Any], case: dict[str, Any]
) -> None:
    assert node_results[case["name"]] is case["shows"]


def test_every_vector_was_run(node_results: dict[str, Any]) -> None:
    assert sorted(node_results) == sorted(case["name"] for case in CASES)
