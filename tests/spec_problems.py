"""What the build says of one spec file: every problem, from YAML parsing through the cross-checks."""

from __future__ import annotations

from pathlib import Path

from site_builder.crosscheck import crosscheck
from site_builder.load import read_yaml, validate
from site_builder.problems import BuildFailed, Problem
from site_builder.spec import SurveySpec


def spec_problems(folder: Path, name: str, text: str) -> list[Problem]:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        document = read_yaml(path)
        return crosscheck(validate(document, SurveySpec), document)
    except BuildFailed as failure:
        return failure.problems
