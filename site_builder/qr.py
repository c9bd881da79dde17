"""QR codes for touchpoint links, made for print: a full quiet zone and error correction level Q.

libzint encodes (in C, through zint-bindings: the smallest version that fits), and `qr_masks.py` picks
the mask as libzint would, in less time. The SVG and the PNG are drawn here from the module grid, so
one encoding serves the code's SVG file, its PNG and the sign that carries the SVG inline. The tests
read the codes back with zxing-cpp, a decoder that shares nothing with the encoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from urllib.parse import quote, urlsplit, urlunsplit

from site_builder.png import grey_png
from site_builder.qr_masks import best_masked

QUIET_ZONE = 4
"""Modules of white around the symbol on every side: the full quiet zone the QR standard asks for."""
SVG_SCALE = 8
"""Pixels per module of the SVG's nominal size; signs replace the size with a viewBox and scale it by CSS."""
PNG_TARGET_SIDE = 1000
"""A PNG at most this wide (whole pixels per module, quiet zone in) prints an A5 sign's 8 cm code at 300 dpi."""

_SEGMENT = re.compile(b"[^\x00]*\x00+")
_ROW_END = b"\x01"
"""Between two module rows of the grid the path is read from: neither dark (0) nor light (255)."""
_MOVES_KEPT = 4096


class _Moves(dict[bytes, str]):
    """A segment of the grid (light modules, perhaps across row ends, then dark ones) → its stroke in the
    path, a move from where the last stroke ended and a line. Codes repeat few of them, so each is formatted
    once; one table per symbol size, since a move to the next row goes back the symbol's width."""

    def __init__(self, side: int) -> None:
        super().__init__()
        self.side = side

    def __missing__(self, segment: bytes) -> str:
        dark = len(segment) - len(segment.rstrip(b"\x00"))
        light = len(segment) - dark
        rows = segment.count(_ROW_END)
        if rows:  # the light left of the last row, then the light before the dark in this one
            light = segment.index(_ROW_END) + light - segment.rindex(_ROW_END) - 1 - self.side
        if len(self) >= _MOVES_KEPT:
            self.clear()
        text = self[segment] = f"m{light} {rows}h{dark}"
        return text


_MOVES: dict[int, _Moves] = {}


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


_MODULE_OF_DIGIT = bytes.maketrans(b"01", b"\xff\x00")
"""A module's bit as a binary digit ("1" dark) → its byte in a `Symbol` (0 dark, 255 light)."""


@lru_cache(maxsize=64)
def symbol(link: str) -> Symbol:
    """Encoding is most of a QR code's cost; the SVG, the PNG and the sign of one link share it."""
    _, rows = best_masked(link)
    side = len(rows)
    modules = "".join([format(row, "b").zfill(side)[::-1] for row in rows]).encode().translate(_MODULE_OF_DIGIT)
    return Symbol(side, modules)


@lru_cache(maxsize=64)
def qr_svg(link: str) -> bytes:
    """A scalable SVG: one path, a horizontal stroke per run of dark modules. Level Q survives a quarter
    of the symbol being smudged on a printed sign.

    The path is read off the whole grid at once (rows joined by a row-end byte): its first stroke starts
    absolute, every later one relative to where the one before ended, within a row or on a row below.
    """
    code = symbol(link)
    side = code.side + 2 * QUIET_ZONE
    segments = _SEGMENT.findall(_ROW_END.join(code.rows()))
    runs: list[str] = []
    if segments:
        first = segments[0]
        dark = len(first) - len(first.rstrip(b"\x00"))
        row_start = first.rfind(_ROW_END) + 1
        x, y = QUIET_ZONE + len(first) - dark - row_start, QUIET_ZONE + first.count(_ROW_END)
        moves = _MOVES.get(code.side) or _MOVES.setdefault(code.side, _Moves(code.side))
        runs = [f"M{x} {y}.5h{dark}", *map(moves.__getitem__, segments[1:])]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side * SVG_SCALE}" height="{side * SVG_SCALE}">'
        f"<title>{escape(link, quote=False)}</title>"
        f'<g transform="scale({SVG_SCALE})"><path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
        f'<path stroke="#000" d="{"".join(runs)}"/></g></svg>\n'
    ).encode()


_DIGIT = bytes([48] + [49] * 255)
"""A module's byte (0 dark, else light) as a binary digit: "0" dark, "1" light (a set bit is white in the PNG)."""


@lru_cache(maxsize=8)
def _octets(scale: int) -> list[bytes]:
    """Eight modules (one byte, a set bit light) → their pixels' bytes: 8 × `scale` bits are always whole bytes.
    A pixel row is then a byte of modules at a time, not a string of a thousand binary digits."""
    return [
        int("".join(("1" if value >> (7 - index) & 1 else "0") * scale for index in range(8)), 2).to_bytes(scale, "big")
        for value in range(256)
    ]


def qr_png(link: str) -> bytes:
    """A 1-bit PNG large enough for a printed A5 sign at 300 dpi (about 8 cm wide), in whole pixels per module.

    Written here rather than by Pillow: every module row's pixel row is packed to bytes at once, the whole
    grid as one binary number looked up a byte of modules at a time in a table of their pixels, and each
    stands for the module's height, so no pixel passes through Python one by one; `png.py` takes the runs
    of equal rows. Greyscale at one bit a pixel, a set bit white; each row's last byte filled out with zero
    (dark) bits.
    """
    code = symbol(link)
    side = code.side + 2 * QUIET_ZONE
    scale = max(8, PNG_TARGET_SIDE // side)
    width = side * scale
    octets = _octets(scale)
    length = (width + 7) // 8
    count = (side + 7) // 8  # bytes of modules a row, each becoming `scale` bytes of pixels
    quiet = b"1" * QUIET_ZONE
    pad = b"0" * (count * 8 - side)  # dark modules past the edge: only their first bits fill the last byte
    light = code.modules.translate(_DIGIT)
    digits = b"".join([quiet + row + quiet + pad for row in Symbol(code.side, light).rows()])
    modules = int(b"1" * side + pad + digits, 2).to_bytes(count * (code.side + 1), "big")  # the margin row first
    pixels = b"".join(map(octets.__getitem__, modules))
    step = count * scale
    margin = (pixels[:length], QUIET_ZONE * scale)
    runs = [margin, *((pixels[start : start + length], scale) for start in range(step, len(pixels), step)), margin]
    return grey_png(width, width, 1, runs)
