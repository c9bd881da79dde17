"""Property: whatever a client sends to whatever survey, the handler answers, and never with a 5xx."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from collect_data import BRAND, NOW, t
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_collect_handler import ListQueue, form_post, json_post

from functions.collect.handler import CollectDeps, handle
from functions.collect.validation import Accepted, validate_submission
from functions.manifest import Condition, Manifest, Page, Question, Touchpoint
from functions.response import parse_response

TYPES = ["nps", "csat", "ces", "rating", "single_choice", "multi_choice", "likert", "text", "email", "number",
         "consent", "info"]  # fmt: skip
WORDS = st.sampled_from(["kahvi", "pulla", "palvelu", "hinta", "kassa", "other", "", "9", "ääkköset", "√", "0"])
scalars = st.one_of(st.none(), st.booleans(), st.integers(-20, 20), st.floats(allow_nan=False, allow_infinity=False),
                    WORDS, st.text(max_size=30))  # fmt: skip
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(WORDS, inner, max_size=4),
                      max_leaves=12)  # fmt: skip


@st.composite
def questions(draw: st.DrawFn, index: int, earlier: list[str]) -> Question:
    kind = draw(st.sampled_from(TYPES))
    qid = f"q{index}"
    fields: dict[str, Any] = {"id": qid, "type": kind, "page": 0, "text": t("Kysymys", "Fråga", "Question"),
                              "required": draw(st.booleans())}  # fmt: skip
    if kind == "info":
        fields |= {"text": {}, "required": False}
    if kind in ("rating", "likert", "number"):
        low = draw(st.integers(0, 3))
        fields |= {"min": low, "max": low + draw(st.integers(1, 7))}
    if kind in ("single_choice", "multi_choice"):
        choices = st.sampled_from(["kahvi", "pulla", "palvelu", "hinta"])
        ids = draw(st.lists(choices, min_size=1, max_size=4, unique=True))
        fields["options"] = [{"id": i, "label": t(i, i, i), "score": draw(st.none() | st.integers(0, 3))} for i in ids]
        fields["other"] = draw(st.booleans())
    if kind == "likert":
        fields["rows"] = [{"id": "henkilokunta", "label": t("Henkilökunta", "Personalen", "Staff")},
                          {"id": "nopeus", "label": t("Nopeus", "Snabbhet", "Speed")}]  # fmt: skip
    if earlier and draw(st.booleans()):
        fields["show_if"] = Condition(
            question=draw(st.sampled_from(earlier)),
            op=draw(st.sampled_from(["eq", "lte", "gt", "includes", "in"])),
            value=draw(st.one_of(st.integers(0, 10), WORDS, st.lists(WORDS, max_size=2))),
        )
    return msgspec.convert(fields, Question)  # checked and typed as a decoded form.json would be


@st.composite
def manifests(draw: st.DrawFn) -> Manifest:
    count = draw(st.integers(1, 6))
    built: list[Question] = []
    for index in range(count):
        built.append(draw(questions(index, [q.id for q in built if q.type != "info"])))
    return Manifest(id="ominaisuus", version="p1", theme="sumppi", brand=BRAND, languages=["fi", "sv"],
                    title=t("Testi", "Test", "Test"), thanks=t("Kiitos", "Tack", "Thanks"),
                    touchpoints=[Touchpoint(id="kassa", label=t("Kassa", "Kassan", "Counter"))], hidden=["kampanja"],
                    pages=[Page(questions=[q.id for q in built])], questions=built)  # fmt: skip


@st.composite
def payloads(draw: st.DrawFn, manifest: Manifest) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(values)  # anything at all
    ids = [q.id for q in manifest.questions] + ["tuntematon", "q0.other", "q1.henkilokunta"]
    answers = draw(st.dictionaries(st.sampled_from(ids), values, max_size=len(ids)))
    payload: dict[str, Any] = {"answers": answers}
    for key, strategy in (("lang", st.sampled_from(["fi", "sv", "de", ""]) | values),
                          ("tp", st.sampled_from(["kassa", "muu"]) | values),
                          ("response_id", st.uuids().map(str) | values),
                          ("hidden", st.dictionaries(st.sampled_from(["kampanja", "utm"]), values, max_size=2)),
                          ("website", st.sampled_from(["", "http://roskaa.example"]))):  # fmt: skip
        if draw(st.booleans()):
            payload[key] = draw(strategy)
    return payload


class OneManifest:
    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest

    def get(self, survey_id: str) -> Manifest | None:
        return self.manifest if survey_id == self.manifest.id else None


def deps_for(manifest: Manifest) -> CollectDeps:
    return CollectDeps(manifests=OneManifest(manifest), queue=ListQueue(), clock=lambda: NOW)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_json_posts_never_raise_and_never_answer_5xx(data: st.DataObject) -> None:
    manifest = data.draw(manifests())
    payload = data.draw(payloads(manifest))
    outcome = validate_submission(manifest, payload, NOW)
    if isinstance(outcome, Accepted):
        assert parse_response(outcome.response.to_json()) == outcome.response  # what is accepted can be stored
    response = handle(json_post(payload, survey=manifest.id), None, deps_for(manifest))
    assert response["statusCode"] in (202, 400), response["body"][:300]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_form_posts_never_raise_and_never_answer_5xx(data: st.DataObject) -> None:
    manifest = data.draw(manifests())
    names = [q.id for q in manifest.questions] + ["lang", "tp", "hidden.kampanja", "website", "q0.other",
                                                  "q1.henkilokunta", "response_id", "tuntematon"]  # fmt: skip
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(names), WORDS | st.text(max_size=20)), max_size=12))
    event = form_post([], survey=manifest.id)
    event["body"] = urlencode(pairs)
    response = handle(event, None, deps_for(manifest))
    assert response["statusCode"] in (303, 400), response["body"][:300]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_answered_400_or_accepted(raw: bytes) -> None:
    manifest = Manifest(id="ominaisuus", version="p1", theme="sumppi", brand=BRAND, languages=["fi"],
                        title={"fi": "Testi"}, thanks={"fi": "Kiitos"}, pages=[Page(questions=[])],
                        questions=[])  # fmt: skip
    response = handle(json_post(None, survey="ominaisuus", raw=raw), None, deps_for(manifest))
    assert response["statusCode"] in (202, 400)
