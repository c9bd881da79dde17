"""A report straight from an NDJSON export (`palaute export`): the fast path for big files.

Blocks of about BLOCK bytes of whole lines are decoded in one msgspec call into Structs made
from the manifest (`functions/report/shape.py`) and counted by `Aggregator.add_lines`: no
`StoredResponse` and no dict per line, each distinct answer value checked once when the counts
are folded. A line of another shape goes through orjson and `Aggregator.add_document`, which takes
any shape. A line that is not JSON, or not a response, stops the report with its file and line
number. Lines of other surveys are skipped (an export may hold every survey). A response listed
again (the same `response_id`: exports concatenated, or a line copied) is counted once, at its
first line, as the stores keep the first of a retried response; `Aggregator.repeated` says how
many lines were skipped so.

With `workers` > 1 the file is cut into that many byte ranges on line boundaries; the first is
aggregated here, the others in child processes (`multiprocessing` with a pipe each, which also
works on AWS Lambda), and the aggregators are merged in file order. When a cap that depends on
arrival order came into play (see `Aggregator.exact_merge`), or a response is listed in two of the
ranges, the file is read again in one pass, so the report is always exactly the one-pass report.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import msgspec
import orjson

from functions.manifest import Manifest
from functions.report.aggregate import ALL, Aggregator, parse_moment
from functions.report.filters import Filters, report_zone
from functions.report.model import Report
from functions.report.shape import LineShape
from functions.response import ResponseInvalid, StoredResponse, parse_response

BLOCK = 1 << 17
"""Bytes of whole lines decoded in one msgspec call: about 300 responses, whose decoded Structs stay in
a core's own cache while they are counted and freed. Blocks of 1 MiB spilled out of it and took a
third longer in all (bench/report.py); much smaller ones pay the per-block work more often."""
WORKERS = 2
"""Processes by default: the Lambda function (≥ 1,769 MB) and the machines we measure have two cores."""
SURVEY, RESPONSE_ID = attrgetter("survey"), attrgetter("response_id")


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
    seen: set[str] = set()
    repeated_across = False
    for start, end in ranges[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(sender, manifest, path, start, end, filters), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver))
    try:
        merged = aggregate_range(manifest, path, *ranges[0], filters, seen)
        for number, (process, receiver) in enumerate(children, 1):
            status, result = receiver.recv()
            process.join()
            if status != "ok":
                raise NdjsonError(result)
            aggregator, ids = result
            repeated_across = repeated_across or not seen.isdisjoint(ids)
            if number < len(children):
                seen |= ids
            merged.merge(aggregator)
    finally:
        for process, receiver in children:
            receiver.close()
            if process.is_alive():
                process.kill()
                process.join()
    if repeated_across or not merged.exact_merge():
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


def aggregate_range(
    manifest: Manifest, path: Path, start: int, end: int, filters: Filters = ALL, seen: set[str] | None = None
) -> Aggregator:
    """The aggregator of the lines in [start, end) (`start` at a line's beginning); `seen` gets the
    `response_id` of each of the survey's responses taken (counted, or left out by `filters`)."""
    reader = _Reader(manifest, filters, path, set() if seen is None else seen)
    aggregator = Aggregator(manifest, order=start)
    with path.open("rb") as file, _without_cycle_collection():
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
            reader.add_block(aggregator, block, offset)
            offset += len(block)
    aggregator.fold()
    return aggregator


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Reading makes millions of short-lived containers and no reference cycles: the cyclic garbage
    collector would only walk them over and over (a tenth of the time), so it waits till the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Reader:
    """Blocks of lines into an aggregator: decoded whole into Structs (`functions/report/shape.py`)
    and counted in C; a block that does not decode so (a blank line, a line of another shape or
    no JSON) is taken line by line, each line that does not decode through orjson and
    `Aggregator.add_document`, which counts any shape and names the line that is no response.
    A response already met (`seen`) is skipped; an id is recorded only once its line was taken."""

    def __init__(self, manifest: Manifest, filters: Filters, path: Path, seen: set[str]) -> None:
        self.survey, self.path, self.seen = manifest.id, path, seen
        self.decoder = LineShape(manifest).decoder
        self.keep = document_filter(manifest, filters)
        self.admits = None if filters == ALL else filters.admission(report_zone(manifest))

    def add_block(self, aggregator: Aggregator, block: bytes, offset: int) -> None:
        if self.decoder is not None:
            try:
                lines = self.decoder.decode_lines(block)  # skips blank lines; reads two values on one line
                if _one_per_line(block, len(lines)):
                    lines, ids, repeats = self._first_times(lines)
                    aggregator.add_lines(lines, self.admits)  # all or nothing (see add_lines)
                    self._taken(aggregator, ids, repeats)
                    return
            except (msgspec.DecodeError, ValueError):  # ValidationError is a DecodeError
                pass
        decoded: list[tuple[int, bytes, Any]] = []  # lines that decode, added in a batch before the next that does not
        for number, line in enumerate(block.splitlines(), 1):
            if self.decoder is not None:
                try:
                    decoded.append((number, line, self.decoder.decode(line)))
                    continue
                except (msgspec.DecodeError, ValueError):
                    pass
            self._add_decoded(aggregator, decoded, offset)
            self._add_document(aggregator, line, number, offset)
        self._add_decoded(aggregator, decoded, offset)

    def _first_times(self, lines: list[Any]) -> tuple[list[Any], set[str], int]:
        """The survey's lines whose response is met for the first time, their ids, and how many
        lines were left out as repeats. Nothing is recorded yet: see `_taken`."""
        survey = self.survey
        if list(map(SURVEY, lines)).count(survey) != len(lines):
            lines = [line for line in lines if line.survey == survey]
        ids = set(map(RESPONSE_ID, lines))
        if len(ids) == len(lines) and None not in ids and self.seen.isdisjoint(ids):
            return lines, ids, 0  # the usual block: every line a new response
        firsts, ids = [], set()
        for line in lines:
            response_id = line.response_id
            if response_id is None:
                firsts.append(line)
            elif response_id not in self.seen and response_id not in ids:
                ids.add(response_id)
                firsts.append(line)
        return firsts, ids, len(lines) - len(firsts)

    def _taken(self, aggregator: Aggregator, ids: set[str], repeats: int) -> None:
        self.seen |= ids
        aggregator.repeated += repeats

    def _add_decoded(self, aggregator: Aggregator, decoded: list[tuple[int, bytes, Any]], offset: int) -> None:
        try:
            lines, ids, repeats = self._first_times([line for _number, _text, line in decoded])
            aggregator.add_lines(lines, self.admits)
            self._taken(aggregator, ids, repeats)
        except ValueError:  # a time that is no time: find its line (nothing was added)
            for number, text, line in decoded:
                try:
                    lines, ids, repeats = self._first_times([line])
                    aggregator.add_lines(lines, self.admits)
                    self._taken(aggregator, ids, repeats)
                except ValueError:
                    self._add_document(aggregator, text, number, offset)
        decoded.clear()

    def _add_document(self, aggregator: Aggregator, line: bytes, number: int, offset: int) -> None:
        try:
            document = orjson.loads(line)
            if document["survey"] != self.survey:
                return
            response_id = document.get("response_id")
            if isinstance(response_id, str) and response_id in self.seen:
                aggregator.repeated += 1
                return
            if self.keep is None or self.keep(document):
                aggregator.add_document(document)
            if isinstance(response_id, str):
                self.seen.add(response_id)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
            if line.strip():
                raise NdjsonError(f"{self.path}:{_line_number(self.path, offset) + number}: {_problem(err)}") from None


def _one_per_line(block: bytes, values: int) -> bool:
    """Whether `values` decoded values were one per line: each ends a line (a value is an object,
    and no text in JSON holds a raw newline), but for the last one when the block has no final newline."""
    ends = block.count(b"}\n") + (not block.endswith(b"\n"))
    return values == ends or values == ends + block.count(b"}\r\n")


def document_filter(manifest: Manifest, filters: Filters) -> Any:
    """A test for a parsed response, or None when every response of the survey counts."""
    if filters == ALL:
        return None
    admits = filters.admission(report_zone(manifest))

    def keep(document: dict[str, Any]) -> bool:
        return admits(parse_moment(document["received_at"]), document.get("tp"), document["lang"])

    return keep


class FileResponses:
    """The survey's responses in the file, validated, for the formats that list every response
    (CSV, XLSX); a line that is not a response stops them with its file and line number. A response
    listed again is left out (its first line counts); `repeated` says how many lines were."""

    def __init__(self, survey: str, path: Path) -> None:
        self.survey, self.path = survey, path
        self.repeated = 0

    def __iter__(self) -> Iterator[StoredResponse]:
        seen: set[str] = set()
        with self.path.open("rb") as file:
            for number, line in enumerate(file, 1):
                if not line.strip():
                    continue
                try:
                    response = parse_response(line)
                except ResponseInvalid as err:
                    what = f"{err.where}: {err.problem}" if err.where else f"not a response ({err.problem})"
                    raise NdjsonError(f"{self.path}:{number}: {what}") from None
                if response.survey != self.survey:
                    continue
                if response.response_id in seen:
                    self.repeated += 1
                    continue
                seen.add(response.response_id)
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
    seen: set[str] = set()
    try:
        result: tuple[str, Any] = ("ok", (aggregate_range(manifest, path, start, end, filters, seen), seen))
    except NdjsonError as err:
        result = ("error", str(err))
    except Exception as err:
        result = ("error", f"{path}: {type(err).__name__}: {err}")
    sender.send(result)
    sender.close()
