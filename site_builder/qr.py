"""QR codes for touchpoint links, made for print: a full quiet zone and error correction level Q."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


def touchpoint_link(base_url: str, survey_id: str, touchpoint_id: str) -> str:
    """The link a touchpoint's QR code and sign carry: the survey's default-language page with `?tp=`."""
    return f"{base_url.rstrip('/')}/{survey_id}/?tp={touchpoint_id}"


@lru_cache(maxsize=64)
def _symbol(link: str) -> segno.QRCode:
    """Encoding is most of a QR code's cost; the SVG and the PNG of one link share it."""
    return segno.make(link, error="q", micro=False)


def qr_svg(link: str) -> bytes:
    """A scalable SVG. Level Q survives a quarter of the symbol being smudged on a printed sign."""
    out = io.BytesIO()
    _symbol(link).save(
        out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True, title=link, dark="#000", light="#fff"
    )
    return out.getvalue()


def qr_png(link: str) -> bytes:
    """A PNG large enough for a printed A5 sign at 300 dpi (about 8 cm wide)."""
    out = io.BytesIO()
    symbol = _symbol(link)
    scale = max(8, 1000 // (symbol.symbol_size(border=4)[0]))
    symbol.save(out, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return out.getvalue()
