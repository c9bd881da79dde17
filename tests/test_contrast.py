"""WCAG 2.2 contrast, and a passing colour close to the brand's own when it fails."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.contrast import contrast_ratio, nearest_passing, normalise_hex, oklch, relative_luminance

hex_colors = st.integers(0, 0xFFFFFF).map(lambda n: f"#{n:06X}")


def test_grey_767676_on_white_is_the_lightest_grey_that_passes_aa() -> None:
    assert round(contrast_ratio("#767676", "#FFFFFF"), 2) == 4.54


def test_grey_777_on_white_just_fails_aa_at_4_48() -> None:
    ratio = contrast_ratio("#777", "#fff")
    assert round(ratio, 2) == 4.48
    assert ratio < 4.5


def test_black_on_white_is_21_to_1_whichever_comes_first() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#1D4F91", "#1D4F91") == pytest.approx(1.0)


def test_luminance_runs_from_black_to_white() -> None:
    assert relative_luminance("#000") == 0.0
    assert relative_luminance("#FFF") == pytest.approx(1.0)


def test_short_and_long_hex_forms_are_the_same_colour() -> None:
    assert normalise_hex("#0bf") == "#00BBFF"
    assert contrast_ratio("#0bf", "#fff") == contrast_ratio("#00BBFF", "#FFFFFF")


@pytest.mark.parametrize("bad", ["blue", "#12345", "#GGGGGG", "0B5FFF", "#0B5FFF80"])
def test_anything_but_rgb_hex_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_hex(bad)


def test_the_suggestion_for_777_is_the_neighbouring_grey_767676() -> None:
    assert nearest_passing("#777777", "#FFFFFF", 4.5) == "#767676"


def test_a_colour_that_passes_is_kept() -> None:
    assert nearest_passing("#00704a", "#FFFFFF", 4.5) == "#00704A"


@pytest.mark.parametrize(("fg", "bg", "target"), [
    ("#FFB000", "#FFFFFF", 3.0),  # amber focus ring on white
    ("#0B5FFF", "#FFFFFF", 7.0),  # brand blue pushed to AAA
    ("#5B3A29", "#2B1D14", 4.5),  # brown text on dark brown: must get lighter
    ("#E4003A", "#FFF8F0", 4.5),  # raspberry red on cream
])  # fmt: skip
def test_the_suggestion_passes_and_keeps_the_brand_hue(fg: str, bg: str, target: float) -> None:
    better = nearest_passing(fg, bg, target)
    assert contrast_ratio(better, bg) >= target
    (_, chroma, hue), (_, new_chroma, new_hue) = oklch(fg), oklch(better)
    if min(chroma, new_chroma) > 0.03:
        assert abs(hue - new_hue) < 0.15  # radians: the same colour family, only lighter or darker


def test_dark_text_on_a_dark_background_is_suggested_lighter() -> None:
    better = nearest_passing("#5B3A29", "#2B1D14", 4.5)
    assert relative_luminance(better) > relative_luminance("#5B3A29")


def test_the_suggestion_moves_only_as_far_as_needed() -> None:
    better = nearest_passing("#FFB000", "#FFFFFF", 3.0)
    assert contrast_ratio(better, "#FFFFFF") < 3.1


@settings(deadline=None)  # a loaded CI machine must not turn slowness into a failure
@given(hex_colors, hex_colors)
def test_for_any_pair_the_suggestion_reaches_aa(fg: str, bg: str) -> None:
    # Against any background, black or white reaches at least 4.58:1, so 4.5:1 is always reachable.
    assert contrast_ratio(nearest_passing(fg, bg, 4.5), bg) >= 4.5
