"""Choosing a QR code's mask: ISO/IEC 18004:2015 §7.8.3's penalty, scored on whole symbols at once.

libzint scores the eight masks itself, but that took four fifths of its time for a touchpoint link
(~0.26 of ~0.33 ms), three links a survey. So libzint encodes each link once with mask 0, and the other
seven candidates come from it: for one symbol size, two masks differ in the same modules (the data
modules where the two mask patterns differ, and the format information, fixed for level Q and a mask)
whatever the data, so one link encoded under every mask gives the differences for every later link of
its size. Each candidate is then scored as one integer a bit a module, a feature's positions found by
shifting and masking the whole symbol, which Python does in C over a few hundred machine words.

The symbol sits on a canvas: each row `stride` bits apart (its modules, then at least four light
positions), four light rows above and below, so windows that run off a row or off the symbol meet the
light quiet zone, as the standard counts it, and never the next row's modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import zint

LEVEL_Q = 3
"""libzint's `option_1` for QR error correction: 1 L, 2 M, 3 Q, 4 H."""
MASKS = 8
MARGIN = 4
"""Light positions kept around the symbol: the four light modules a finder-like pattern is checked for."""
N1, N2, N3, N4 = 3, 3, 40, 10
"""The standard's penalty weights: runs of five or more, 2×2 blocks, finder-like patterns, dark proportion."""


def encode(link: str, mask: int) -> zint.Symbol:
    code = zint.Symbol()
    code.symbology = zint.Symbology.QRCODE
    code.option_1 = LEVEL_Q
    code.option_3 = (mask + 1) << 8  # libzint: mask N is chosen with (N + 1) << 8
    code.encode(link.encode())
    return code


@dataclass(frozen=True)
class Canvas:
    side: int
    stride: int
    modules: int
    """A bit at every module's position."""
    everything: int
    """A bit at every position of the canvas: the modules and the light around them."""

    @classmethod
    def of(cls, side: int) -> Canvas:
        stride = (side + MARGIN + 7) // 8 * 8  # whole bytes a row, so a symbol's rows are read in as they are
        row = (1 << side) - 1
        modules = sum(row << (y * stride) for y in range(side)) << (MARGIN * stride)
        return cls(side, stride, modules, (1 << ((side + 2 * MARGIN) * stride)) - 1)

    def dark(self, code: zint.Symbol) -> int:
        """libzint's module rows (bit x of a row at byte x // 8, least significant first) as canvas bits."""
        grid = code.encoded_data
        row_bytes, used = grid.nbytes // len(grid), self.stride // 8
        flat = grid.cast("B")
        packed = b"".join([flat[y * row_bytes : y * row_bytes + used] for y in range(self.side)])
        return int.from_bytes(packed, "little") << (MARGIN * self.stride) & self.modules

    def rows(self, dark: int) -> list[int]:
        """Each module row's dark modules, bit x for column x."""
        row = (1 << self.side) - 1
        return [dark >> ((y + MARGIN) * self.stride) & row for y in range(self.side)]


def penalty(canvas: Canvas, dark: int) -> int:
    """The standard's penalty for a symbol whose dark modules are `dark` on `canvas`."""
    light = canvas.modules ^ dark
    outside_or_light = canvas.everything ^ dark
    score = 0
    for step in (1, canvas.stride):  # along rows, then along columns
        for same in (dark, light):
            fives = same & same >> step & same >> 2 * step & same >> 3 * step & same >> 4 * step  # windows of five
            starts = (fives & ~(fives << step)).bit_count()  # a run's first window: none a step before it
            score += N1 * starts + fives.bit_count() - starts  # a run of n ≥ 5: 3 + (n - 5) points
        score += N3 * _finder_like(dark, outside_or_light, step).bit_count()
    for same in (dark, light):
        score += N2 * (same & same >> 1 & same >> canvas.stride & same >> (canvas.stride + 1)).bit_count()
    count = canvas.side * canvas.side
    return score + N4 * (abs(dark.bit_count() * 20 - count * 10) // count)


def _finder_like(dark: int, light: int, step: int) -> int:
    """Where dark:light:dark:light:dark runs 1:1:3:1:1 with four light modules before it or after it."""
    core = (dark & light >> step & dark >> 2 * step & dark >> 3 * step & dark >> 4 * step
            & light >> 5 * step & dark >> 6 * step)  # fmt: skip
    before = light << step & light << 2 * step & light << 3 * step & light << 4 * step
    after = light >> 7 * step & light >> 8 * step & light >> 9 * step & light >> 10 * step
    return core & (before | after)


_differences: dict[int, tuple[Canvas, list[int]]] = {}


def _mask_differences(link: str, first: zint.Symbol) -> tuple[Canvas, list[int]]:
    """For symbols of `first`'s size: their canvas, and which modules each mask turns over compared with
    mask 0, taken from `link` (`first` is its encoding with mask 0) the first time that size is met."""
    if first.width not in _differences:
        canvas = Canvas.of(first.width)
        unmasked = canvas.dark(first)
        others = [canvas.dark(encode(link, mask)) ^ unmasked for mask in range(1, MASKS)]
        _differences[first.width] = (canvas, [0, *others])
    return _differences[first.width]


def best_masked(link: str) -> tuple[int, list[int]]:
    """The mask with the lowest penalty (the lowest number among equals) and that symbol's module rows."""
    first = encode(link, 0)
    canvas, differences = _mask_differences(link, first)
    unmasked = canvas.dark(first)
    candidates = [unmasked ^ difference for difference in differences]
    scores = [penalty(canvas, candidate) for candidate in candidates]
    mask = scores.index(min(scores))
    return mask, canvas.rows(candidates[mask])
