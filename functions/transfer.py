"""Responses moved between stores as NDJSON (`palaute export` / `palaute import`).

One `StoredResponse` per line, exactly as stored, so an import keeps `received_at`, touchpoint
and outcome. Import is idempotent by response id: a kiosk that ran offline on the local store
can be uploaded to AWS as often as needed and each response is stored once. A line that is not
a response is reported with its line number and skipped; the rest still go in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from functions.response import ResponseInvalid, StoredResponse, parse_response
from functions.store import ResponseStore


class ExportableStore(ResponseStore, Protocol):
    def all_responses(self) -> Iterator[StoredResponse]: ...


@dataclass
class ImportSummary:
    new: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    """`line 12: answers: Field required`, one per skipped line."""


def export_responses(store: ExportableStore, out: TextIO, survey: str | None = None) -> int:
    """Write one survey's responses (or all) as NDJSON; returns how many."""
    responses = store.responses(survey) if survey else store.all_responses()
    count = 0
    for response in responses:
        out.write(response.to_json() + "\n")
        count += 1
    return count


def import_responses(store: ResponseStore, lines: Iterable[str]) -> ImportSummary:
    summary = ImportSummary()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            response = parse_response(line)
        except ResponseInvalid as err:
            summary.problems.append(f"line {number}: {err.where or 'line'}: {err.problem}")
            continue
        if store.put(response):
            summary.new += 1
        else:
            summary.duplicates += 1
    return summary
