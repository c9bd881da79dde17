"""A report straight from an NDJSON export (`palaute export`): the fast path for big files.

Blocks of about BLOCK bytes of whole lines are decoded in one msgspec call into Structs made
from the manifest (`functions/report/shape.py`) and counted by `Aggregator.add_lines`: no
`StoredResponse` and no dict per line, each distinct answer value checked once when the counts
are folded. A line of another shape goes through orjson and `Aggregator.add_document`, which takes
any shape. A line that is not JSON, or not a response, stops the report with its file and line
number. Lines of other surveys are skipped (an export may hold every survey).

A response listed again (the same `response_id`: exports concatenated, or a line copied) is
counted once, at its first line, as the stores keep the first of a retried response;
`Aggregator.repeated` says how many lines were skipped so. Holding every id as a string would
take ~110 bytes a response (past the memory budget at a million), so a file is first read on the
assumption that it lists each response once, keeping only each id's `hash` (8 bytes in an
array); only when two of those are equal is the file read again, in one pass that skips repeats
by their ids exactly.

With `workers` > 1 the file is cut into that many byte ranges on line boundaries; the first is
aggregated here, the others in child processes (`multiprocessing` with a pipe each, which also
works on AWS Lambda), and the aggregators are merged in file order. When a cap that depends on
arrival order came into play (see `Aggregator.exact_merge`), the file is read again in one pass,
so the report is always exactly the one-pass report. Only forked processes share the parent's
`hash` of a string, so where there is no fork (Windows) the file is read in one process.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from array import array
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
from functions.report.shape import SURVEY, LineShape
from functions.response import ResponseInvalid, StoredResponse, parse_response

BLOCK = 1 << 17
"""Bytes of whole lines decoded in one msgspec call: about 300 responses, whose decoded Structs stay in
a core's own cache while they are counted and freed. Blocks of 1 MiB spilled out of it and took a
third longer in all (bench/report.py); much smaller ones pay the per-block work more often."""
WORKERS = 2
"""Processes by default: the Lambda function (≥ 1,769 MB) and the machines we measure have two cores."""
RESPONSE_ID = attrgetter("response_id")


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
    if "fork" not in multiprocessing.get_all_start_methods():
        count = 1  # a spawned process hashes strings with a secret of its own
    ranges = byte_ranges(path, count)
    size = path.stat().st_size
    fingerprints: array[int] = array("q")
    if len(ranges) <= 1:
        aggregator = aggregate_range(manifest, path, 0, size, filters, fingerprints)
        return aggregate_range(manifest, path, 0, size, filters) if _repeats_within(fingerprints) else aggregator
    context: Any = multiprocessing.get_context("fork")  # typeshed's BaseContext lacks Process
    children = []
    repeated = False
    for start, end in ranges[1:]:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_child, args=(sender, manifest, path, start, end, filters), daemon=True)
        process.start()
        sender.close()
        children.append((process, receiver))
    try:
        merged = aggregate_range(manifest, path, *ranges[0], filters, fingerprints)
        seen = set(fingerprints)
        repeated = len(seen) != len(fingerprints)
        for number, (process, receiver) in enumerate(children, 1):
            status, result = receiver.recv()
            process.join()
            if status != "ok":
                raise NdjsonError(result)
            aggregator, theirs, repeated_within = result
            repeated = repeated or repeated_within or not seen.isdisjoint(theirs)
            if number < len(children) and not repeated:
                seen.update(theirs)
            merged.merge(aggregator)
    finally:
        for process, receiver in children:
            receiver.close()
            if process.is_alive():
                process.kill()
                process.join()
    if repeated or not merged.exact_merge():
        return aggregate_range(manifest, path, 0, size, filters)
    return merged


def _repeats_within(fingerprints: array[int]) -> bool:
    """Whether a fingerprint occurs twice (the same response, or a collision of `hash`: then the
    exact reading only costs time)."""
    return len(set(fingerprints)) != len(fingerprints)


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
    manifest: Manifest,
    path: Path,
    start: int,
    end: int,
    filters: Filters = ALL,
    fingerprints: array[int] | None = None,
) -> Aggregator:
    """The aggregator of the lines in [start, end) (`start` at a line's beginning). With
    `fingerprints`, every response is counted and the `hash` of its id put there; without, a
    response already met in the range is skipped (see the module docstring)."""
    reader = _Reader(manifest, filters, path, fingerprints)
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
    Each response's id is recorded once its line was taken: its `hash` in `fingerprints` when given,
    else the id in `seen`, and then a response already seen is skipped."""

    def __init__(self, manifest: Manifest, filters: Filters, path: Path, fingerprints: array[int] | None) -> None:
        self.survey, self.path, self.fingerprints = manifest.id, path, fingerprints
        self.seen: set[str] = set()
        self.shape = LineShape(manifest)
        self.decoder = self.shape.decoder
        self.keep = document_filter(manifest, filters)
        self.admits = None if filters == ALL else filters.admission(report_zone(manifest))

    def add_block(self, aggregator: Aggregator, block: bytes, offset: int) -> None:
        if self.decoder is not None:
            try:
                lines = self.shape.decode_lines(block)  # skips blank lines; reads two values on one line
                if _one_per_line(block, len(lines)):
                    self._take(aggregator, lines)
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

    def _take(self, aggregator: Aggregator, lines: list[Any]) -> None:
        """Count the survey's lines and record their ids; all or nothing (a ValueError from
        `add_lines` comes before anything is counted or recorded)."""
        survey = self.survey
        if list(map(SURVEY, lines)).count(survey) != len(lines):
            lines = [line for line in lines if line.survey == survey]
        if self.fingerprints is not None:
            aggregator.add_lines(lines, self.admits)
            self.fingerprints.extend(map(hash, filter(None, map(RESPONSE_ID, lines))))
            return
        ids = set(map(RESPONSE_ID, lines))
        firsts = lines
        if not (len(ids) == len(lines) and all(ids) and self.seen.isdisjoint(ids)):
            firsts, ids = [], set()
            for line in lines:
                response_id = line.response_id
                if response_id and (response_id in self.seen or response_id in ids):
                    continue
                if response_id:
                    ids.add(response_id)
                firsts.append(line)
        aggregator.add_lines(firsts, self.admits)
        self.seen |= ids
        aggregator.repeated += len(lines) - len(firsts)

    def _add_decoded(self, aggregator: Aggregator, decoded: list[tuple[int, bytes, Any]], offset: int) -> None:
        try:
            self._take(aggregator, [line for _number, _text, line in decoded])
        except ValueError:  # a time that is no time: find its line (nothing was added)
            for number, text, line in decoded:
                try:
                    self._take(aggregator, [line])
                except ValueError:
                    self._add_document(aggregator, text, number, offset)
        decoded.clear()

    def _add_document(self, aggregator: Aggregator, line: bytes, number: int, offset: int) -> None:
        try:
            document = orjson.loads(line)
            if document["survey"] != self.survey:
                return
            response_id = document.get("response_id")
            has_id = isinstance(response_id, str) and response_id != ""
            if has_id and self.fingerprints is None and response_id in self.seen:
                aggregator.repeated += 1
                return
            if self.keep is None or self.keep(document):
                aggregator.add_document(document)
            if has_id and self.fingerprints is not None:
                self.fingerprints.append(hash(response_id))
            elif has_id:
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
    fingerprints: array[int] = array("q")
    try:
        aggregator = aggregate_range(manifest, path, start, end, filters, fingerprints)
        result: tuple[str, Any] = ("ok", (aggregator, fingerprints, _repeats_within(fingerprints)))
    except NdjsonError as err:
        result = ("error", str(err))
    except Exception as err:
        result = ("error", f"{path}: {type(err).__name__}: {err}")
    sender.send(result)
    sender.close()
