"""Rendered pages parsed into an ElementTree, strictly: an unclosed or misnested tag fails the test."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ElementTree.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ElementTree.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ElementTree.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"</{tag}> closes a void element"
        open_tag = self.stack[-1].tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        parent = self.stack[-1]
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data


def parse_page(html: str | bytes) -> ElementTree.Element:
    builder = _TreeBuilder()
    builder.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
    builder.close()
    assert builder.stack == [builder.root], f"unclosed <{builder.stack[-1].tag}>"
    return builder.root


def text_of(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def by_id(root: ElementTree.Element) -> dict[str, ElementTree.Element]:
    ids: dict[str, ElementTree.Element] = {}
    for element in root.iter():
        if "id" in element.attrib:
            assert element.attrib["id"] not in ids, f"duplicate id {element.attrib['id']}"
            ids[element.attrib["id"]] = element
    return ids


def question_element(root: ElementTree.Element, question_id: str) -> ElementTree.Element:
    found = [e for e in root.iter("div") if e.get("data-question") == question_id]
    assert len(found) == 1, f"{len(found)} wrappers for question {question_id}"
    return found[0]
