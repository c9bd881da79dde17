"""The CloudFormation template: where it lives, and reading it with its short-form tags.

`!Ref X` and friends are YAML tags that a plain YAML loader refuses. Reading them as the long
form (`{"Ref": "X"}`, `{"Fn::GetAtt": [...]}`) gives the same structure CloudFormation itself
works with, so the deployed template (`GetTemplate`) and the local one compare like for like.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

TEMPLATE_PATH = Path(__file__).with_name("template.yaml")


class _CfnConstructor(SafeConstructor):
    """A safe constructor that also knows CloudFormation's `!Tag` short forms."""


def _intrinsic(constructor: SafeConstructor, suffix: str, node: Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, ScalarNode):
        value = constructor.construct_scalar(node)
    elif isinstance(node, SequenceNode):
        value = constructor.construct_sequence(node, deep=True)
    elif isinstance(node, MappingNode):
        value = constructor.construct_mapping(node, deep=True)
    else:  # pragma: no cover - YAML has no other node kinds
        raise ValueError(f"unexpected YAML node for !{suffix}")
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {f"Fn::{suffix}": value}


_CfnConstructor.add_multi_constructor("!", _intrinsic)


def parse_template(text: str) -> dict[str, Any]:
    """A template as CloudFormation sees it, from JSON or YAML (short-form tags included)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        document = json.loads(text)
    else:
        yaml = YAML(typ="safe", pure=True)
        yaml.Constructor = _CfnConstructor
        document = yaml.load(io.StringIO(text))
    if not isinstance(document, dict) or "Resources" not in document:
        raise ValueError("not a CloudFormation template: no Resources")
    plain: dict[str, Any] = _plain(document)
    return plain


def _plain(value: Any) -> Any:
    """ruamel's mappings and sequences as plain dicts and lists, so `==` compares content only."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def template_text(path: Path = TEMPLATE_PATH) -> str:
    return path.read_text(encoding="utf-8")


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    return parse_template(template_text(path))


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id → Properties of every resource of one type."""
    resources: dict[str, dict[str, Any]] = template["Resources"]
    return {name: r.get("Properties", {}) for name, r in resources.items() if r.get("Type") == resource_type}


def lambda_handlers(template: dict[str, Any]) -> dict[str, str]:
    """Logical id → dotted handler path (`functions.collect.handler.lambda_handler`)."""
    return {name: str(props["Handler"]) for name, props in resources_of_type(template, "AWS::Lambda::Function").items()}


def references(value: Any) -> set[str]:
    """Every parameter or resource a piece of template refers to (Ref, GetAtt, ${} in Sub)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            found.add(value["Ref"])
        if "Fn::GetAtt" in value and isinstance(value["Fn::GetAtt"], list) and value["Fn::GetAtt"]:
            found.add(str(value["Fn::GetAtt"][0]))
        sub = value.get("Fn::Sub")
        text = sub if isinstance(sub, str) else (sub[0] if isinstance(sub, list) and sub else None)
        if isinstance(text, str):
            found.update(m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text))
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found
