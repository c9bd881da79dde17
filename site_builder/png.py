"""PNG files from pixel rows that come in runs of identical rows, as a QR code's do.

A QR code's module row stands for `scale` pixel rows, so the image is given as runs (a row and
how many times it repeats), each row packed to bytes once. The first row of a run is stored as it
is and each repeat with PNG's "Up" filter, which makes it a row of zero bytes. zlib at level 1
then meets runs of zeros instead of rows to match back to: a print-size code's ~125 KB of rows
becomes 2-3 KB in about 0.25 ms, a quarter smaller than the same rows unfiltered and no slower
(up to twice as fast for codes whose row length zlib matches poorly).
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVEL = 1
"""zlib's fastest level: signs are built by the thousand, and their PNGs are downloaded rarely."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


NONE, UP = b"\x00", b"\x02"
"""PNG filter types: a row as it is; a row as its difference from the row above."""


def grey_png(width: int, height: int, depth: int, runs: list[tuple[bytes, int]]) -> bytes:
    """A greyscale PNG of `depth` bits a pixel; `runs` are its packed pixel rows with how often each repeats."""
    assert sum(count for _, count in runs) == height, "every row of the image, once"
    assert all(len(row) == (width * depth + 7) // 8 for row, _ in runs), "each row is the image's width"
    header = struct.pack(">IIBBBBB", width, height, depth, 0, 0, 0, 0)  # greyscale, no interlace
    filtered = b"".join(NONE + row + (UP + bytes(len(row))) * (count - 1) for row, count in runs if count)
    image = zlib.compress(filtered, LEVEL)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", image) + _chunk(b"IEND", b"")
