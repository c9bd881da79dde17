"""Everything one survey's folder in `dist/` holds, as relative path → bytes (nothing written yet)."""

from __future__ import annotations

from functions.manifest import Manifest
from site_builder.qr import qr_png, qr_svg, touchpoint_link
from site_builder.render import render_survey
from site_builder.signs import sign_pages
from site_builder.theme import Theme


def survey_outputs(manifest: Manifest, theme: Theme, *, base_url: str, api_url: str) -> dict[str, bytes]:
    files = render_survey(manifest, theme, base_url=base_url, api_url=api_url)
    files["form.json"] = manifest.to_json().encode("utf-8")
    for touchpoint in manifest.touchpoints:
        link = touchpoint_link(base_url, manifest.id, touchpoint.id)
        files[f"qr/{touchpoint.id}.svg"] = qr_svg(link)
        files[f"qr/{touchpoint.id}.png"] = qr_png(link)
    files.update(sign_pages(manifest, theme, base_url=base_url))
    return files
