"""The JSON report: the model as plain JSON (shape in SPEC_FORMAT.md), UTF-8, letters unescaped."""

from __future__ import annotations

import json

from functions.report.model import Report, as_json


def render_json(report: Report) -> bytes:
    return json.dumps(as_json(report), ensure_ascii=False, indent=1).encode("utf-8")
