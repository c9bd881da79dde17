"""A PNG read into grey pixels, for the QR decoder: zlib is all a PNG needs, and a reader of our own checks
the codes' PNGs independently of Pillow, which writes them.

Handles what the tests meet: the 1-bit greyscale codes and Chromium's 8-bit RGB(A) screenshots,
every filter type, no interlacing.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


@dataclass(frozen=True)
class GreyImage:
    width: int
    height: int
    pixels: bytes
    """One byte per pixel, row after row: 0 black … 255 white."""

    def view(self) -> memoryview:
        """The shape zxingcpp.read_barcode takes: height × width bytes."""
        return memoryview(self.pixels).cast("B", (self.height, self.width))

    def at(self, x: int, y: int) -> int:
        return self.pixels[y * self.width + x]


def _chunks(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    found: dict[bytes, bytes] = {}
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        found[kind] = found.get(kind, b"") + data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return found


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _unfilter(raw: bytes, stride: int, height: int, step: int) -> list[bytearray]:
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride if kind else 0):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            add = {0: 0, 1: left, 2: up, 3: (left + up) // 2, 4: _paeth(left, up, corner)}[kind]
            line[i] = (line[i] + add) & 0xFF
        rows.append(line)
        previous = line
    return rows


def read_png(data: bytes) -> GreyImage:
    chunks = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert interlace == 0 and colour in CHANNELS, "interlaced or unknown PNG"
    bits = depth * CHANNELS[colour]
    stride = (width * bits + 7) // 8
    rows = _unfilter(zlib.decompress(chunks[b"IDAT"]), stride, height, max(1, bits // 8))
    palette = chunks.get(b"PLTE", b"")
    pixels = bytearray()
    if (depth, colour) == (1, 0):  # the codes: a bit per pixel, set for white
        spread = [bytes(255 * ((byte >> (7 - bit)) & 1) for bit in range(8)) for byte in range(256)]
        for row in rows:
            pixels += b"".join(spread[byte] for byte in row)[:width]
        return GreyImage(width, height, bytes(pixels))
    for row in rows:
        for x in range(width):
            if depth < 8:
                value = (row[x * depth // 8] >> (8 - depth - (x * depth) % 8)) & ((1 << depth) - 1)
                grey = (
                    value * 255 // ((1 << depth) - 1) if colour == 0 else sum(palette[value * 3 : value * 3 + 3]) // 3
                )
            elif colour in (0, 4):
                grey = row[x * CHANNELS[colour]]
            elif colour == 3:
                grey = sum(palette[row[x] * 3 : row[x] * 3 + 3]) // 3
            else:
                r, g, b = row[x * CHANNELS[colour] : x * CHANNELS[colour] + 3]
                grey = (r * 299 + g * 587 + b * 114) // 1000
            pixels.append(grey)
    return GreyImage(width, height, bytes(pixels))
