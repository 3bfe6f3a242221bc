"""PHP-like formatting helpers and the visibility model (PROTOCOL 2.5, 4.0, 6.3)."""

from __future__ import annotations

import pytest

from crm_stub.operations import formatting as fmt
from crm_stub.operations.visibility import (
    check_permission, entity_set, may_close_ticket, parse_id)
from tests.stub.support import set_module


@pytest.mark.parametrize("value, expected", [
    ("€ ü é", "&euro; &uuml; &eacute;"), ("'<b>\"&", "&#039;&lt;b&gt;&quot;&amp;"),
    ("Привет 日本", "Привет 日本"), (None, ""), (250.0, "250"), (True, "1"),
])
def test_htmlentities(value, expected):
    assert fmt.htmlentities(value) == expected


def test_nl2br_and_numbers():
    assert fmt.nl2br("a\nb\r\nc") == "a<br />\nb<br />\r\nc"
    assert fmt.php_round(2.675, 2) == 2.68 and fmt.php_round(-1.5) == -2.0
    assert (fmt.php_float_str(45.5), fmt.php_float_str(0.1 + 0.2)) == ("45.5", "0.3")
    assert fmt.number_format(1234.5, 5) == "1,234.50000"
    assert fmt.currency_amount(2227.5) == "(&euro;)2227.5"


def test_anchors():
    assert fmt.ticket_anchor(12, "A & B") == \
        '<a href="index.php?module=HelpDesk&action=index&fun=detail&ticketid=12">A &amp; B</a>'
    assert fmt.document_file_anchor(33, 1, "m.txt") == (
        '<a href="index.php?&downloadfile=true&folderid=1&filename=m.txt&module=Documents'
        '&action=index&id=33">m.txt</a>')
    assert fmt.external_anchor(35, "https://x.example/?a=1&b=2") == (
        '<a target="_blank" href="https://x.example/?a=1&b=2" onclick = "updateCount(35);">'
        'https://x.example/?a=1&amp;b=2</a>')


def test_shapes():
    assert fmt.t1_table(["L"], []) is None
    assert fmt.t2_table("M", ["L"], [["v"]]) == [{"M": {"head": [[{"fielddata": "L"}]]}},
                                                 {"M": {"data": [[{"fielddata": "v"}]]}}]
    assert fmt.t3_block("M", ["L"], []) == {"M": {"data": ""}}
    assert fmt.detail_blocks("M", [("L", "B", "v")]) == [
        {"M": [{"fieldlabel": "L", "blockname": "B", "fieldvalue": "v"}]}]


def test_parse_id_rejects_php_juggling():
    assert [parse_id(v) for v in ("12", 12, " 7 ", "4x", True, None, -1)] == \
        [12, 12, 7, None, None, None, None]


def test_entity_set(ctx):
    assert entity_set(ctx, 4, "HelpDesk") == {2, 4, 5}
    assert entity_set(ctx, 4, "HelpDesk", "true") == {4}
    set_module(ctx, "HelpDesk", show_related=0)
    assert entity_set(ctx, 4, "HelpDesk") == {4}


@pytest.mark.parametrize("module, record, allowed", [
    ("HelpDesk", 12, True), ("HelpDesk", 16, True), ("HelpDesk", 17, False),
    ("HelpDesk", 999, False), ("Contacts", 5, True), ("Contacts", 6, False),
    ("Accounts", 2, True), ("Accounts", 3, False), ("Products", 7, True),
    ("Products", 8, False), ("Documents", 33, True), ("Faq", 20, False),
    ("HelpDesk", 7, False),  # a product id under the wrong module
])
def test_check_permission(ctx, module, record, allowed):
    assert check_permission(ctx, "4", module, str(record)) is allowed


def test_permission_needs_an_active_module_and_strict_assets(ctx):
    acme_asset = ctx.store.scalar("SELECT id FROM assets WHERE account_id = 2")
    globex_asset = ctx.store.scalar("SELECT id FROM assets WHERE account_id = 3")
    assert check_permission(ctx, 4, "Assets", acme_asset)
    if globex_asset is not None:
        assert not check_permission(ctx, 4, "Assets", globex_asset)
    set_module(ctx, "HelpDesk", visible=0)
    assert not check_permission(ctx, 4, "HelpDesk", 12)


def test_faq_documents_are_readable_by_everyone(ctx):
    guide = ctx.store.scalar("SELECT id FROM documents WHERE location_type = 'E'")
    assert check_permission(ctx, 23, "Documents", guide)


def test_who_may_close_a_ticket(ctx):
    assert may_close_ticket(ctx, 4, 12) and may_close_ticket(ctx, 4, 14)
    assert may_close_ticket(ctx, 4, 16)  # organization ticket without contact
    assert not may_close_ticket(ctx, 4, 17) and not may_close_ticket(ctx, 23, 12)
