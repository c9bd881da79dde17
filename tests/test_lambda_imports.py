"""What a Lambda cold start imports: no handler pulls in pydantic (only the site builder uses it).

Each handler module is imported in a fresh process with the environment Lambda gives it, so
module init runs as on AWS (the collect handler makes its SQS client then), and the process's
`sys.modules` is read afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_ENV = {
    "AWS_DEFAULT_REGION": "eu-north-1",
    "AWS_REGION": "eu-north-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
    "QUEUE_URL": "https://sqs.eu-north-1.amazonaws.com/123456789012/palaute-responses",
    "MANIFEST_BUCKET": "palaute-site",
    "SITE_ORIGIN": "https://surveys.example.org",
    "RESPONSES_TABLE": "palaute-responses",
    "POWERTOOLS_SERVICE_NAME": "collect",
    "POWERTOOLS_METRICS_NAMESPACE": "Palaute",
}
"""As `bench/collect.py` sets it for the cold start, and the table the store worker writes to."""
HANDLERS = ["functions.collect.handler", "functions.collect.worker", "functions.report.handler"]


def modules_after_import(module: str) -> list[str]:
    probe = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, **LAMBDA_ENV, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    names: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return names


@pytest.mark.parametrize("module", HANDLERS)
def test_a_lambda_handler_imports_without_pydantic(module: str) -> None:
    names = modules_after_import(module)
    assert module in names
    assert not [name for name in names if name == "pydantic" or name.startswith(("pydantic.", "pydantic_core"))]


def test_the_probe_sees_pydantic_where_it_is_used() -> None:
    """The check above can fail: the site builder's spec models do import pydantic."""
    assert "pydantic" in modules_after_import("site_builder.spec")
