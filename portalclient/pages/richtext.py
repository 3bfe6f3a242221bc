"""Rich text from the CRM (FAQ answers written in CKEditor), shown through an allow-list sanitizer.

Everything else the CRM sends is plain text. FAQ answers are the exception: the CRM stores them
as HTML and the customer should see the formatting (PROTOCOL 6.2). ``crm.models.Faq.answer_html``
carries that HTML decoded but untouched; this module is the only place that turns it into markup,
and only via nh3 with a short allow-list. Answers without tags are plain text with line breaks.
"""

from __future__ import annotations

import html
import re

import nh3
from flask import Flask
from markupsafe import Markup, escape

ALLOWED_TAGS = frozenset({
    "p", "br", "ul", "ol", "li", "b", "strong", "i", "em", "u", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "code", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
#: Elements dropped together with their content.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template",
                                  "noscript", "svg", "math", "textarea", "select"})

#: Element names that make a value HTML; "Press <Enter>" stays plain text.
HTML_ELEMENTS = ALLOWED_TAGS | DROPPED_WITH_CONTENT | frozenset({
    "div", "span", "font", "h1", "h2", "hr", "sub", "sup", "s", "strike", "small", "big",
    "center", "section", "article", "header", "footer", "nav", "aside", "main", "caption",
    "tfoot", "col", "colgroup", "dl", "dt", "dd", "figure", "figcaption", "abbr", "cite", "q",
    "kbd", "samp", "var", "mark", "del", "ins", "address", "details", "summary", "label",
    "form", "input", "button", "option", "html", "head", "body", "meta", "link", "title",
    "base", "frame", "frameset", "video", "audio", "source", "picture", "marquee"})
#: Elements that lay out lines themselves; without any, newlines in HTML become ``<br>``.
BLOCK_ELEMENTS = frozenset({"p", "br", "li", "div", "table", "pre", "blockquote", "h1", "h2",
                            "h3", "h4", "h5", "h6"})

#: Elements inside a line of text: no word break around them.
INLINE_ELEMENTS = frozenset({"a", "b", "strong", "i", "em", "u", "code", "span", "font", "sub",
                             "sup", "s", "strike", "small", "big", "abbr", "cite", "q", "kbd",
                             "samp", "var", "mark", "del", "ins", "label"})

#: Something that looks like an HTML tag; group 1 is the element name.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
_WHITESPACE = re.compile(r"\s+")


def _only_https_images(tag: str, attribute: str, value: str) -> str | None:
    """Images load from other sites only over https; a plain-http or data: source is dropped."""
    if tag == "img" and attribute == "src":
        return value if value.strip().lower().startswith("https://") else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_only_https_images, url_schemes=set(LINK_SCHEMES), url_relative="deny",
    link_rel=LINK_REL, strip_comments=True)
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags=set(DROPPED_WITH_CONTENT),
                         attributes={}, link_rel=None)


def tag_names(text: str) -> set[str]:
    """The (lower-case) names of the known HTML elements ``text`` has tags for."""
    names = {match.group(1).lower() for match in _TAG.finditer(text or "")}
    return names & HTML_ELEMENTS


def looks_like_html(text: str) -> bool:
    """Whether ``text`` has a tag of a real HTML element (else it is plain text)."""
    return bool(tag_names(text))


def sanitize(text: str) -> str:
    """The allow-listed HTML of ``text``: no scripts, styles, event handlers or unsafe links."""
    return _CLEANER.clean(text or "")


def richtext(text: str) -> Markup:
    """Safe markup for a CRM rich-text value: sanitized HTML, or escaped text with line breaks."""
    text = text or ""
    names = tag_names(text)
    if names:
        if not names & BLOCK_ELEMENTS:  # plain text with a little <b>: keep its lines
            text = text.strip("\r\n").replace("\r\n", "\n").replace("\n", "<br>\n")
        return Markup(sanitize(text))
    lines = escape(text.strip("\r\n")).splitlines()
    return Markup("<br>\n").join(lines)


def plain_text(text: str) -> str:
    """The words of a rich-text value without any markup (for search and previews)."""
    if not looks_like_html(text or ""):
        return text or ""
    spaced = _TAG.sub(_space_before_block, text)  # "</p><p>" must not join two words
    return html.unescape(_TEXT_ONLY.clean(spaced))


def _space_before_block(tag: re.Match) -> str:
    """A block or table tag with a space before it; inline tags (``<b>``) as they are."""
    inline = tag.group(1).lower() in INLINE_ELEMENTS
    return tag.group(0) if inline else " " + tag.group(0)


def summary(text: str, limit: int = 180) -> str:
    """A one-line preview of a rich-text value, cut at a word near ``limit`` characters."""
    flat = _WHITESPACE.sub(" ", plain_text(text)).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,.;:") + "…"


def init_richtext(app: Flask) -> None:
    """Register the ``richtext`` template filter."""
    app.jinja_env.filters["richtext"] = richtext
