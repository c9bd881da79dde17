"""A report straight from an NDJSON export (`palaute export`): the fast path for big files.

Each line is parsed with orjson and handed to `Aggregator.add_document` as it is: no pydantic
validation and no record object per line (the aggregator checks each distinct answer value
anyway). A line that is not JSON, or not a response, stops the report with its file and line
number. Lines of other surveys are skipped (an export may hold every survey).

With `workers` > 1 the file is cut into that many byte ranges on line boundaries; the first is
aggregated here, the others in child processes (`multiprocessing` with a pipe each, which also
works on AWS Lambda), and the aggregators are merged in file order. When a cap that depends on
arrival order came into play (see `Aggregator.exact_merge`), the file is read again in one pass,
so the report is always exactly the one-pass report.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from functions.manifest import Manifest
from functions.report.aggregate import ALL, Aggregator, parse_moment
from functions.report.filters import Filters, report_zone
from functions.report.model import Report
from functions.response import StoredResponse

BLOCK = 1 << 20
"""Bytes of whole lines parsed in one orjson call."""
WORKERS = 2
"""Processes by default: the Lambda function (≥ 1,769 MB) and the machines we measure have two cores."""


class NdjsonError(ValueError):
    """A line that is not a response; the message names the file and line."""


def aggregate_file(
    manifest: Manifest,
    path: Path,
    filters: Filters = ALL,
    generated_at: datetime | None = None,
    *,
    workers: int | None = None,
) -> Report:
    """The report of the survey's responses in an NDJSON file that pass `filters`."""
    return aggregate_ndjson(manifest, path, filters, workers=workers).report(filters, generated_at)


def aggregate_ndjson(
    manifest: Manifest, path: Path, filters: Filters = ALL, *, workers: int | None = None
) -> Aggregator:
    """The aggregator of the file, read in `workers` processes (default: WORKERS, at most the CPUs)."""
    count = workers if workers is not None else min(WORKERS, os.cpu_count() or 1)
    ranges = byte_ranges(path, count)
    if len(ranges) <= 1:
        return aggregate_range(manifest, path, 0, path.stat().st_size, filters)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context: Any = multiprocessing.get_context(method)  # typeshed's BaseContext lacks Process
    children = []
    for start, end in ranges[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(sender, manifest, path, start, end, filters), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver))
    try:
        merged = aggregate_range(manifest, path, *ranges[0], filters)
        for process, receiver in children:
            status, result = receiver.recv()
            process.join()
            if status != "ok":
                raise NdjsonError(result)
            merged.merge(result)
    finally:
        for process, receiver in children:
            receiver.close()
            if process.is_alive():
                process.kill()
                process.join()
    if not merged.exact_merge():
        return aggregate_range(manifest, path, 0, path.stat().st_size, filters)
    return merged


def byte_ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """[start, end) byte ranges of about equal size, each starting at the beginning of a line."""
    size = path.stat().st_size
    bounds = [0]
    with path.open("rb") as file:
        for part in range(1, max(1, parts)):
            file.seek(max(size * part // parts, bounds[-1]))
            if file.tell() > 0:
                file.seek(file.tell() - 1)  # a cut right after a newline keeps the line whole
                file.readline()
            bounds.append(min(file.tell(), size))
    bounds.append(size)
    return [(start, end) for start, end in itertools.pairwise(bounds) if end > start]


def aggregate_range(manifest: Manifest, path: Path, start: int, end: int, filters: Filters = ALL) -> Aggregator:
    """The aggregator of the lines in [start, end) (`start` at a line's beginning)."""
    aggregator, keep = Aggregator(manifest, order=start), document_filter(manifest, filters)
    with path.open("rb") as file:
        file.seek(start)
        offset = start
        while offset < end:
            block = file.read(min(BLOCK, end - offset))
            if not block:
                break
            if offset + len(block) < end and not block.endswith(b"\n"):
                cut = block.rfind(b"\n") + 1
                if cut == 0:  # a line longer than BLOCK: read on to its end
                    block += file.readline()
                else:
                    file.seek(offset + cut)
                    block = block[:cut]
            _add_block(aggregator, manifest.id, block, keep, path, offset)
            offset += len(block)
    aggregator.fold()
    return aggregator


def _add_block(aggregator: Aggregator, survey: str, block: bytes, keep: Any, path: Path, offset: int) -> None:
    """Parse a block of whole lines in one orjson call (as one JSON array) and add its responses;
    a block that does not parse so (a blank or bad line) is taken line by line."""
    lines = block.rstrip()
    try:
        documents = orjson.loads(b"[" + lines.replace(b"\n", b",") + b"]")
        if len(documents) != lines.count(b"\n") + 1:  # a line holding two values, or none
            documents = None
    except orjson.JSONDecodeError:
        documents = None
    if documents is not None:
        try:
            add = aggregator.add_document
            for document in documents:
                if document["survey"] == survey and (keep is None or keep(document)):
                    add(document)
            return
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # find the line below; an error stops the report, so what was added does not matter
    add = aggregator.add_document if documents is None else Aggregator(aggregator.manifest).add_document
    for number, line in enumerate(block.splitlines(), 1):
        try:
            document = orjson.loads(line)
            if document["survey"] == survey and (keep is None or keep(document)):
                add(document)  # or, when the block was added up to an error, only check it
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
            if line.strip():
                raise NdjsonError(f"{path}:{_line_number(path, offset) + number}: {_problem(err)}") from None


def document_filter(manifest: Manifest, filters: Filters) -> Any:
    """A test for a parsed response, or None when every response of the survey counts."""
    if filters == ALL:
        return None
    admits = filters.admission(report_zone(manifest))

    def keep(document: dict[str, Any]) -> bool:
        return admits(parse_moment(document["received_at"]), document.get("tp"), document["lang"])

    return keep


def file_responses(survey: str, path: Path) -> Iterator[StoredResponse]:
    """The survey's responses in the file, validated, for the formats that list every response
    (CSV, XLSX); a line that is not a response stops them with its file and line number."""
    with path.open("rb") as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            try:
                response = StoredResponse.model_validate_json(line)
            except ValidationError as err:
                first = err.errors()[0]
                where = ".".join(str(part) for part in first.get("loc", ()))
                what = f"{where}: {first.get('msg')}" if where else f"not a response ({first.get('msg')})"
                raise NdjsonError(f"{path}:{number}: {what}") from None
            if response.survey == survey:
                yield response


def _problem(err: Exception) -> str:
    if isinstance(err, orjson.JSONDecodeError):
        return f"not JSON ({err})"
    if isinstance(err, KeyError):
        return f"not a response: no {err.args[0]!r}"
    return f"not a response ({err})"


def _line_number(path: Path, offset: int) -> int:
    """Lines before byte `offset` (only counted when a line is bad)."""
    with path.open("rb") as file:
        return file.read(offset).count(b"\n")


def _child(sender: Any, manifest: Manifest, path: Path, start: int, end: int, filters: Filters) -> None:
    try:
        result: tuple[str, Any] = ("ok", aggregate_range(manifest, path, start, end, filters))
    except NdjsonError as err:
        result = ("error", str(err))
    except Exception as err:
        result = ("error", f"{path}: {type(err).__name__}: {err}")
    sender.send(result)
    sender.close()
