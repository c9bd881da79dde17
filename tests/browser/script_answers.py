"""Answering survey pages the way a respondent does, for the script's browser tests."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, expect


def choose(page: Page, question: str, value: object, row: str = "") -> None:
    """Tick the radio or checkbox with `value` (of likert `row`); scale radios cover their labels, so check()."""
    name = f"{question}.{row}" if row else question
    page.locator(f'[data-question="{question}"] input[name="{name}"][value="{value}"]').check()


def write(page: Page, question: str, text: str) -> None:
    page.locator(f'[data-question="{question}"] :is(input, textarea)').first.fill(text)


def button(page: Page, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


def progress(page: Page) -> Any:
    return page.locator(".progress")


def active_id(page: Page) -> str:
    return str(
        page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.className)")
    )


def queued(page: Page, survey: str) -> list[dict[str, Any]]:
    """The responses waiting in this browser's queue for `survey`."""
    stored = page.evaluate(f"localStorage.getItem('palaute:{survey}')")
    return list(json.loads(stored)) if stored else []


def stored_documents(rows: list[Any]) -> dict[str, dict[str, Any]]:
    """Stored responses by response_id, each the JSON document the store keeps."""
    return {row["response_id"]: json.loads(row["document"]) for row in rows}


def answer_lahde_to_the_end(page: Page, recommend: int = 9) -> None:
    """Kauppa Lähde's three pages with only what is required: recommend and satisfaction."""
    choose(page, "recommend", recommend)
    button(page, "Seuraava").click()
    choose(page, "satisfaction", 4)
    button(page, "Seuraava").click()
    expect(progress(page)).to_have_text("Sivu 3/3")
