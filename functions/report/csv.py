"""The CSV report: one row per response, written while the responses stream past.

UTF-8 with a byte-order mark so Excel opens Finnish and Swedish letters correctly; times in the
report timezone as ISO 8601 with their offset.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import BinaryIO

from functions.manifest import Manifest
from functions.report.aggregate import Aggregator
from functions.report.filters import ResponseRecord, report_zone
from functions.report.rows import Cell, columns, row


def _text(cell: Cell) -> Cell:
    return cell.isoformat() if isinstance(cell, datetime) else cell


def write_csv(
    manifest: Manifest, responses: Iterable[ResponseRecord], out: BinaryIO, aggregator: Aggregator | None = None
) -> int:
    """Write every response to `out`; also feed `aggregator` when given. Returns the row count."""
    zone = report_zone(manifest)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(columns(manifest))
        count = 0
        for response in responses:
            writer.writerow([_text(cell) for cell in row(manifest, response, zone)])
            if aggregator is not None:
                aggregator.add(response)
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # leave `out` open for the caller
