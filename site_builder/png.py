"""PNG files from filtered pixel rows that come in runs of identical rows, as a QR code's do.

A QR code's module row stands for `scale` pixel rows, so the image is given as runs (a row and
how many times it repeats) and each row is packed to bytes once. zlib at level 1 finds the
repeats well (a print-size code's ~125 KB of rows becomes ~4 KB) in about a third of a
millisecond; higher levels make files a few KB smaller at three to ten times the cost.
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVEL = 1
"""zlib's fastest level: signs are built by the thousand, and their PNGs are downloaded rarely."""


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def grey_png(width: int, height: int, depth: int, runs: list[tuple[bytes, int]]) -> bytes:
    """A greyscale PNG of `depth` bits a pixel; `runs` are its filtered rows (filter byte first) with their counts."""
    assert sum(count for _, count in runs) == height, "every row of the image, once"
    header = struct.pack(">IIBBBBB", width, height, depth, 0, 0, 0, 0)  # greyscale, no interlace
    image = zlib.compress(b"".join(row * count for row, count in runs), LEVEL)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", image) + _chunk(b"IEND", b"")
