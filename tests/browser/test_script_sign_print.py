"""A touchpoint's sign, printed by Chromium: one A5 sheet, and its QR code scans back to the touchpoint link."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from harness import Server
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from png_pixels import read_png

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is the QR decoder these tests read codes with")

SIGNS = [("messu-tyytyvaisyys", "osasto-tabletti"), ("lahde-asiakaskokemus", "asiakaspalvelu"),
         ("digikypsyys", "uutiskirje")]  # fmt: skip


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize(("survey", "touchpoint"), SIGNS)
def test_a_sign_prints_on_one_a5_sheet(server: Server, page: Page, survey: str, touchpoint: str) -> None:
    page.goto(server.url + f"/{survey}/signs/{touchpoint}.html")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box is not None
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in box.groups())
    assert round(width_mm) == 148 and round(height_mm) == 210


@pytest.mark.parametrize(("survey", "touchpoint"), SIGNS)
def test_the_printed_code_scans_back_to_the_touchpoint_link(
    server: Server, page: Page, survey: str, touchpoint: str
) -> None:
    page.goto(server.url + f"/{survey}/signs/{touchpoint}.html")
    page.emulate_media(media="print")
    image = read_png(page.locator(".qr svg").screenshot())
    code = zxingcpp.read_barcode(image.view())
    assert code is not None
    assert code.text == f"{server.url}/{survey}/?tp={touchpoint}"
    assert page.locator(".link").inner_text() == f"{server.url.split('://')[1]}/{survey}/?tp={touchpoint}"
