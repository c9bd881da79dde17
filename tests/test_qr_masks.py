"""Choosing a QR code's mask: the same choice libzint makes, from one encoding a link instead of eight scored."""

from __future__ import annotations

import random

import pytest
import zint
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.qr_masks import MASKS, Canvas, _mask_differences, best_masked, encode, penalty

LINKS = [f"https://surveys.example.org/kauppa-{n:04d}/?tp={tp}" for n in range(0, 400, 7) for tp in ("kassa", "ovi")]
LONGER = [f"https://surveys.example.org/{'k' * length}/?tp=hylly" for length in (1, 40, 90, 160, 260)]


def zint_choice(link: str) -> list[int]:
    """libzint's own pick: its encoding with no mask asked for, as canvas rows."""
    code = zint.Symbol()
    code.symbology = zint.Symbology.QRCODE
    code.option_1 = 3
    code.encode(link.encode())
    canvas = Canvas.of(code.width)
    return canvas.rows(canvas.dark(code))


@pytest.mark.parametrize("link", LINKS[::9] + LONGER)
def test_the_chosen_symbol_is_the_one_libzint_chooses_itself(link: str) -> None:
    _, rows = best_masked(link)
    assert rows == zint_choice(link)


def test_libzint_and_this_choice_agree_on_every_link_of_a_large_sample() -> None:
    assert sum(best_masked(link)[1] == zint_choice(link) for link in LINKS) == len(LINKS)


@pytest.mark.parametrize("link", LONGER)
def test_a_mask_turns_over_the_same_modules_whatever_the_data(link: str) -> None:
    """The differences taken from one link hold for another of the same size: the premise of encoding once."""
    side = encode(link, 0).width
    other = link.replace("hylly", "kassa")
    assert encode(other, 0).width == side
    canvas, differences = _mask_differences(link, encode(link, 0))
    unmasked = canvas.dark(encode(other, 0))
    for mask in range(MASKS):
        assert canvas.dark(encode(other, mask)) == unmasked ^ differences[mask]


def reference_penalty(grid: list[list[int]]) -> int:
    """ISO/IEC 18004:2015 §7.8.3, Table 11, module by module (1 dark): the slow reading to check against."""
    side = len(grid)
    lines = [list(row) for row in grid] + [[grid[y][x] for y in range(side)] for x in range(side)]
    score = 0
    for line in lines:
        run, previous = 0, None
        for module in [*line, None]:
            if module == previous:
                run += 1
                continue
            if run >= 5:
                score += 3 + (run - 5)
            run, previous = 1, module
        padded = [0] * 4 + line + [0] * 4  # the quiet zone is light
        for start in range(4, side - 2):
            if padded[start : start + 7] == [1, 0, 1, 1, 1, 0, 1] and (
                not any(padded[start - 4 : start]) or not any(padded[start + 7 : start + 11])
            ):
                score += 40
    for y in range(side - 1):
        for x in range(side - 1):
            if grid[y][x] == grid[y][x + 1] == grid[y + 1][x] == grid[y + 1][x + 1]:
                score += 3
    dark = sum(map(sum, grid))
    return score + 10 * int(abs(dark * 100 / side**2 - 50) // 5)


def canvas_of(grid: list[list[int]]) -> tuple[Canvas, int]:
    canvas = Canvas.of(len(grid))
    dark = 0
    for y, row in enumerate(grid):
        dark |= sum(module << x for x, module in enumerate(row)) << ((y + 4) * canvas.stride)
    return canvas, dark


@settings(max_examples=150, deadline=None)
@given(side=st.integers(min_value=11, max_value=45), seed=st.integers(min_value=0), dark_share=st.floats(0.1, 0.9))
def test_the_penalty_is_the_standards_on_any_grid(side: int, seed: int, dark_share: float) -> None:
    chance = random.Random(seed)
    grid = [[int(chance.random() < dark_share) for _ in range(side)] for _ in range(side)]
    canvas, dark = canvas_of(grid)
    assert penalty(canvas, dark) == reference_penalty(grid)


@pytest.mark.parametrize(
    ("grid", "points"),
    [
        # 42 lines, each one run of 21 (3 + 16); 20 × 20 blocks of 2 × 2 (3 each); none dark: 50 % off, 10 × 10
        ([[0] * 21 for _ in range(21)], 42 * 19 + 400 * 3 + 100),
        ([[1] * 21 for _ in range(21)], 42 * 19 + 400 * 3 + 100),
        ([[(x + y) % 2 for x in range(21)] for y in range(21)], 0),  # a checkerboard scores nothing
        # a finder-like pattern in the middle row of a checkerboard: light before it, past the symbol's edge
        ([[1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0] if y == 5 else [(x + y) % 2 for x in range(11)] for y in range(11)], 40),
    ],
    ids=["light", "dark", "checkerboard", "finder-like"],
)
def test_grids_worked_out_by_hand(grid: list[list[int]], points: int) -> None:
    canvas, dark = canvas_of(grid)
    assert penalty(canvas, dark) == points == reference_penalty(grid)
