"""A printable, branded A5 sign per touchpoint (`signs/<touchpoint>.html`): print it, put it where respondents are.

The sign carries the brand's logo, a call to action in every survey language, the touchpoint's
QR code inline (the same SVG as `qr/<touchpoint>.svg`, so it prints sharp at any size) and its
link as text for anyone who cannot scan. It is one sheet: `@page { size: A5 }` in `sign.html`,
which a theme may override like any other template.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass

from functions.manifest import Manifest, Touchpoint
from site_builder.messages import message, translated
from site_builder.page_shells import Slots, page_bytes
from site_builder.page_slots import view_key
from site_builder.page_views import replaced, stylesheet
from site_builder.qr import qr_svg, touchpoint_link
from site_builder.render import environment
from site_builder.theme import Theme


@dataclass(frozen=True)
class Call:
    """The sign's words in one language."""

    lang: str
    title: str
    action: str
    scan: str


@dataclass(frozen=True)
class SignView:
    lang: str
    title: str
    brand: str
    logo_src: str
    logo_alt: str
    logo_size: tuple[int, int] | None
    css: str
    calls: list[Call]
    place: str
    """The touchpoint's label, small at the foot, so whoever puts signs up puts each in its place."""
    qr_svg: str
    link: str
    short_link: str
    """The link as a person types it: without `https://`."""


def sign_view(manifest: Manifest, theme: Theme, touchpoint: Touchpoint, link: str) -> SignView:
    lang = manifest.default_language
    calls = [
        Call(lang=other, title=translated(manifest.title, other), action=message(other, "sign_cta"),
             scan=message(other, "sign_scan"))
        for other in manifest.languages
    ]  # fmt: skip
    return SignView(
        lang=lang, title=f"{translated(touchpoint.label, lang)} – {translated(manifest.title, lang)}",
        brand=theme.tokens.name, logo_src=f"../{theme.logo_url}" if theme.logo_url else "",
        logo_alt=theme.tokens.logo_alt, logo_size=theme.logo_size, css=stylesheet(theme, "../assets/"), calls=calls,
        place=translated(touchpoint.label, lang), qr_svg=scalable(qr_svg(link).decode("utf-8")), link=link,
        short_link=link.split("://", 1)[-1],
    )  # fmt: skip


_SIZE = re.compile(r'^<svg([^>]*?) width="(\d+)" height="(\d+)"')


def scalable(svg: str) -> str:
    """The QR code's SVG with a viewBox instead of a pixel size, so the sign's CSS sets its printed size."""
    return _SIZE.sub(r'<svg\1 viewBox="0 0 \2 \3" role="img"', svg, count=1)


_SIGN_TEMPLATES = ("sign.html",)


def sign_slots(sign: SignView, slots: Slots) -> tuple[SignView, tuple[Hashable, ...]]:
    """What differs from sign to sign: the touchpoint's link, code and place, and the survey's title."""
    marked = replaced(
        sign,
        title=slots.add(sign.title),
        calls=[replaced(call, title=slots.add(call.title)) for call in sign.calls],
        place=slots.add(sign.place),
        qr_svg=slots.add(sign.qr_svg, raw=True),
        link=slots.add(sign.link),
        short_link=slots.add(sign.short_link),
    )
    return marked, view_key(marked)


def sign_pages(manifest: Manifest, theme: Theme, *, base_url: str) -> dict[str, bytes]:
    """`signs/<touchpoint>.html` for every touchpoint, relative to the survey folder: from one shell when
    the sign's template is the built-in one."""
    env = environment(tuple(theme.template_dirs))
    pages: dict[str, bytes] = {}
    for touchpoint in manifest.touchpoints:
        view = sign_view(manifest, theme, touchpoint, touchpoint_link(base_url, manifest.id, touchpoint.id))
        pages[f"signs/{touchpoint.id}.html"] = page_bytes(
            env, "sign.html", _SIGN_TEMPLATES, {"sign": (view, sign_slots)}
        )
    return pages
