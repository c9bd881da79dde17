"""Touchpoint QR codes and printable signs: a real decoder reads each code back to its exact link.

The codes are made for print: error correction level Q (a quarter of the symbol may be smudged)
and a four-module quiet zone. The encoder is zxing-cpp's, so the checks here do not take its word:
the SVG's path is rasterised here, module by module, and decoded; the PNG (read by our own small
PNG reader) must carry exactly the same module grid. Each touchpoint's A5 sign carries the same
code inline, the link as text and the call to action in every survey language.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from page_tree import parse_page, text_of
from png_pixels import GreyImage, read_png

from functions.manifest import Manifest
from site_builder.build import load_survey
from site_builder.outputs import survey_outputs
from site_builder.qr import qr_png, qr_svg, symbol, touchpoint_link
from site_builder.signs import scalable

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is the QR decoder these tests read codes with")

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://kysely.lahde.fi"
SPECS = sorted((ROOT / "survey_specs").glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"
QUIET = 4

Grid = list[list[bool]]
"""A code's modules row by row, quiet zone included: True is dark."""


@pytest.fixture(scope="module")
def built() -> dict[str, tuple[Manifest, dict[str, bytes]]]:
    surveys = {}
    for spec in SPECS:
        _, manifest, theme = load_survey(spec, ROOT / "themes")
        surveys[manifest.id] = (manifest, survey_outputs(manifest, theme, base_url=SITE, api_url=""))
    return surveys


def touchpoints(built: dict[str, tuple[Manifest, dict[str, bytes]]]) -> list[tuple[Manifest, str, dict[str, bytes]]]:
    return [(m, tp.id, files) for m, files in built.values() for tp in m.touchpoints]


def svg_grid(svg: bytes) -> Grid:
    """Rasterise the code's SVG: a white square, then one path of unit-wide horizontal strokes through module rows."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and int(root.get("width", "")) == int(root.get("height", ""))
    group = root.find(f"{SVG}g")
    assert group is not None and group.get("transform") == "scale(8)"
    side = int(root.get("width", "")) // 8
    assert side * 8 == int(root.get("width", ""))
    background, strokes = group.findall(f"{SVG}path")
    assert background.get("fill") == "#fff" and background.get("d") == f"M0 0h{side}v{side}h-{side}z"
    assert strokes.get("stroke") == "#000" and strokes.get("stroke-width", "1") == "1"
    grid = [[False] * side for _ in range(side)]
    x = y = 0.0
    d = strokes.get("d", "")
    commands = re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", d)
    assert "".join(c + a + (" " + b if b else "") for c, a, b in commands) == d, "only M, m and h in the path"
    for command, a, b in commands:
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            assert y % 1 == 0.5 and x % 1 == 0 and float(a) > 0, "strokes run along module rows, whole modules long"
            for column in range(int(x), int(x + float(a))):
                assert not grid[int(y)][column], "each module is drawn once"
                grid[int(y)][column] = True
            x += float(a)
    return grid


def raster(grid: Grid, scale: int = 4) -> GreyImage:
    side = len(grid) * scale
    rows = [b"".join((b"\x00" if dark else b"\xff") * scale for dark in row) * scale for row in grid]
    return GreyImage(side, side, b"".join(rows))


def png_grid(png: bytes, side: int) -> Grid:
    """The PNG's modules, after checking every pixel of every module agrees with its module."""
    image = read_png(png)
    scale, rest = divmod(image.width, side)
    assert rest == 0 and image.height == image.width, "whole pixels per module, a square image"
    grid = [[image.at(x * scale + scale // 2, y * scale + scale // 2) < 128 for x in range(side)] for y in range(side)]
    assert image.pixels == raster(grid, scale).pixels, "every pixel pure black or white, module-aligned"
    return grid


def decode(grid: Grid) -> zxingcpp.Barcode:
    code = zxingcpp.read_barcode(raster(grid).view())
    assert code is not None, "no QR code found"
    assert code.format == zxingcpp.BarcodeFormat.QRCode
    return code


def smallest_byte_mode_version(link: str) -> int:
    """The smallest QR version whose level Q holds the link as one byte-mode segment (ISO 18004, table 7):
    in ISO 8859-1, QR's default character set, where it suffices, else in UTF-8."""
    capacity = [0, 11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442, 482]
    try:
        size = len(link.encode("iso-8859-1"))
    except UnicodeEncodeError:
        size = len(link.encode())
    return next(version for version, holds in enumerate(capacity) if holds >= size)


def test_every_touchpoints_svg_and_png_decode_to_its_exact_link(
    built: dict[str, tuple[Manifest, dict[str, bytes]]],
) -> None:
    found = touchpoints(built)
    assert len(found) == 8
    for manifest, tp, files in found:
        link = f"{SITE}/{manifest.id}/?tp={tp}"
        grid = svg_grid(files[f"qr/{tp}.svg"])
        assert decode(grid).text == link, f"{manifest.id}/{tp}"
        assert png_grid(files[f"qr/{tp}.png"], len(grid)) == grid, f"{manifest.id}/{tp}: PNG and SVG differ"
        code = zxingcpp.read_barcode(read_png(files[f"qr/{tp}.png"]).view())  # the PNG as a phone would see it
        assert code is not None and code.text == link


def test_every_touchpoint_gets_its_own_code(built: dict[str, tuple[Manifest, dict[str, bytes]]]) -> None:
    found = touchpoints(built)
    svgs = {files[f"qr/{tp}.svg"] for _, tp, files in found}
    pngs = {files[f"qr/{tp}.png"] for _, tp, files in found}
    grids = {str(svg_grid(files[f"qr/{tp}.svg"])) for _, tp, files in found}
    assert len(svgs) == len(pngs) == len(grids) == len(found) == 8


LINKS = [
    touchpoint_link(SITE, "messu-tyytyvaisyys", "osasto-tabletti"),
    touchpoint_link(SITE, "k" * 80, "t" * 64),  # the longest ids a spec allows
    touchpoint_link("https://kysely.ääkköset.example", "pääsy-åland", "myymälä-öljy"),
    touchpoint_link("https://kysely.example", "tapahtuma", "ravintola-€-näyttö-東京"),
]


@pytest.mark.parametrize("link", LINKS, ids=["plain", "longest", "latin-1", "beyond-latin-1"])
def test_links_round_trip_at_level_q_in_the_smallest_version(link: str) -> None:
    grid = svg_grid(qr_svg(link))
    code = decode(grid)
    assert code.text == link
    assert code.ec_level == "Q"  # read from the symbol's own format bits
    version, rest = divmod(len(grid) - 2 * QUIET - 17, 4)
    assert rest == 0 and 1 <= version <= smallest_byte_mode_version(link)
    assert png_grid(qr_png(link), len(grid)) == grid
    assert ET.fromstring(qr_svg(link)).findtext(f"{SVG}title") == link


def test_links_are_ascii_so_every_scanner_reads_them_alike() -> None:
    """Byte mode names no character set: a non-ASCII link would be read differently by different phones."""
    assert all(link.isascii() for link in LINKS)
    assert LINKS[0] == f"{SITE}/messu-tyytyvaisyys/?tp=osasto-tabletti"  # an ASCII link is left as it is
    idn = urlsplit(LINKS[2])
    assert idn.hostname == "kysely.ääkköset.example".encode("idna").decode("ascii")
    assert unquote(idn.path) == "/pääsy-åland/" and parse_qs(idn.query) == {"tp": ["myymälä-öljy"]}
    assert parse_qs(urlsplit(LINKS[3]).query) == {"tp": ["ravintola-€-näyttö-東京"]}
    assert touchpoint_link("", "messu", "halli-1") == "/messu/?tp=halli-1"  # no --base-url: relative


@pytest.mark.parametrize("link", LINKS[:2], ids=["plain", "longest"])
def test_codes_keep_a_four_module_quiet_zone_and_print_about_1000_px_wide(link: str) -> None:
    grid = svg_grid(qr_svg(link))
    side = len(grid)
    border = [grid[y][x] for y in range(side) for x in range(side) if min(x, y, side - 1 - x, side - 1 - y) < QUIET]
    assert not any(border)
    assert grid[QUIET][QUIET] and grid[QUIET][side - 1 - QUIET] and grid[side - 1 - QUIET][QUIET]  # finder corners
    image = read_png(qr_png(link))
    scale = image.width // side
    assert scale == max(8, 1000 // side) and image.width == side * scale and 900 <= image.width <= 1000


def test_a_smudged_code_still_reads_where_level_m_would_not() -> None:
    """Level Q: paint over 15% of the symbol in its data area (finder patterns untouched) and decode anyway;
    the same smudge on a level M code of the same link loses it, so the smudge is a real test of the level."""
    link = touchpoint_link(SITE, "lahde-asiakaskokemus", "myymala-kamppi")

    def smudged(grid: Grid) -> Grid:
        symbol = len(grid) - 2 * QUIET
        block = int((0.15 * symbol * symbol) ** 0.5)
        start = QUIET + 9  # just past the top-left finder pattern and its format information
        return [
            [dark or (start <= x < start + block and start <= y < start + block) for x, dark in enumerate(row)]
            for y, row in enumerate(grid)
        ]

    ours = smudged(svg_grid(qr_svg(link)))
    assert sum(map(sum, ours)) > sum(map(sum, svg_grid(qr_svg(link))))
    assert decode(ours).text == link
    level_m = zxingcpp.create_barcode(link, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert zxingcpp.read_barcode(raster(smudged(zxing_grid(level_m))).view()) is None


def zxing_grid(barcode: zxingcpp.Barcode) -> Grid:
    """A code zxing-cpp made, as a module grid with a four-module quiet zone."""
    matrix = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))
    side = matrix.shape[0] if matrix.shape else 0
    light = [False] * (side + 2 * QUIET)
    rows = [[False] * QUIET + [matrix[y, x] == 0 for x in range(side)] + [False] * QUIET for y in range(side)]
    return [light[:] for _ in range(QUIET)] + rows + [light[:] for _ in range(QUIET)]


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
    side = len(svg_grid(qr_svg(link))) * 8
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


@pytest.mark.parametrize("length", [1, 40, 120, 300, 700])
def test_codes_of_every_size_draw_exactly_the_encoders_modules(length: int) -> None:
    """The SVG path runs across row ends and the PNG packs several modules a byte: neither may shift a module."""
    link = f"{SITE}/{'kysely-' * length}"[: len(SITE) + 1 + length]
    code = symbol(link)
    expected = [[False] * (code.side + 2 * QUIET) for _ in range(code.side + 2 * QUIET)]
    for y, row in enumerate(code.rows()):
        for x, module in enumerate(row):
            expected[y + QUIET][x + QUIET] = module == 0
    assert svg_grid(qr_svg(link)) == expected
    assert png_grid(qr_png(link), len(expected)) == expected
