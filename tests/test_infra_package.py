"""What Lambda runs: the code zip and the dependency layer made by infra/package.py and infra/imports.py.

The strongest check here imports every handler in a separate Python that sees nothing but the
unpacked code zip, a layer assembled from the pinned requirements (and what they require), and
the libraries Lambda's runtime ships: if a handler reaches for something the zips lack, it fails
here rather than on its first request on AWS.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from infra import imports, package
from infra.deploy import check_handlers, layer_requirements
from infra.stack import DeployFailed
from infra.template import lambda_handlers, load_template

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = lambda_handlers(load_template())


def test_code_zip_holds_the_functions_package_and_is_the_same_zip_every_time(tmp_path: Path) -> None:
    first = package.build_code(ROOT, tmp_path / "first", "palaute-lahde/")
    second = package.build_code(ROOT, tmp_path / "second", "palaute-lahde/")
    assert first.key == second.key and first.key.startswith("palaute-lahde/code/functions-")
    assert first.path and second.path and first.path.read_bytes() == second.path.read_bytes()
    names = zipfile.ZipFile(first.path).namelist()
    assert "functions/collect/handler.py" in names and "functions/report/handler.py" in names
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert not any(name.startswith(("site_builder/", "tests/", "infra/")) for name in names)


def test_changed_code_gets_a_new_key(tmp_path: Path) -> None:
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "functions", copy / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    before = package.build_code(copy, tmp_path / "a", "").key
    handler = copy / "functions" / "collect" / "handler.py"
    handler.write_text(handler.read_text(encoding="utf-8") + "\n# korjattu\n", encoding="utf-8")
    assert package.build_code(copy, tmp_path / "b", "").key != before


def test_layer_zip_puts_every_package_under_python_and_leaves_scripts_out(tmp_path: Path) -> None:
    def install(requirements: list[str], target: Path) -> None:
        (target / "msgspec").mkdir(parents=True)
        (target / "msgspec" / "__init__.py").write_text("__version__ = '0.22.0'\n", encoding="utf-8")
        (target / "bin").mkdir()
        (target / "bin" / "jp.py").write_text("#!/usr/bin/env python\n", encoding="utf-8")

    layer = package.build_layer(["msgspec==0.22.0"], tmp_path, "palaute-lahde/layers/x.zip", install)
    assert layer.path is not None
    assert zipfile.ZipFile(layer.path).namelist() == ["python/msgspec/__init__.py"]


def test_layer_key_follows_the_pinned_versions_not_the_download() -> None:
    pins = ["msgspec==0.22.0", "aws_lambda_powertools==3.37.0"]
    assert package.layer_key(pins, "") == package.layer_key(list(reversed(pins)), "")
    assert package.layer_key(pins, "") != package.layer_key(["msgspec==0.22.1", pins[1]], "")


def test_layer_requirements_are_pinned_to_the_versions_tested_here() -> None:
    requirements = layer_requirements(ROOT, HANDLERS)
    names = {r.split("==")[0].lower().replace("-", "_") for r in requirements}
    assert {"msgspec", "aws_lambda_powertools"} <= names
    assert "pydantic" not in names  # only the site builder validates with pydantic; no handler needs it
    assert not names & {"boto3", "botocore"}  # Lambda's runtime has them
    for requirement in requirements:
        name, version = requirement.split("==")
        assert importlib.metadata.version(name) == version


def test_handler_that_names_a_missing_function_is_caught_before_anything_is_uploaded() -> None:
    with pytest.raises(DeployFailed) as failure:
        check_handlers(ROOT, {"CollectFunction": "functions.collect.handler.kasittele"})
    assert "defines no function kasittele" in failure.value.problems[0]
    with pytest.raises(DeployFailed):
        check_handlers(ROOT, {"ReportFunction": "functions.raportti.handler.lambda_handler"})


def test_imports_under_type_checking_and_in_strings_do_not_count(tmp_path: Path) -> None:
    module = tmp_path / "functions" / "kysely.py"
    module.parent.mkdir()
    module.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mypy_boto3_s3 import S3Client\n"
        "def lue() -> None:\n    import openpyxl\n    from . import vastaus\n"
        "'import watchfiles'\n",
        encoding="utf-8",
    )
    (tmp_path / "functions" / "vastaus.py").write_text("import segno\n", encoding="utf-8")
    seen, outside = imports.import_closure(["functions.kysely"], tmp_path)
    assert seen == {"functions", "functions.kysely", "functions.vastaus"}
    assert outside == {"typing", "openpyxl", "segno"}


def _distribution_closure(requirements: list[str]) -> set[str]:
    """The installed distributions pip would put in the layer: the pins and what they require."""
    todo = [Requirement(r).name for r in requirements]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        dist = importlib.metadata.distribution(name)
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in found:
            continue
        found.add(key)
        for spec in dist.requires or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def _copy_installed(distributions: set[str], target: Path) -> None:
    """Copy installed distributions' files (as pip would have put them) into `target`."""
    site = Path(str(importlib.metadata.distribution("msgspec").locate_file("")))
    for name in distributions:
        for file in importlib.metadata.files(name) or []:
            source = Path(str(file.locate()))
            if source.is_file() and source.is_relative_to(site) and "__pycache__" not in source.parts:
                destination = target / source.relative_to(site)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


def test_every_handler_imports_with_only_the_code_zip_the_layer_and_the_lambda_runtime(tmp_path: Path) -> None:
    requirements = layer_requirements(ROOT, HANDLERS)
    layer = package.build_layer(requirements, tmp_path / "build", "layer.zip",
                                lambda reqs, target: _copy_installed(_distribution_closure(reqs), target))  # fmt: skip
    code = package.build_code(ROOT, tmp_path / "build", "")
    assert layer.path and code.path
    zipfile.ZipFile(code.path).extractall(tmp_path / "task")  # Lambda's /var/task
    zipfile.ZipFile(layer.path).extractall(tmp_path / "opt")  # Lambda's /opt (layers)
    _copy_installed(_distribution_closure(sorted(imports.RUNTIME_PROVIDED)), tmp_path / "runtime")
    paths = [str(tmp_path / "task"), str(tmp_path / "opt" / "python"), str(tmp_path / "runtime")]
    probe = "; ".join([
        "import importlib, sys", f"sys.path[:0] = {paths!r}",
        *(f"assert callable(importlib.import_module({h.rpartition('.')[0]!r}).{h.rpartition('.')[2]})"
          for h in HANDLERS.values()),
        "leaked = [m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None) "
        f"and 'site-packages' in m.__file__ and not m.__file__.startswith({str(tmp_path)!r})]",
        "assert not leaked, leaked",
    ])  # fmt: skip
    # -S: no site-packages, so only the standard library and the three folders above are importable.
    done = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, cwd=tmp_path,
                          env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "eu-north-1"}, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
