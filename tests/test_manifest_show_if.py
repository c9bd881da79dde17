"""A question's `show_if` in `form.json`: a condition, `all` or `any`, told apart by its keys alone.

The three forms carry no tag, so the manifest decodes each by the key it has (`question`, `all`,
`any`), at any depth; what it writes back is the same JSON. A `show_if` of none of the three
forms, or a wrong part deep inside one, makes the whole manifest invalid, naming where.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from collect_data import cafe_manifest
from msgspec.structs import replace

from functions.manifest import AllOf, AnyOf, Condition, Manifest, ManifestInvalid, ShowIf, parse_manifest

LOW_SCORE = {"question": "recommend", "op": "lte", "value": 6}
CHOSE_SERVICE = {"question": "topics", "op": "includes", "value": ["service", "pastries"]}
LUNCH = {"question": "visit", "op": "eq", "value": "lunch"}
MANY_VISITS = {"question": "visits", "op": "gt", "value": 2.5}
NESTED = {"all": [LOW_SCORE, {"any": [CHOSE_SERVICE, LUNCH, {"all": [MANY_VISITS]}]}]}


def with_show_if(show_if: Any) -> str:
    """The café survey's `form.json` with `show_if` (raw JSON) on its `improve` question (index 1)."""
    document = json.loads(cafe_manifest().to_json())
    assert document["questions"][1]["id"] == "improve"
    document["questions"][1]["show_if"] = show_if
    return json.dumps(document, ensure_ascii=False)


def improve(manifest: Manifest) -> ShowIf | None:
    return manifest.questions[1].show_if


@pytest.mark.parametrize(
    ("raw", "form"),
    [(LOW_SCORE, Condition), ({"all": [LOW_SCORE, LUNCH]}, AllOf), ({"any": [CHOSE_SERVICE, LUNCH]}, AnyOf)],
    ids=["condition", "all", "any"],
)
def test_each_form_is_decoded_by_its_key_and_written_back_as_the_same_json(raw: dict[str, Any], form: type) -> None:
    manifest = parse_manifest(with_show_if(raw))
    assert isinstance(improve(manifest), form)
    assert json.loads(manifest.to_json())["questions"][1]["show_if"] == raw
    assert parse_manifest(manifest.to_json()) == manifest


def test_forms_nest_at_any_depth() -> None:
    show_if = improve(parse_manifest(with_show_if(NESTED)))
    assert isinstance(show_if, AllOf)
    low, either = show_if.all
    assert low == Condition(question="recommend", op="lte", value=6)
    assert isinstance(either, AnyOf)
    chose, lunch, deeper = either.any
    assert chose == Condition(question="topics", op="includes", value=["service", "pastries"])
    assert lunch == Condition(question="visit", op="eq", value="lunch")
    assert deeper == AllOf(all=[Condition(question="visits", op="gt", value=2.5)])


def test_a_manifest_built_in_code_writes_the_same_show_if_json() -> None:
    built = AllOf(all=[Condition(question="recommend", op="lte", value=6), AnyOf(any=[Condition(**LUNCH)])])
    questions = [replace(q, show_if=built) if q.id == "improve" else q for q in cafe_manifest().questions]
    text = replace(cafe_manifest(), questions=questions).to_json()
    assert json.loads(text)["questions"][1]["show_if"] == {"all": [LOW_SCORE, {"any": [LUNCH]}]}
    assert improve(parse_manifest(text)) == built


def test_no_show_if_is_null_and_reads_back_as_none() -> None:
    manifest = parse_manifest(with_show_if(None))
    assert improve(manifest) is None
    assert json.loads(manifest.to_json())["questions"][1]["show_if"] is None


@pytest.mark.parametrize(
    ("show_if", "where"),
    [
        ({"op": "eq", "value": 1}, "questions.1.show_if: expected a condition"),
        ("recommend <= 6", "questions.1.show_if: expected a condition"),
        ({"all": [LOW_SCORE, {"kaikki": []}]}, "questions.1.show_if.all.1: expected a condition"),
        ({"all": [LOW_SCORE, {"any": [{"question": "visit", "op": "eq"}]}]}, "questions.1.show_if.all.1.any.0.value: "),
        ({"any": [{"question": "visit", "op": "on", "value": "lunch"}]}, "questions.1.show_if.any.0.op: "),
        ({"any": "lunch"}, "questions.1.show_if.any: "),
        ({**LOW_SCORE, "all": [LUNCH]}, "questions.1.show_if.all: unknown field"),
        ({"question": "visit", "op": "eq", "value": {"fi": "lounas"}}, "questions.1.show_if.value: "),
    ],
    ids=[
        "no-form",
        "not-an-object",
        "nested-no-form",
        "nested-missing-value",
        "unknown-operator",
        "all-not-a-list",
        "two-forms-at-once",
        "value-an-object",
    ],
)
def test_a_wrong_show_if_makes_the_manifest_invalid_naming_where(show_if: Any, where: str) -> None:
    with pytest.raises(ManifestInvalid) as caught:
        parse_manifest(with_show_if(show_if))
    assert str(caught.value).startswith(where), str(caught.value)
    assert isinstance(caught.value, ValueError)
