"""Turn CRM values, which are HTML fragments, into plain text and record references (PROTOCOL 2.5).

The CRM entity-encodes database text and wraps many cells in anchors that point into the PHP
portal (PROTOCOL 4.0). The portal must never show that markup (PROTOCOL 6.2): it keeps the text,
resolves internal anchors into ``RecordRef`` and keeps only http(s)/mailto external links.
"""

from __future__ import annotations

import html
import logging
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

from portalclient.crm.errors import UnexpectedResponse
from portalclient.crm.models import Cell, RecordRef

log = logging.getLogger(__name__)

#: Query parameters carrying the record id in the CRM's anchors, most specific first.
_ID_PARAMS = ("ticketid", "productid", "id")
_MODULE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RECORD_ID = re.compile(r"0*[1-9][0-9]*")
_EXTERNAL_SCHEMES = frozenset({"http", "https", "mailto"})
#: ``(&euro;)2227.5`` once decoded: a parenthesised symbol, then the amount.
_CURRENCY = re.compile(r"\(([^()0-9]{1,10})\)\s*(-?[0-9][0-9.,]*)")
#: Elements whose content is code, not text.
_INVISIBLE = frozenset({"script", "style"})
_TRUNCATED_TAG = re.compile(r"</?[A-Za-z!?]")


def parse_cell(value: Any, *, literal_tags: bool = False) -> Cell:
    """Plain text of a CRM value plus the record or external URL it links to, if any.

    ``literal_tags`` is for values that may be raw text (``get_details`` sends titles and
    descriptions unencoded, PROTOCOL 2.5): only the CRM's own anchors and ``<br />`` are markup
    there, and anything else that looks like a tag is kept as the text it is.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return Cell(php_str(value))
    if not isinstance(value, str):
        raise UnexpectedResponse(f"expected a text value, got {type(value).__name__}")
    if "<" not in value:
        return Cell(html.unescape(value) if "&" in value else value)
    parser = _FragmentParser(literal_tags=literal_tags)
    parser.feed(value)
    # What is still unparsed at the end and starts like a tag is a truncated tag: drop it.
    if not literal_tags and _TRUNCATED_TAG.match(parser.rawdata):
        parser.rawdata = ""
    parser.close()
    ref, url = _resolve_links(parser.hrefs)
    return Cell("".join(parser.parts), ref=ref, url=url)


def plain_text(value: Any) -> str:
    """Just the text of a CRM value: entities decoded once, ``<br />`` as newline, no markup."""
    return parse_cell(value).text


def php_str(value: Any) -> str:
    """A scalar as PHP's string conversion prints it (``250.0`` -> ``250``, True -> ``1``)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _php_float_str(value)
    return str(value)


def parse_currency(text: Any) -> tuple[str, str]:
    """Split ``(&euro;)2227.5`` into ``('€', '2227.5')``; other values give ``('', text)``."""
    plain = plain_text(text)
    match = _CURRENCY.fullmatch(plain.strip())
    if match is None:
        return "", plain
    return match.group(1).strip(), match.group(2)


def _php_float_str(number: float) -> str:
    """PHP's float-to-string: 14 significant digits, ``1.0E+25`` style exponents."""
    text = f"{number:.14G}"
    if "E" not in text:
        return text
    mantissa, exponent = text.split("E")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{exponent[0]}{exponent[1:].lstrip('0') or '0'}"


def _resolve_links(hrefs: list[str]) -> tuple[RecordRef | None, str | None]:
    """The first anchor that names a CRM record or a safe external URL."""
    for href in hrefs:
        ref, url = _classify_href(href.strip())
        if ref is not None or url is not None:
            return ref, url
    return None, None


def _classify_href(href: str) -> tuple[RecordRef | None, str | None]:
    """A portal-relative ``index.php?…`` link becomes a RecordRef; http(s)/mailto stays a URL."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in href):
        return None, None
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in _EXTERNAL_SCHEMES:
        safe = scheme == "mailto" or bool(parts.netloc)
        return None, (href if safe else None)
    path, _, query = href.partition("?")
    if scheme or parts.netloc or path.rsplit("/", 1)[-1] not in ("index.php", ""):
        return None, None
    return _record_ref(query), None


def _record_ref(query: str) -> RecordRef | None:
    """Module and id from the anchor's query; the last value wins, as PHP's ``$_GET`` does."""
    params = parse_qs(query, keep_blank_values=True)
    module = (params.get("module") or [""])[-1]
    if not _MODULE_NAME.fullmatch(module):
        return None
    id_param = next((name for name in _ID_PARAMS if name in params), None)
    record_id = params[id_param][-1] if id_param else ""
    if not _RECORD_ID.fullmatch(record_id):
        return None
    return RecordRef(module, record_id.lstrip("0"))


class _FragmentParser(HTMLParser):
    """Collects text (entities decoded once) and anchor hrefs; ``<br />`` becomes a newline.

    Other tags are dropped (with the content of script/style), unless ``literal_tags``: then
    they are text somebody typed and are kept as written, to be escaped like any other text.
    """

    def __init__(self, *, literal_tags: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self._literal_tags = literal_tags
        self._after_br = False
        self._invisible_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._after_br = False
        if tag == "br":
            self.parts.append("\n")
            self._after_br = True
        elif tag == "a":
            href = next((v for k, v in attrs if k == "href"), None)  # browsers use the first
            if href:
                self.hrefs.append(href)
        elif self._literal_tags:
            self.parts.append(self.get_starttag_text() or "")
        elif tag in _INVISIBLE:
            self._invisible_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._after_br = False
        if tag in ("a", "br"):
            return
        if self._literal_tags:
            self.parts.append(f"</{tag}>")
        elif tag in _INVISIBLE and self._invisible_depth:
            self._invisible_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._after_br:  # nl2br put <br /> before the newline: keep only one of them
            newline = next((nl for nl in ("\r\n", "\n", "\r") if data.startswith(nl)), "")
            data = data[len(newline):]
            self._after_br = False
        if not self._invisible_depth:
            self.parts.append(data)
