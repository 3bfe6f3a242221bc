"""FAQ demo data beyond the traces: one answer written in the CRM's rich-text editor.

Real CRMs store FAQ answers as CKEditor HTML and send them entity-encoded (PROTOCOL 2.5, 4.7);
this article lets the demo and the browser journey show the portal's sanitized rich text. It is
older than the core FAQs, so the trace-shaped order of get_KBase_details is unchanged.
"""

from __future__ import annotations

import datetime as dt

from crm_stub.store import Store

ADMIN = 1
WIFI_QUESTION = "How do I connect the Widget Pro to Wi-Fi?"
WIFI_ANSWER = (
    "<p>You need the <strong>Widget Pro app</strong>, version 2.0 or later.</p>\n"
    "<ol>\n<li>Hold the <em>Wi-Fi</em> button for 3 seconds.</li>\n"
    "<li>Choose your network in the app.</li>\n<li>Enter the network password.</li>\n</ol>\n"
    "<h4>What the LED tells you</h4>\n"
    "<table>\n<thead><tr><th>LED</th><th>Meaning</th></tr></thead>\n"
    "<tbody><tr><td>Blinking blue</td><td>Searching for the network</td></tr>\n"
    "<tr><td>Red</td><td>Wrong password</td></tr></tbody>\n</table>\n"
    '<p>More in the <a href="https://docs.example.com/widget-pro/wifi">online guide</a>.</p>')


def seed(store: Store, now: dt.datetime) -> None:
    """Insert the rich-text FAQ (Installation, Widget Pro), published 20 days before ``now``."""
    product = store.scalar("SELECT id FROM products WHERE name = 'Widget Pro'")
    faq_id = store.new_entity("Faq", ADMIN, ADMIN, now=now - dt.timedelta(days=20))
    count = store.scalar("SELECT count(*) FROM faqs")
    store.insert("faqs", id=faq_id, faq_no=f"FAQ{count + 1}", question=WIFI_QUESTION,
                 answer=WIFI_ANSWER, category="Installation", status="Published",
                 product_id=product)
