"""QR codes for touchpoint links, made for print: a full quiet zone and error correction level Q."""

from __future__ import annotations

import io

import segno


def touchpoint_link(base_url: str, survey_id: str, touchpoint_id: str) -> str:
    """The link a touchpoint's QR code and sign carry: the survey's default-language page with `?tp=`."""
    return f"{base_url.rstrip('/')}/{survey_id}/?tp={touchpoint_id}"


def qr_svg(link: str) -> bytes:
    """A scalable SVG. Level Q survives a quarter of the symbol being smudged on a printed sign."""
    out = io.BytesIO()
    segno.make(link, error="q", micro=False).save(out, kind="svg", scale=8, border=4, xmldecl=False, svgns=True,
                                                 title=link, dark="#000", light="#fff")  # fmt: skip
    return out.getvalue()


def qr_png(link: str) -> bytes:
    """A PNG large enough for a printed A5 sign at 300 dpi (about 8 cm wide)."""
    out = io.BytesIO()
    symbol = segno.make(link, error="q", micro=False)
    scale = max(8, 1000 // (symbol.symbol_size(border=4)[0]))
    symbol.save(out, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return out.getvalue()
