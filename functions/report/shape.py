"""A response line as the report reads it: msgspec Structs made from the manifest, decoded in C.

Each counted answer arrives as a hashable value (a number, a text, a tuple of option ids, a likert
Struct), so the aggregator counts a response's answers with one dict increment each, unchecked,
and checks each distinct value once, when folding (`functions/report/aggregate.py`). The types are what the counting can
take unchecked, no narrower: a line they do not fit (a boolean where a scale is expected, a list
of objects, a number past 64 bits) fails to decode, and the reader takes that line the general way
(orjson and `Aggregator.add_document`), so it is counted, skipped or reported exactly as before.
Booleans are kept out of every counted type but consent's because True == 1 would share a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Annotated, Any, Literal

import msgspec

from functions.manifest import Manifest, Question
from functions.response import UNKNOWN_TOUCHPOINT

SCALAR = int | float | str | None
"""A counted answer that is no list or object; booleans are left to the general path."""
NUMBER = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)] | float | str | None
"""orjson reads an integer past 64 bits as a float: a line with one past 63 goes the general path."""
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?"
"""`received_at` as `StoredResponse.to_json` writes it (UTC as `Z`; an offset or none from older rows)."""
SURVEY = attrgetter("survey")
"""A decoded line's survey: the readers keep the lines whose survey is the report's."""
COUNTED_TYPES = {"nps", "csat", "ces", "rating", "single_choice", "multi_choice", "likert", "consent"}
TEXT_TYPES = {"text", "email"}


@dataclass(frozen=True)
class Layout:
    """The order of a line's answers (`msgspec.structs.astuple` of its Answers Struct): answers counted
    by value, then `number` answers, then free text (text, email, then each `<id>.other`). Plain
    data, so an aggregator that holds it still pickles (the Structs themselves are made per process)."""

    counted: tuple[str, ...]
    numbers: tuple[str, ...]
    texts: tuple[str, ...]
    others: tuple[str, ...]
    """single_choice questions with an "other" text; their `<id>.other` fields close the line."""

    @property
    def width(self) -> int:
        return len(self.counted) + len(self.numbers) + len(self.texts) + len(self.others)


def layout(manifest: Manifest) -> Layout:
    questions = [q for q in manifest.questions if q.answers]
    others = tuple(q.id for q in questions if q.type == "single_choice" and q.other)
    return Layout(
        tuple(q.id for q in questions if q.type in COUNTED_TYPES),
        tuple(q.id for q in questions if q.type == "number"),
        tuple(q.id for q in questions if q.type in TEXT_TYPES),
        others,
    )


class LineShape:
    """The decoders of NDJSON lines into Structs laid out as `layout(manifest)`; both are None when
    the answers cannot be laid out so (an `<id>.other` key that is also a question's id).

    `decoder` takes any line the counting can take unchecked. `known` takes only the lines whose
    survey, touchpoint, language and chosen options are the manifest's own, and gives each of
    those values as one string object, the same for every line (the one its `Literal` holds): no
    string made per line, its hash already known, and a cell's key or an answer's count found by
    identity. A block `known` refuses (a touchpoint since removed, another survey's lines) is
    decoded again by `decoder`.

    `stored` is for a store's rows, which must stop the report when `parse_response` would refuse
    them (`functions/report/documents.py`): then every field `StoredResponse` has is decoded as
    strictly as it decodes it, or more (no other field, no null hidden value, `received_at` in the
    store's form), so a row these decoders take is one `parse_response` takes too."""

    def __init__(self, manifest: Manifest, *, stored: bool = False) -> None:
        self.layout = layout(manifest)
        names = [*self.layout.counted, *self.layout.numbers, *self.layout.texts]
        names += [qid + ".other" for qid in self.layout.others]
        self.decoder: msgspec.json.Decoder[Any] | None = None
        self.known: msgspec.json.Decoder[Any] | None = None
        if len(set(names)) == len(names):
            self.decoder = _decoder(manifest, names, len(self.layout.others), stored=stored, known=False)
            self.known = _decoder(manifest, names, len(self.layout.others), stored=stored, known=True)
        self._tries = self._misses = 0

    def decode_lines(self, block: bytes | str) -> list[Any]:
        """The block's lines, by `known` while it takes most blocks (a file of other surveys' lines
        soon stops trying it), else by `decoder`; raises as msgspec does (a DecodeError)."""
        if self.known is not None and self._misses * 4 <= self._tries + 8:
            self._tries += 1
            try:
                return self.known.decode_lines(block)
            except msgspec.DecodeError:  # ValidationError is one
                self._misses += 1
        if self.decoder is None:
            raise msgspec.DecodeError("these answers cannot be laid out as a line")
        return self.decoder.decode_lines(block)


def _decoder(
    manifest: Manifest, names: list[str], others: int, *, stored: bool, known: bool
) -> msgspec.json.Decoder[Any]:
    by_id = {q.id: q for q in manifest.questions}
    fields: list[tuple[str, Any, Any]] = []
    for position, name in enumerate(names):
        question = by_id.get(name) if position < len(names) - others else None
        fields.append((f"a{position}", _answer_type(question, known), None))
    answers = msgspec.defstruct("Answers", fields, rename={f"a{i}": name for i, name in enumerate(names)}, gc=False)
    hidden = msgspec.defstruct(
        "Hidden",
        [(f"h{i}", str if stored else str | None, None) for i in range(len(manifest.hidden))],
        rename={f"h{i}": name for i, name in enumerate(manifest.hidden)},
        frozen=True,
        forbid_unknown_fields=stored,
        gc=False,
    )
    lang: Any = Literal[tuple(manifest.languages)] if known else str
    tp: Any = Literal[(*(t.id for t in manifest.touchpoints), UNKNOWN_TOUCHPOINT)] | None if known else str | None
    survey: Any = Literal[manifest.id] if known else str
    line_fields: list[tuple[Any, ...]] = [("survey", survey), ("received_at", str), ("lang", lang)]
    if stored:
        line_fields = [
            ("survey", survey),
            ("received_at", Annotated[str, msgspec.Meta(pattern=f"^{STAMP}\\Z")]),
            ("lang", lang),
            ("response_id", str),
            ("manifest_version", str),
            ("answers", answers),
            ("tp", tp, None),
            ("hidden", hidden, msgspec.field(default_factory=hidden)),
            ("outcome", str | None, None),
            ("score", float | None, None),
        ]
    else:
        line_fields += [
            ("response_id", str | None, None),
            ("tp", tp, None),
            ("hidden", hidden | None, None),
            ("answers", answers, msgspec.field(default_factory=answers)),
            ("outcome", str | None, None),
        ]
    line = msgspec.defstruct("Line", line_fields, forbid_unknown_fields=stored, gc=False)
    return msgspec.json.Decoder(line)


def _answer_type(question: Question | None, known: bool) -> Any:
    if question is None or question.type in TEXT_TYPES:
        return Any  # free text: looked at only when present, never counted by value
    if question.type == "number":
        return NUMBER
    if question.type == "consent":
        return bool | None
    options: Any = str
    if known and question.type in ("single_choice", "multi_choice"):
        options = Literal[(*(option.id for option in question.options), *(["other"] if question.other else []))]
    if question.type == "multi_choice":
        return tuple[options, ...] | int | float | options | None
    if question.type == "single_choice":
        return int | float | options | None
    if question.type == "likert":
        rows = msgspec.defstruct(
            "Likert",
            [(f"r{i}", SCALAR, None) for i in range(len(question.rows))],
            rename={f"r{i}": row.id for i, row in enumerate(question.rows)},
            frozen=True,
            gc=False,
        )
        return rows | SCALAR
    return SCALAR
