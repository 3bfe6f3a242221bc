"""Shared attack tools: XSS payloads planted in the stub CRM, a page crawler, markup checks."""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

import lxml.html
import requests

#: Every XSS vector in one value: script, attribute breakers, an event-handler image, an SVG,
#: a textarea breakout, a javascript: link, template injection and a bidi override.
VECTOR = ('<script>alert(1)</script>"><img src=x onerror=alert(2)>\'><svg onload=alert(3)>'
          '</textarea><a href="javascript:alert(4)">j</a>{{7*7}}${7*7}\u202egnp.exe')
#: URL-shaped payloads for columns the CRM turns into links.
BAD_URLS = ('javascript:alert(5)', ' JaVaScRiPt:alert(6)', 'data:text/html,<script>alert(7)</script>',
            'https://ok.example/"><script>alert(8)</script>', 'vbscript:msgbox(9)')
#: Columns left alone: they drive the stub's logic (dates, status, logins, types, links).
SKIPPED_COLUMNS = frozenset({
    "created", "modified", "email", "language", "support_start", "support_end", "currency",
    "status", "mime", "filetype", "location_type", "url", "website", "tracking_unit", "progress",
    "invoice_date", "due_date", "delivery_date", "valid_till", "start_date", "target_end_date",
    "actual_end_date", "end_date", "milestone_date", "date_sold", "date_in_service",
})
#: The stub's tables of CRM content and, for each, the text columns not to poison besides
#: SKIPPED_COLUMNS (None: every text column).
POISONED_TABLES: dict[str, frozenset[str]] = {
    "accounts": frozenset(), "contacts": frozenset(), "products": frozenset(),
    "services": frozenset(), "tickets": frozenset(), "ticket_comments": frozenset(),
    "faqs": frozenset(), "faq_comments": frozenset(), "folders": frozenset(),
    "attachments": frozenset(), "documents": frozenset(), "quotes": frozenset(),
    "invoices": frozenset(), "inventory_lines": frozenset(), "assets": frozenset(),
    "projects": frozenset(), "project_tasks": frozenset(), "project_milestones": frozenset(),
    "service_contracts": frozenset(), "groups": frozenset(),
    "users": frozenset({"user_name", "role"}),
    "portal_fields": frozenset({"module", "fieldname", "kind"}),
}
_EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$", re.IGNORECASE)
_BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "srcset", "poster")
FOREIGN_ELEMENTS = ("svg", "iframe", "object", "embed", "frame", "math", "base", "meta[@http-equiv]")


def marker(table: str, column: str) -> str:
    """The visible tag that says which stub column a payload came from."""
    return f"XSS-{table}-{column}"


def text_columns(store: Any, table: str) -> list[str]:
    """The TEXT columns of a stub table that may be poisoned."""
    skip = SKIPPED_COLUMNS | POISONED_TABLES[table]
    return [row["name"] for row in store.query(f"PRAGMA table_info({table})")
            if row["type"].upper() == "TEXT" and row["name"] not in skip]


def poison_store(store: Any) -> list[str]:
    """Put ``marker + VECTOR`` into every shown text column of the stub; returns the markers.

    Values get the row id too, so UNIQUE columns (invoice numbers …) stay unique.
    """
    markers = []
    for table in POISONED_TABLES:
        for column in text_columns(store, table):
            store.execute(f"UPDATE {table} SET {column} = ? || '-' || rowid || ' ' || ?",
                          (marker(table, column), VECTOR))
            markers.append(marker(table, column))
    _poison_lists(store)
    return markers


def _poison_lists(store: Any) -> None:
    """Extra picklist values, a module the portal does not know and hostile link columns."""
    for (picklist,) in store.query("SELECT DISTINCT picklist FROM picklist_values"):
        store.execute("INSERT INTO picklist_values(picklist, value, sortorder) VALUES (?, ?, 99)",
                      (picklist, f"{marker('picklist', picklist)} {VECTOR}"))
    store.execute("INSERT INTO portal_modules(name, tabid, sequence) VALUES (?, 999, 99)",
                  (f"Evil<script>alert(10)</script>{VECTOR}",))
    urls = list(BAD_URLS)
    for table in ("accounts", "products", "documents", "projects"):
        column = "url" if table in ("documents", "projects") else "website"
        for (row_id,) in store.query(f"SELECT rowid FROM {table}"):
            store.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                          (urls[row_id % len(urls)], row_id))


# -- reading pages ----------------------------------------------------------------------------

def markup_problems(html_text: str, own_origin: str) -> list[str]:
    """Every way a page lets foreign markup act: scripts, handlers, bad URLs, plugins."""
    tree = lxml.html.fromstring(html_text)
    problems = [f"<script> {lxml.html.tostring(el)[:80]!r}" for el in tree.iter("script")
                if not _is_own_script(el, own_origin)]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if _EVENT_ATTRIBUTE.match(name):
                problems.append(f"{element.tag} has handler {name}={value[:40]!r}")
            elif name in _URL_ATTRIBUTES and _BAD_SCHEME.match(value):
                problems.append(f"{element.tag} {name}={value[:40]!r}")
            elif name in ("src", "action") and not _is_own(value, own_origin, element.tag):
                problems.append(f"{element.tag} loads {name}={value[:60]!r}")
    for xpath in FOREIGN_ELEMENTS:
        problems += [f"foreign <{el.tag}>" for el in tree.xpath(f"//{xpath}")]
    problems += [f"payload image src={el.get('src')!r}" for el in tree.iter("img")
                 if el.get("src") == "x"]  # relative: would pass as same-site
    return problems


def _is_own_script(script: Any, own_origin: str) -> bool:
    """The portal's own script: an empty element loading a file of its /static/ folder."""
    src = urljoin(own_origin + "/", script.get("src") or "")
    return (not (script.text or "").strip() and src.startswith(own_origin + "/static/")
            and src.endswith(".js") and "?" not in src)


def _is_own(url: str, own_origin: str, tag: str) -> bool:
    """A same-site URL; only FAQ answer images may come from elsewhere, and only over https."""
    absolute = urljoin(own_origin + "/", url)
    if absolute.startswith(own_origin + "/"):
        return True
    return tag == "img" and urlsplit(absolute).scheme == "https"


def visible_text(html_text: str) -> str:
    """The page's text as a reader sees it (what escaping must preserve)."""
    return lxml.html.fromstring(html_text).text_content()


def same_site_links(html_text: str, page_url: str, origin: str) -> Iterable[str]:
    """The absolute same-site URLs of a page's links (no fragments)."""
    for href in lxml.html.fromstring(html_text).xpath("//a/@href"):
        url = urljoin(page_url, href).split("#", 1)[0]
        if url.startswith(origin + "/"):
            yield url


NEVER_FOLLOW = ("/logout", "/static/", "/branding.css")
#: Query arguments that change which records a list shows (others only sort or page).
SHAPING_ARGS = ("scope", "status", "tab", "view")


def page_key(url: str) -> str:
    """A URL's path plus the query arguments that choose its records."""
    parts = urlsplit(url)
    kept = sorted(arg for arg in parts.query.split("&") if arg.split("=")[0] in SHAPING_ARGS)
    return parts.path + ("?" + "&".join(kept) if kept else "")


def crawl(browser: requests.Session, origin: str, start: Iterable[str],
          limit: int = 120) -> dict[str, requests.Response]:
    """GET every same-site page reachable from ``start`` (one URL per page_key), like a visitor."""
    queue = deque(urljoin(origin + "/", path.lstrip("/")) for path in start)
    seen: set[str] = set()
    pages: dict[str, requests.Response] = {}
    while queue and len(pages) < limit:
        url = queue.popleft()
        key = page_key(url)
        if key in seen or any(part in key for part in NEVER_FOLLOW):
            continue
        seen.add(key)
        response = browser.get(url, allow_redirects=False)
        pages[url] = response
        if response.headers.get("Content-Type", "").startswith("text/html"):
            queue.extend(same_site_links(response.text, url, origin))
    return pages


# -- the stub's state -------------------------------------------------------------------------

#: Tables a customer's request can change, and the columns whose values matter.
STATE_QUERIES = {
    "tickets": "SELECT id, status, title FROM tickets ORDER BY id",
    "ticket_comments": "SELECT id FROM ticket_comments ORDER BY id",
    "faq_comments": "SELECT id FROM faq_comments ORDER BY id",
    "documents": "SELECT id FROM documents ORDER BY id",
    "attachments": "SELECT id, name FROM attachments ORDER BY id",
    "portal_users": "SELECT contact_id, password_hash, login_time, logout_time FROM portal_users"
                    " ORDER BY contact_id",
    "sessions": "SELECT contact_id, session_id FROM sessions ORDER BY contact_id",
    "password_tokens": "SELECT token_hash FROM password_tokens ORDER BY token_hash",
}


def store_state(store: Any) -> dict[str, list[tuple]]:
    """Everything in the stub a customer's POST could change, to compare before and after."""
    return {table: [tuple(row) for row in store.query(sql)]
            for table, sql in STATE_QUERIES.items()}


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> set[str]:
    return {table for table in before if before[table] != after[table]}


# -- files of the test process (the portal runs in it) ----------------------------------------

def open_files() -> set[str]:
    """What every open descriptor of this process points at (Linux /proc)."""
    targets = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            targets.add(os.readlink(fd))
        except OSError:  # closed between listing and reading
            continue
    return targets


def open_files_under(directory: Path) -> list[str]:
    """Open descriptors pointing into ``directory`` (a spooled upload shows as '… (deleted)')."""
    prefix = str(directory.resolve()) + os.sep
    return sorted(target for target in open_files() if target.startswith(prefix))

