"""QR codes for touchpoint links, made for print: a full quiet zone and error correction level Q.

zxing-cpp encodes (its writer is libzint, in C: the smallest version that fits and the best of the eight
masks); the SVG and the PNG are drawn here from the module grid, so one encoding serves the code's
SVG file, its PNG and the sign that carries the SVG inline.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit
from xml.sax.saxutils import escape

import zxingcpp

QUIET_ZONE = 4
"""Modules of white around the symbol on every side: the full quiet zone the QR standard asks for."""
SVG_SCALE = 8
"""Pixels per module of the SVG's nominal size; signs replace the size with a viewBox and scale it by CSS."""
PNG_TARGET_SIDE = 1000
"""A PNG at most this wide (whole pixels per module, quiet zone in) prints an A5 sign's 8 cm code at 300 dpi."""

_SEGMENT = re.compile(b"[^\x00]*\x00+")


class _Moves(dict[bytes, str]):
    """A row's segment (light modules, then dark) → its stroke in the path, a move past the gap and a line:
    rows repeat few of them, so each is formatted once (at most one per gap and length: a bounded table)."""

    def __missing__(self, segment: bytes) -> str:
        dark = len(segment) - len(segment.rstrip(b"\x00"))
        text = self[segment] = f"m{len(segment) - dark} 0h{dark}"
        return text


_MOVES = _Moves()


def touchpoint_link(base_url: str, survey_id: str, touchpoint_id: str) -> str:
    """The link a touchpoint's QR code and sign carry: the survey's default-language page with `?tp=`.

    Always ASCII: a non-ASCII host in punycode, the rest percent-encoded. A QR code's byte mode names
    no character set, so an encoder picks one (Shift-JIS, UTF-8 with an ECI) that not every phone's
    scanner honours, while an ASCII link reads the same everywhere.
    """
    link = f"{base_url.rstrip('/')}/{survey_id}/?tp={touchpoint_id}"
    if link.isascii():
        return link
    parts = urlsplit(link)
    host, colon, port = parts.netloc.partition(":")  # a site's base URL carries no user name
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA can spell: percent-encoded like the rest
        host = quote(host, safe="")
    return urlunsplit((parts.scheme, host + colon + port, quote(parts.path, safe="/%"),
                       quote(parts.query, safe="=&%"), ""))  # fmt: skip


@dataclass(frozen=True)
class Symbol:
    """A QR symbol's modules without the quiet zone: `side` rows of `side` bytes, 0 dark and 255 light."""

    side: int
    modules: bytes

    def rows(self) -> list[bytes]:
        return [self.modules[y * self.side : (y + 1) * self.side] for y in range(self.side)]


@lru_cache(maxsize=64)
def symbol(link: str) -> Symbol:
    """Encoding is most of a QR code's cost; the SVG, the PNG and the sign of one link share it."""
    barcode = zxingcpp.create_barcode(link, zxingcpp.BarcodeFormat.QRCode, ec_level="Q")
    image = barcode.to_image(scale=1, add_quiet_zones=False)  # 8-bit grey, 0 dark, a buffer (stubs omit it)
    modules = memoryview(image).tobytes()  # type: ignore[arg-type]
    height, width = image.shape
    assert width == height and len(modules) == width * height, "a QR code is square, a byte a module"
    return Symbol(width, modules)


@lru_cache(maxsize=64)
def qr_svg(link: str) -> bytes:
    """A scalable SVG: one path, a horizontal stroke per run of dark modules. Level Q survives a quarter
    of the symbol being smudged on a printed sign."""
    code = symbol(link)
    side = code.side + 2 * QUIET_ZONE
    runs: list[str] = []
    pen: tuple[int, int] | None = None
    for y, row in enumerate(code.rows(), start=QUIET_ZONE):
        segments = _SEGMENT.findall(row)  # light modules, then a run of dark ones
        if not segments:
            continue
        first = segments[0]
        length = len(first) - len(first.rstrip(b"\x00"))
        x = QUIET_ZONE + len(first) - length
        runs.append(f"M{x} {y}.5h{length}" if pen is None else f"m{x - pen[0]} {y - pen[1]}h{length}")
        runs.append("".join(map(_MOVES.__getitem__, segments[1:])))  # after the first, a move is the gap
        pen = (QUIET_ZONE + len(row.rstrip(b"\xff")), y)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side * SVG_SCALE}" height="{side * SVG_SCALE}">'
        f"<title>{escape(link)}</title>"
        f'<g transform="scale({SVG_SCALE})"><path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
        f'<path stroke="#000" d="{"".join(runs)}"/></g></svg>\n'
    ).encode()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def qr_png(link: str) -> bytes:
    """A 1-bit PNG large enough for a printed A5 sign at 300 dpi (about 8 cm wide), in whole pixels per module.

    Written here rather than by Pillow: a module row's pixel row is packed to bits once (as a string of
    binary digits, read as one integer) and repeated for the module's height, so no pixel passes through
    Python one by one. Greyscale at one bit a pixel, a set bit white; every row unfiltered, in one IDAT.
    """
    code = symbol(link)
    side = code.side + 2 * QUIET_ZONE
    scale = max(8, PNG_TARGET_SIDE // side)
    width = side * scale
    light, dark = b"1" * scale, b"0" * scale
    quiet = light * QUIET_ZONE
    pad = b"0" * (-width % 8)  # a row's last byte is filled out with zero bits

    def packed(bits: bytes) -> bytes:  # a filter-type byte (0, none), then the row's bits
        return b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")

    margin = packed(light * side + pad) * (QUIET_ZONE * scale)
    rows = [margin]
    pixels = [dark] + [light] * 255  # a module's byte (0 dark) → its pixels' bits
    for row in code.rows():
        bits = quiet + b"".join(map(pixels.__getitem__, row)) + quiet + pad
        rows.append(packed(bits) * scale)
    rows.append(margin)
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)  # bit depth 1, greyscale, no interlace
    # A code's pixel rows repeat and run long: the fastest deflate level still packs them ~30:1 (~4 KB).
    image = zlib.compress(b"".join(rows), 1)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", image) + _png_chunk(b"IEND", b"")
