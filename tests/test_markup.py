"""Producer Markdown as safe HTML: a plain sentence takes a short way, which must make what Markdown makes."""

from __future__ import annotations

import random

import pytest

from site_builder.markup import markdown_html, plain_sentences_html, render_markdown

WORDS = ["Kiitos", "vastauksesta", "Åbo", "ÄÖ", "myymälä", "3", "2026"]
PIECES = [*WORDS, *WORDS, " ", " ", " ", "  ", "*", "**", "**", "***", ".", ",", "!", "?", "(", ")", ":", ";", "%",
          "€", "/", "–", "—", "-", "_", "#", "1.", "\n", "\t", "&", "<b>", "'", '"', "[", "]", "`", "\\",
          "\u00a0", ">", "+", "="]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Vastaaminen vie noin **minuutin**.", "<p>Vastaaminen vie noin <strong>minuutin</strong>.</p>"),
        (
            "Butik 12 (Åbo): **ny** och **gammal**!",
            "<p>Butik 12 (Åbo): <strong>ny</strong> och <strong>gammal</strong>!</p>",
        ),
    ],
)
def test_a_plain_sentence_is_a_paragraph_with_its_strong_words(text: str, html: str) -> None:
    assert plain_sentences_html(text) == html
    assert markdown_html(text) == html


@pytest.mark.parametrize(
    "text",
    ["- Kahvi\n- Tee", "1. Ensin", "# Otsikko", "> lainaus", "Katso [sivu](https://k.example)", "a ** b ** c",
     "*kursiivi*", "Hinta 10\u00a0%", "Tom & Jerry", "<b>lihava</b>", "kaksi  välilyöntiä", "loppuu välilyöntiin ",
     "snake_case", "rivi\ntoinen"],
)  # fmt: skip
def test_anything_more_than_a_plain_sentence_takes_the_markdown_way(text: str) -> None:
    assert plain_sentences_html(text) is None
    assert render_markdown(text) == markdown_html(text)


def test_the_short_way_makes_what_markdown_makes_for_every_text_it_takes() -> None:
    rng = random.Random(7)
    taken = 0
    for _ in range(4000):
        text = rng.choice(WORDS) + "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 8)))
        plain = plain_sentences_html(text)
        if plain is not None:
            taken += 1
            assert plain == markdown_html(text), repr(text)
    assert taken > 200  # the comparison saw many texts the short way takes
