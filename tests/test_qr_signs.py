"""Touchpoint QR codes and printable signs: a real decoder reads each code back to its exact link.

The codes are made for print: error correction level Q (a quarter of the symbol may be smudged)
and a four-module quiet zone. Each touchpoint's A5 sign carries the same code inline, the link as
text and the call to action in every survey language.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import segno
from page_tree import parse_page, text_of
from png_pixels import read_png

from functions.manifest import Manifest
from site_builder.build import load_survey
from site_builder.outputs import survey_outputs
from site_builder.qr import qr_png, qr_svg, touchpoint_link
from site_builder.signs import scalable

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is the QR decoder these tests read codes with")

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://kysely.lahde.fi"
SPECS = sorted((ROOT / "survey_specs").glob("*.yaml"))


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[Manifest, dict[str, bytes]]]:
    surveys = {}
    for spec in SPECS:
        _, manifest, theme = load_survey(spec, ROOT / "themes")
        surveys[manifest.id] = (manifest, survey_outputs(manifest, theme, base_url=SITE, api_url=""))
    return surveys


def touchpoints(built: dict[str, tuple[Manifest, dict[str, bytes]]]) -> list[tuple[Manifest, str, dict[str, bytes]]]:
    return [(m, tp.id, files) for m, files in built.values() for tp in m.touchpoints]


def test_every_touchpoints_png_decodes_to_its_exact_link(built: dict[str, tuple[Manifest, dict[str, bytes]]]) -> None:
    found = touchpoints(built)
    assert len(found) == 8
    for manifest, tp, files in found:
        image = read_png(files[f"qr/{tp}.png"])
        code = zxingcpp.read_barcode(image.view())
        assert code is not None, f"{manifest.id}/{tp}: no QR code found"
        assert code.text == f"{SITE}/{manifest.id}/?tp={tp}"
        assert code.format == zxingcpp.BarcodeFormat.QRCode


def test_codes_survive_print_with_level_q_correction_and_a_four_module_quiet_zone() -> None:
    link = touchpoint_link(SITE, "messu-tyytyvaisyys", "osasto-tabletti")
    image = read_png(qr_png(link))
    code = zxingcpp.read_barcode(image.view())
    assert code is not None and code.ec_level in ("Q", "H")
    modules = segno.make(link, error="q", micro=False).symbol_size(border=0)[0]
    scale, rest = divmod(image.width, modules + 8)
    assert rest == 0 and image.height == image.width
    finder_top = 4 * scale + scale // 2  # a row through the top-left finder pattern's dark edge
    first_dark = next(x for x in range(image.width) if image.at(x, finder_top) < 128)
    assert first_dark == 4 * scale
    assert all(image.at(x, y) > 128 for y in range(4 * scale) for x in range(0, image.width, scale))


def test_a_smudged_code_still_reads() -> None:
    """Level Q: paint over a block in the data area (finder patterns untouched) and decode anyway."""
    link = touchpoint_link(SITE, "lahde-asiakaskokemus", "myymala-kamppi")
    image = read_png(qr_png(link))
    pixels = bytearray(image.pixels)
    side = image.width // 8
    for y in range(image.height // 2, image.height // 2 + side):
        pixels[y * image.width + image.width // 2 : y * image.width + image.width // 2 + side] = b"\x00" * side
    smudged = type(image)(image.width, image.height, bytes(pixels))
    code = zxingcpp.read_barcode(smudged.view())
    assert code is not None and code.text == link


def test_each_touchpoint_gets_a_sign_page(built: dict[str, tuple[Manifest, dict[str, bytes]]]) -> None:
    for _, tp, files in touchpoints(built):
        assert f"signs/{tp}.html" in files
    assert {name for _, files in built.values() for name in files if name.startswith("signs/")} == {
        f"signs/{tp}.html" for _, tp, _ in touchpoints(built)
    }


def test_the_sign_carries_the_qr_code_inline_and_the_link_as_text(
    built: dict[str, tuple[Manifest, dict[str, bytes]]],
) -> None:
    _, files = built["lahde-asiakaskokemus"]
    html = files["signs/myymala-tampere.html"].decode()
    link = f"{SITE}/lahde-asiakaskokemus/?tp=myymala-tampere"
    assert scalable(qr_svg(link).decode()) in html
    page = parse_page(html)
    svg = next(page.iter("svg"))
    side = (segno.make(link, error="q", micro=False).symbol_size(border=4)[0]) * 8
    assert svg.get("viewbox") == f"0 0 {side} {side}" and svg.get("role") == "img"  # sized by the sign's CSS
    assert "width" not in svg.attrib
    assert text_of(next(svg.iter("title"))) == link
    link_text = text_of(next(e for e in page.iter("p") if e.get("class") == "link"))
    assert link_text == "kysely.lahde.fi/lahde-asiakaskokemus/?tp=myymala-tampere"
    anchor = next(page.iter("a"))
    assert anchor.get("href") == link


def test_the_sign_calls_to_action_in_every_survey_language(
    built: dict[str, tuple[Manifest, dict[str, bytes]]],
) -> None:
    _, files = built["lahde-asiakaskokemus"]
    page = parse_page(files["signs/myymala-kamppi.html"])
    assert page.find("html").get("lang") == "fi"  # type: ignore[union-attr]
    assert text_of(next(page.iter("h1"))) == "Miten onnistuimme?"
    texts: dict[str, str] = {}
    for element in page.iter("p"):
        if element.get("lang"):
            texts[element.get("lang", "")] = texts.get(element.get("lang", ""), "") + " " + text_of(element)
    assert "Hur lyckades vi?" in texts["sv"] and "Berätta vad du tycker" in texts["sv"]
    assert "How did we do?" in texts["en"]
    assert "Skanna QR-koden" in texts["sv"] and "Scan the QR code" in texts["en"]
    assert "Skannaa QR-koodi puhelimen kameralla tai avaa osoite" in text_of(page)
    assert "Myymälä Kamppi" in text_of(page)


def test_the_sign_wears_the_brand_and_prints_on_one_a5_sheet(
    built: dict[str, tuple[Manifest, dict[str, bytes]]],
) -> None:
    _, files = built["messu-tyytyvaisyys"]
    html = files["signs/osasto-tabletti.html"].decode()
    page = parse_page(html)
    logo = next(page.iter("img"))
    assert logo.get("src", "").startswith("../assets/logo.") and logo.get("alt") == "Valoa Design"
    assert logo.get("src", "").removeprefix("../") in files
    assert "@page{size:A5" in html.replace(" ", "")
    assert "--primary:#FFC940" in html


def test_a_sign_loads_nothing_from_another_host(built: dict[str, tuple[Manifest, dict[str, bytes]]]) -> None:
    for _, tp, files in touchpoints(built):
        page = parse_page(files[f"signs/{tp}.html"])
        for element in page.iter():
            if element.tag in ("img", "script", "link"):
                assert not element.get("src", element.get("href", "")).startswith(("http", "//")), tp
        assert next(page.iter("script"), None) is None
