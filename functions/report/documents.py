"""The report's read path from a store: stored rows decoded in batches straight into the tallies.

Rows were validated (`StoredResponse`) on their way into the store, and the store keeps the JSON
`StoredResponse.to_json` wrote. ROWS rows at a time are joined and decoded in one msgspec call
into Structs made from the manifest (`LineShape(stored=True)`) and counted by
`Aggregator.add_lines`, as an NDJSON export is (`functions/report/ndjson.py`). That decoder takes
only rows `parse_response` would take: every field of `StoredResponse` of its type, no other
field, `received_at` in the store's form. A batch it refuses is taken row by row: a row parsed
with orjson whose shape passes `canonical` (the fields `StoredResponse` has, nothing else, each
of the type it must be) is handed to `Aggregator.add_document`; any other row (written by an
older tool, or damaged) goes through `parse_response`: when that accepts it, it is added as a
record, so the report is the same; when it does not, the report stops with `CorruptResponse`
naming the row and its first wrong field, never skipping it silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import msgspec
import orjson

from functions.manifest import Manifest
from functions.report.aggregate import ALL, Aggregator
from functions.report.filters import Filters, matching, report_zone
from functions.report.ndjson import document_filter
from functions.report.shape import STAMP as STORED_STAMP
from functions.report.shape import SURVEY, LineShape
from functions.response import ResponseInvalid, StoredResponse, parse_response

FIELDS = StoredResponse.__struct_fields__
"""A row's keys, in the order `StoredResponse.to_json` writes them (all of them, defaults too)."""
STAMP = re.compile(STORED_STAMP)
ROWS = 256
"""Rows decoded in one msgspec call: about 100 KB, whose Structs stay in a core's cache (as `ndjson.BLOCK`)."""


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
    since, until = filters.window(report_zone(manifest))
    rows = _Rows(manifest, filters)
    aggregator = Aggregator(manifest)
    batch: list[tuple[str, str]] = []
    for row in store.documents(manifest.id, since, until):
        batch.append(row)
        if len(batch) == ROWS:
            rows.add(aggregator, batch)
            batch = []
    rows.add(aggregator, batch)
    return aggregator


class _Rows:
    """Rows into an aggregator: a batch decoded whole into Structs (`LineShape(stored=True)`, which
    takes only rows `parse_response` takes) and counted by `add_lines`; a batch that does not decode
    so is taken row by row, each parsed with orjson (`canonical`) or else validated."""

    def __init__(self, manifest: Manifest, filters: Filters) -> None:
        self.manifest, self.filters, self.zone = manifest, filters, report_zone(manifest)
        self.shape = LineShape(manifest, stored=True)
        self.admits = None if filters == ALL else filters.admission(self.zone)
        self.keep = document_filter(manifest, filters)

    def add(self, aggregator: Aggregator, batch: list[tuple[str, str]]) -> None:
        if self.shape.decoder is not None and batch:
            try:
                lines = self.shape.decode_lines("\n".join(text for _response_id, text in batch))
                if len(lines) == len(batch) and list(map(SURVEY, lines)).count(self.manifest.id) == len(lines):
                    aggregator.add_lines(lines, self.admits)  # all or nothing (see add_lines)
                    return
            except (msgspec.DecodeError, ValueError):  # ValidationError is a DecodeError
                pass
        for response_id, text in batch:
            self._add_row(aggregator, response_id, text)

    def _add_row(self, aggregator: Aggregator, response_id: str, text: str) -> None:
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            document = None
        if document is not None and canonical(document):
            try:  # a ValueError comes from parsing received_at, before anything is counted
                if self.keep is None or self.keep(document):
                    aggregator.add_document(document)
                return
            except ValueError:
                pass
        for record in matching([validated(response_id, text)], self.filters, self.zone):
            aggregator.add(record)


def validated(response_id: str, text: str) -> StoredResponse:
    """The row as `StoredResponse`, or `CorruptResponse` naming the row and its first problem."""
    try:
        return parse_response(text)
    except ResponseInvalid as err:
        where = err.where or "document"
        raise CorruptResponse(f"stored response {response_id} is not a response: {where}: {err.problem}") from None
