"""The body of a posted response, read defensively: size first, then encoding, then syntax.

Everything here turns bad input into a `Problem` or a status, never an exception, because a
client mistake must be answered with 4xx and never a 500. A form post is turned into the same
payload shape as the JSON body (see the brief's answer encoding), so validation has one input.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import parse_qsl

from functions.collect.problem import Problem
from functions.manifest import SCALE_TYPES, Manifest

BodyKind = Literal["json", "form"]
MAX_FORM_FIELDS = 1000
NUMBER = re.compile(r"^\s*-?\d+(?:[.,]\d+)?\s*$")
TICKED = frozenset({"on", "true", "yes", "1"})


class TooLarge(Exception):
    """The body is over the limit; raised before it is decoded or parsed."""


def content_kind(headers: Mapping[str, str]) -> BodyKind | None:
    """JSON or form by `Content-Type`; None for anything else (answered 415).

    A charset other than UTF-8 is refused too: the body would be decoded wrongly otherwise.
    """
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    media, *params = [part.strip().lower() for part in value.split(";")]
    charset = next((p.split("=", 1)[1].strip('"') for p in params if p.startswith("charset=")), "utf-8")
    if charset not in ("utf-8", "utf8"):
        return None
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    return None


def body_bytes(event: Mapping[str, Any], limit: int) -> bytes | Problem:
    """The raw body; raises `TooLarge` over `limit` bytes, checked before decoding base64."""
    body = event.get("body") or ""
    if not isinstance(body, str):
        return Problem("body", "body_utf8")
    if event.get("isBase64Encoded"):
        if len(body) > (limit + 3) // 3 * 4 + 4:
            raise TooLarge
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            return Problem("body", "body_base64")
    else:
        if len(body) > limit:  # characters ≤ bytes, so this never lets an oversize body through
            raise TooLarge
        try:
            raw = body.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates smuggled in through a JSON event
            return Problem("body", "body_utf8")
    if len(raw) > limit:
        raise TooLarge
    return raw


def _text(raw: bytes) -> str | Problem:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return Problem("body", "body_utf8")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(raw: bytes) -> Any | Problem:
    text = _text(raw)
    if isinstance(text, Problem):
        return text
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        return Problem("body", "body_json", {"detail": "nested too deeply"})
    except ValueError as err:  # JSONDecodeError, NaN/Infinity, integers of thousands of digits
        return Problem("body", "body_json", {"detail": str(err)[:120]})


def _number(text: str) -> Any:
    if not text.strip():
        return None
    if not NUMBER.match(text):
        return text  # validation names it: `expected a whole number from 0 to 10, got "abc"`
    plain = text.strip().replace(",", ".")
    return float(plain) if "." in plain else int(plain)


def _form_answer(manifest: Manifest, name: str, value: str, answers: dict[str, Any]) -> None:
    qid, _, part = name.partition(".")
    question = manifest.question(qid)
    if question is None or (part and not (question.type == "likert" or part == "other")):
        answers[name] = value  # refused by validation as an unknown question
    elif question.type == "likert" and part:
        rows = answers.setdefault(qid, {})
        if isinstance(rows, dict):
            rows[part] = _number(value)
    elif part:
        answers[name] = value
    elif question.type == "multi_choice":
        chosen = answers.setdefault(qid, [])
        if value and isinstance(chosen, list):
            chosen.append(value)
    elif question.type in SCALE_TYPES or question.type == "number":
        answers[qid] = _number(value)
    elif question.type == "consent":
        answers[qid] = True if value.strip().lower() in TICKED else (value or None)
    else:
        answers[qid] = value


def parse_form(manifest: Manifest, raw: bytes) -> dict[str, Any] | Problem:
    """Form fields as the JSON payload: `<id>` (repeated for multi_choice), `<id>.<row>`, `hidden.<name>`."""
    text = _text(raw)
    if isinstance(text, Problem):
        return text
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                          max_num_fields=MAX_FORM_FIELDS)  # fmt: skip
    except (UnicodeDecodeError, ValueError) as err:
        return Problem("body", "body_form", {"detail": str(err)[:120]})
    payload: dict[str, Any] = {"answers": {}}
    for name, value in pairs:
        if name in ("response_id", "lang", "tp", "website"):
            payload[name] = value
        elif name.startswith("hidden."):
            payload.setdefault("hidden", {})[name.removeprefix("hidden.")] = value
        else:
            _form_answer(manifest, name, value, payload["answers"])
    return payload
