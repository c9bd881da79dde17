"""The report's read path from a store: stored JSON parsed with orjson, straight into the tallies.

Rows were validated (`StoredResponse`) on their way into the store, and the store keeps the JSON
`StoredResponse.to_json` wrote (every field, in field order; the pydantic model it replaced wrote
the same keys in the same order), so each row is parsed with orjson and handed to
`Aggregator.add_document` without a `StoredResponse` per row. What is still checked on the way
out is the row's shape (`canonical`): the fields `StoredResponse` has, nothing else, each of the
type it must be, `received_at` in the form the store writes. A row that passes is exactly what
`parse_response` would have made of it, as far as the report reads it. A row that does not
(written by an older tool, or damaged) goes through `parse_response`: when that accepts it, it
is added as a record, so the report is the same; when it does not, the report stops with
`CorruptResponse` naming the row and its first wrong field, never skipping it silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import orjson

from functions.manifest import Manifest
from functions.report.aggregate import ALL, Aggregator
from functions.report.filters import Filters, matching, report_zone
from functions.report.ndjson import document_filter
from functions.response import ResponseInvalid, StoredResponse, parse_response

FIELDS = StoredResponse.__struct_fields__
"""A row's keys, in the order `StoredResponse.to_json` writes them (all of them, defaults too)."""
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)?")
"""`received_at` as `StoredResponse.to_json` writes it (UTC as `Z`; an offset or none from older rows)."""


@runtime_checkable
class DocumentStore(Protocol):
    """A store that can hand over a survey's rows as stored: (response_id, JSON text), oldest first."""

    def documents(
        self, survey: str, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[tuple[str, str]]: ...


class CorruptResponse(ValueError):
    """A stored row that is not a response; the message names it and what is wrong."""


def canonical(document: Any) -> bool:
    """Whether a parsed row has exactly the shape `to_json` gives a `StoredResponse`: its
    fields in its order, each of its type, `received_at` in the store's form (see the module docstring)."""
    if document.__class__ is not dict or len(document) != len(FIELDS) or tuple(document) != FIELDS:
        return False
    response_id, survey, stamp, version, lang, tp, hidden, answers, outcome, score = document.values()
    if not (
        str is response_id.__class__ is survey.__class__ is stamp.__class__ is version.__class__ is lang.__class__
        and dict is hidden.__class__ is answers.__class__
        and (tp is None or tp.__class__ is str)
        and (outcome is None or outcome.__class__ is str)
        and (score is None or score.__class__ is float or score.__class__ is int)
        and STAMP.fullmatch(stamp) is not None
    ):
        return False
    return all(value.__class__ is str for value in hidden.values())


def aggregate_stored(manifest: Manifest, store: DocumentStore, filters: Filters = ALL) -> Aggregator:
    """The aggregator of the survey's stored responses that pass `filters` (dates narrowed in the store)."""
    zone = report_zone(manifest)
    since, until = filters.window(zone)
    keep = document_filter(manifest, filters)
    aggregator = Aggregator(manifest)
    add = aggregator.add_document
    for response_id, text in store.documents(manifest.id, since, until):
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            document = None
        if document is not None and canonical(document):
            try:  # a ValueError comes from parsing received_at, before anything is counted
                if keep is None or keep(document):
                    add(document)
                continue
            except ValueError:
                pass
        for record in matching([validated(response_id, text)], filters, zone):
            aggregator.add(record)
    return aggregator


def validated(response_id: str, text: str) -> StoredResponse:
    """The row as `StoredResponse`, or `CorruptResponse` naming the row and its first problem."""
    try:
        return parse_response(text)
    except ResponseInvalid as err:
        where = err.where or "document"
        raise CorruptResponse(f"stored response {response_id} is not a response: {where}: {err.problem}") from None
