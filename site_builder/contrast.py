"""WCAG 2.2 contrast between two sRGB colours, and the nearest colour that would pass.

A producer whose brand colour fails AA needs more than "fails": they need a colour that
passes and still looks like theirs. `nearest_passing` keeps the hue and chroma of the
colour in OKLCH (a perceptual space, so equal steps look equal) and moves only its
lightness, darker or lighter, whichever lands closer to the original.
"""

from __future__ import annotations

import math
import re

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

RGB = tuple[float, float, float]


def is_hex_color(value: str) -> bool:
    return bool(_HEX.match(value))


def normalise_hex(color: str) -> str:
    """`#abc` → `#AABBCC`; raises ValueError for anything but #RGB or #RRGGBB."""
    if not is_hex_color(color):
        raise ValueError(f"not a #RGB or #RRGGBB colour: {color!r}")
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits.upper()


def _channels(color: str) -> RGB:
    digits = normalise_hex(color)[1:]
    return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)


def _to_hex(rgb: RGB) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02X}" for c in rgb)


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def relative_luminance(color: str) -> float:
    """WCAG 2.2 relative luminance, 0 (black) … 1 (white)."""
    r, g, b = (_linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio, 1 … 21, the same whichever colour is given first."""
    a, b = relative_luminance(first), relative_luminance(second)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def oklch(color: str) -> RGB:
    """(lightness 0…1, chroma, hue in radians) in OKLCH, where equal steps look equally different."""
    r, g, b = (_linear(c) for c in _channels(color))
    l_ = (0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b) ** (1 / 3)
    m_ = (0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b) ** (1 / 3)
    s_ = (0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b) ** (1 / 3)
    lightness = 0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_
    a = 1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_
    bb = 0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_
    chroma = math.hypot(a, bb)
    # Greys come out with a few 1e-5 of chroma from rounding; a hue that small is noise, not colour.
    return lightness, (chroma if chroma > 1e-3 else 0.0), math.atan2(bb, a)


def _linear_rgb(lightness: float, chroma: float, hue: float) -> RGB:
    a, b = chroma * math.cos(hue), chroma * math.sin(hue)
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
        -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
        -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_,
    )


def _from_oklch(lightness: float, chroma: float, hue: float) -> str:
    """The sRGB colour at this lightness, with chroma reduced until it fits the sRGB gamut."""
    low, high = 0.0, chroma
    rgb = _linear_rgb(lightness, chroma, hue)
    if not all(-1e-6 <= c <= 1 + 1e-6 for c in rgb):
        for _ in range(24):
            mid = (low + high) / 2
            if all(-1e-6 <= c <= 1 + 1e-6 for c in _linear_rgb(lightness, mid, hue)):
                low = mid
            else:
                high = mid
        rgb = _linear_rgb(lightness, low, hue)
    r, g, b = (_gamma(min(1.0, max(0.0, c))) for c in rgb)
    return _to_hex((r, g, b))


def _distance(first: str, second: str) -> float:
    """Perceptual distance in OKLab."""
    (l1, c1, h1), (l2, c2, h2) = oklch(first), oklch(second)
    da = c1 * math.cos(h1) - c2 * math.cos(h2)
    db = c1 * math.sin(h1) - c2 * math.sin(h2)
    return math.sqrt((l1 - l2) ** 2 + da**2 + db**2)


def _search(fg: str, bg: str, target: float, towards: float) -> str | None:
    """Bisect lightness between fg's and `towards` (0 black, 1 white) for the first passing colour."""
    lightness, chroma, hue = oklch(fg)
    end = _from_oklch(towards, chroma, hue)
    if contrast_ratio(end, bg) < target:
        return None
    near, far = lightness, towards
    for _ in range(40):
        mid = (near + far) / 2
        if contrast_ratio(_from_oklch(mid, chroma, hue), bg) >= target:
            far = mid
        else:
            near = mid
    return _from_oklch(far, chroma, hue)


def nearest_passing(fg: str, bg: str, target: float) -> str:
    """The colour closest to `fg` that has at least `target` contrast against `bg` (as #RRGGBB).

    `fg` itself when it already passes. When no lightness of fg's hue can reach the target
    (only possible above about 4.6:1 against mid-grey backgrounds), black or white, whichever
    contrasts more.
    """
    fg, bg = normalise_hex(fg), normalise_hex(bg)
    if contrast_ratio(fg, bg) >= target:
        return fg
    found = [c for c in (_search(fg, bg, target, 0.0), _search(fg, bg, target, 1.0)) if c is not None]
    passing = [c for c in found if contrast_ratio(c, bg) >= target]
    if not passing:
        return max(("#000000", "#FFFFFF"), key=lambda c: contrast_ratio(c, bg))
    return min(passing, key=lambda c: _distance(c, fg))
