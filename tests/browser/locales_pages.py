"""What a localised page must show: its language and direction, no text the portal left in
English, a layout that starts on the language's side, and nothing wider than the window."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page

#: Containers of text the portal does not write: marked ones, and the places the templates
#: show CRM data today (record cells, CRM field labels and values, block titles, numbers,
#: titles, statuses, comments; a sales record's subject stands bare in its heading).
FOREIGN_TEXT = ", ".join((
    "[data-crm]", "[data-operator]", "td", ".field dt", ".field dd", ".detail-block > h2",
    ".ticket-number", ".ticket-title", ".status-badge", ".record-number", ".comment-author",
    ".comment-text", "body.page-sales .page-header h1"))

#: Latin words that are the same in every language: units, file formats.
LATIN_EVERYWHERE = frozenset({"PDF", "CSV", "byte", "kB", "KB", "MB", "GB"})

#: Letters of each language's own script: a text node with some of them is translated (CRM
#: names may stand inside it); one with Latin words and none of them was left in English.
SCRIPTS = {
    "fa": re.compile(r"[\u0600-\u06FF]"),
    "ja": re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]"),
    "ru": re.compile(r"[\u0400-\u04FF]"),
}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

#: Visible text nodes outside FOREIGN_TEXT and outside elements in another language
#: (the language chooser names each language in itself).
_VISIBLE_TEXT_JS = """(foreign) => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    const text = walker.currentNode.textContent.trim();
    if (!text || !element || !element.checkVisibility()) continue;
    if (element.closest(foreign) || element.closest("script, style, option")) continue;
    if (element.closest("[lang]") !== document.documentElement) continue;
    found.push(`${element.tagName.toLowerCase()}.${element.className}: ${text}`);
  }
  return found;
}"""

_OVERFLOW_JS = ("() => document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth")

#: How far (px) an element's start edge is from the window's start edge (left in a
#: left-to-right page, right in a right-to-left one).
_START_GAP_JS = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const rtl = getComputedStyle(document.documentElement).direction === "rtl";
  return rtl ? document.documentElement.clientWidth - box.right : box.left;
}"""


@dataclass(frozen=True)
class PageFacts:
    """What the browser reports about one page."""

    lang: str
    direction: str
    overflow: int
    untranslated: list[str]


def untranslated_text(texts: list[str], language: str, allowed: frozenset[str]) -> list[str]:
    """The texts that have Latin words (beyond ``allowed``) and no letter of the language."""
    script = SCRIPTS[language]
    return [text for text in texts
            if not script.search(text)
            and any(word not in allowed for word in LATIN_WORD.findall(text.split(": ", 1)[1]))]


def page_facts(page: Page, language: str, allowed: frozenset[str]) -> PageFacts:
    """Language, direction, sideways overflow and untranslated text of the page shown."""
    page.wait_for_load_state("load")
    texts = page.evaluate(_VISIBLE_TEXT_JS, FOREIGN_TEXT)
    return PageFacts(
        lang=page.evaluate("() => document.documentElement.lang"),
        direction=page.evaluate("() => getComputedStyle(document.documentElement).direction"),
        overflow=page.evaluate(_OVERFLOW_JS),
        untranslated=untranslated_text(texts, language, allowed | LATIN_EVERYWHERE))


def start_gap(page: Page, selector: str) -> float:
    """Distance of ``selector``'s start edge from the window's start edge, in px."""
    return page.evaluate(_START_GAP_JS, selector)


def back_arrow_transform(page: Page) -> str:
    """The computed transform of the back link's arrow ("none" unless it is turned round)."""
    return page.evaluate(
        "() => getComputedStyle(document.querySelector('.back-link .arrow-back')).transform")
