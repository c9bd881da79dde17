"""What a respondent does on a survey page, in the page's own terms (question ids, option ids).

A question is the `.q[data-question=<id>]` wrapper the templates make; how it is answered follows
its `data-type`. Moving on is done the way a person would: the visible button that is not "back"
(the script's "next" on a paged survey, the form's own submit on the last page or without paging).
"""

from __future__ import annotations

import json
import re
from typing import Any

from audit import focus_indicator

BACK_WORDS = re.compile(r"edellinen|takaisin|föregående|tillbaka|back|previous", re.IGNORECASE)
WAIT_MS = 10_000
"""Every wait in the journeys is bounded by this (a page that never reacts fails, it never hangs)."""

STORE_RESPONSES = [
    {"lang": "fi", "tp": "myymala-kamppi", "hidden": {"campaign": "kevat"}, "answers": {
        "recommend": 10, "praise": "Myyjä löysi juuri oikean koon.", "satisfaction": 5, "effort": 7,
        "topics": ["service"], "channel": "friend", "store_aspects": {"staff": 5, "queue": 4}, "visits": 12}},
    {"lang": "fi", "tp": "verkkokauppa", "hidden": {"campaign": "joulu"}, "answers": {
        "recommend": 9, "satisfaction": 4, "effort": 6, "topics": ["price", "selection"], "channel": "ad",
        "store_aspects": {"staff": 4, "queue": 3}, "visits": 4}},
    {"lang": "fi", "tp": "myymala-tampere", "answers": {
        "recommend": 3, "reason": "Kassajono oli pitkä ja itsepalvelukassa rikki.", "satisfaction": 2,
        "effort": 2, "topics": ["price"], "channel": "other", "channel.other": "Lehtimainoksesta"}},
    {"lang": "sv", "tp": "verkkokauppa", "hidden": {"campaign": "joulu"}, "answers": {
        "recommend": 7, "satisfaction": 4, "effort": 5, "topics": ["delivery"], "channel": "social"}},
    {"lang": "sv", "tp": "myymala-kamppi", "answers": {
        "recommend": 6, "reason": "Kunde ha fler storlekar i lager.", "satisfaction": 3, "topics": ["selection"],
        "visits": 1}},
    {"lang": "fi", "tp": "verkkokauppa", "hidden": {"campaign": "joulu"}, "answers": {
        "recommend": 10, "praise": "Toimitus tuli päivässä.", "satisfaction": 5, "effort": 7,
        "store_aspects": {"staff": 5, "queue": 5}, "contact_ok": True, "contact_email": "aino.virtanen@example.fi"}},
    {"lang": "en", "tp": "asiakaspalvelu", "answers": {
        "recommend": 8, "satisfaction": 4, "effort": 4, "topics": ["service", "price"], "channel": "friend"}},
]  # fmt: skip
"""Kauppa Lähde's customers, as the page's script would post them: enough for every report figure."""

FORWARD_BUTTON = """(back) => {
  const form = document.querySelector('form[data-survey]');
  if (!form) return null;
  const moves = b => b.checkVisibility() && !new RegExp(back, 'i').test(b.textContent);
  const shown = [...form.querySelectorAll('button')].filter(moves);
  const button = shown[shown.length - 1];
  if (!button) return null;
  document.querySelectorAll('[data-qa-forward]').forEach(b => b.removeAttribute('data-qa-forward'));
  button.setAttribute('data-qa-forward', '');
  return button.textContent.trim();
}"""


def question(page: Any, question_id: str) -> Any:
    return page.locator(f'.q[data-question="{question_id}"]')


def answer(page: Any, question_id: str, value: Any, *, other: str | None = None) -> None:
    """Answer one question the way its type is answered on screen (clicks and typing)."""
    q = question(page, question_id)
    kind = q.get_attribute("data-type", timeout=WAIT_MS)
    if kind in ("nps", "csat", "ces", "rating", "single_choice"):
        q.locator(f'input[name="{question_id}"][value="{value}"]').check(timeout=WAIT_MS)
        if other is not None:
            q.locator(f'input[name="{question_id}.other"]').fill(other, timeout=WAIT_MS)
    elif kind == "multi_choice":
        for option in value:
            q.locator(f'input[name="{question_id}"][value="{option}"]').check(timeout=WAIT_MS)
    elif kind == "likert":
        for row, level in value.items():
            q.locator(f'input[name="{question_id}.{row}"][value="{level}"]').check(timeout=WAIT_MS)
    elif kind == "consent":
        q.locator("input[type=checkbox]").set_checked(bool(value), timeout=WAIT_MS)
    elif kind in ("text", "email", "number"):
        q.locator("input, textarea").first.fill(str(value), timeout=WAIT_MS)
    else:
        raise ValueError(f"no way to answer a {kind} question ({question_id})")


def forward_button(page: Any) -> Any:
    """The button that moves the respondent on: "next" on a paged survey, else submit."""
    label = page.evaluate(FORWARD_BUTTON, BACK_WORDS.pattern)
    assert label is not None, "the form shows no button to move on with"
    return page.locator("[data-qa-forward]")


def go_forward(page: Any) -> None:
    forward_button(page).click(timeout=WAIT_MS)


def current_page(page: Any) -> list[int]:
    """The indexes of the survey's page sections shown now (every one without the script)."""
    shown = page.evaluate(
        "() => [...document.querySelectorAll('section.page')].filter(s => s.checkVisibility()).map(s => s.dataset.page)"
    )
    return [int(index) for index in shown]


def is_shown(page: Any, question_id: str) -> bool:
    return bool(question(page, question_id).evaluate("el => el.checkVisibility()", timeout=WAIT_MS))


def stored_documents(rows: list[Any]) -> list[dict[str, Any]]:
    """The StoredResponse JSON of each row `Server.responses()` read."""
    return [json.loads(row["document"]) for row in rows]


def wait_for_thanks(page: Any, path: str) -> None:
    """The thank-you page of `path` (e.g. `/lahde-asiakaskokemus/fi/thanks/`) is loaded."""
    page.wait_for_url(re.compile(re.escape(path) + r"(\?.*)?$"), timeout=WAIT_MS)


def wait_for_section(page: Any, index: int) -> None:
    """The survey shows its page section `index` and no other (the script pages the form)."""
    page.wait_for_function(
        """index => {
          const shown = [...document.querySelectorAll('section.page')].filter(s => s.checkVisibility());
          return shown.length === 1 && shown[0].dataset.page === String(index);
        }""",
        arg=index,
        timeout=WAIT_MS,
    )


class KeyboardRespondent:
    """A respondent with a keyboard only. After every key press the focus must be somewhere (never
    <body>) and drawn (an outline or box shadow of 2 px or more); `stops` keeps the trail for messages."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.stops: list[str] = []

    def press(self, key: str, *, check: bool = True) -> None:
        self.page.keyboard.press(key)
        if check:
            self.check_focus(f"after {key}")

    def check_focus(self, when: str) -> None:
        where = focus_indicator(self.page)
        self.stops.append(str(where["element"]))
        trail = " → ".join(self.stops[-8:])
        assert where["element"] != "body", f"focus was lost to <body> {when} (trail: {trail})"
        assert where["visible"], f"focus on {where['element']} is not visible {when}: {where} (trail: {trail})"

    def focused(self, selector: str) -> bool:
        return bool(self.page.evaluate("s => Boolean(document.activeElement?.matches(s))", selector))

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 40) -> None:
        """Tab (or Shift+Tab) until the focused element matches `selector`."""
        for _ in range(limit):
            if self.focused(selector):
                return
            self.press("Shift+Tab" if backwards else "Tab")
        assert self.focused(selector), f"{limit} presses never reached {selector} (trail: {self.stops[-10:]})"

    def tab_to_forward_button(self) -> None:
        forward_button(self.page)
        self.tab_to("[data-qa-forward]")

    def pick_on_scale(self, steps: int) -> None:
        """In a radio group whose first radio has focus: Space picks it, each right arrow the next one."""
        self.press("Space")
        for _ in range(steps):
            self.press("ArrowRight")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.check_focus(f"after typing {text[:20]!r}")
