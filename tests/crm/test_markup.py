"""CRM values are HTML fragments: text, record references and safe URLs come out, markup never."""

from __future__ import annotations

from typing import Any

import pytest

from portalclient.crm.errors import UnexpectedResponse
from portalclient.crm.markup import parse_cell, parse_currency, php_str, plain_text
from portalclient.crm.models import Cell, RecordRef
from tests.crm.conftest import load_trace, trace_names

# --- every anchor pattern of the PROTOCOL 4.0 table -------------------------------------------

ANCHORS = [
    ('<a href="index.php?module=HelpDesk&action=index&fun=detail&ticketid=12">Widget Pro '
     "does not start</a>", "Widget Pro does not start", "HelpDesk", "12"),
    ('<a href="index.php?module=Accounts&action=index&id=2">Acme &amp; Sons</a>',
     "Acme & Sons", "Accounts", "2"),
    ('<a href="index.php?module=Contacts&action=index&id=4">J&uuml;rgen M&uuml;ller</a>',
     "Jürgen Müller", "Contacts", "4"),
    ('<a href="index.php?module=Products&action=index&productid=7">Widget Pro</a>',
     "Widget Pro", "Products", "7"),
    ('<a href="index.php?module=Products&action=index&id=7">Widget Pro</a>',
     "Widget Pro", "Products", "7"),
    ('<a href="index.php?module=Services&action=index&id=10">Premium Support</a>',
     "Premium Support", "Services", "10"),
    ('<a href="index.php?module=Project&action=index&id=26">Acme Website Relaunch</a>',
     "Acme Website Relaunch", "Project", "26"),
    ('<a href="index.php?module=Assets&action=index&id=31">Widget Pro #SN-0001</a>',
     "Widget Pro #SN-0001", "Assets", "31"),
    ('<a href="index.php?&module=Quotes&action=index&id=24">Quote for Widget rollout</a>',
     "Quote for Widget rollout", "Quotes", "24"),
    ('<a href="index.php?downloadfile=true&module=Quotes&action=index&id=24">Quote</a>',
     "Quote", "Quotes", "24"),
    ('<a href="index.php?&module=Invoice&action=index&status=true&id=25">Invoice 2026</a>',
     "Invoice 2026", "Invoice", "25"),
    ('<a href="index.php?downloadfile=true&module=Invoice&action=index&id=25">Invoice 2026</a>',
     "Invoice 2026", "Invoice", "25"),
    ('<a href="index.php?&module=Documents&action=index&id=33">Widget Pro Manual</a>',
     "Widget Pro Manual", "Documents", "33"),
    ('<a href="index.php?&downloadfile=true&folderid=1&filename=widget-pro-manual.txt'
     '&module=Documents&action=index&id=33">widget-pro-manual.txt</a>',
     "widget-pro-manual.txt", "Documents", "33"),
    # get_details adds a space before '>'; the file name is not URL-encoded
    ('<a href="index.php?downloadfile=true&folderid=1&filename=r&eacute;sum&eacute; #2 & co.txt'
     '&module=Documents&action=index&id=33" >r&eacute;sum&eacute; #2 &amp; co.txt</a>',
     "résumé #2 & co.txt", "Documents", "33"),
]


@pytest.mark.parametrize(("value", "text", "module", "record_id"), ANCHORS)
def test_anchor_patterns_resolve_to_record_refs(value, text, module, record_id):
    assert parse_cell(value) == Cell(text, ref=RecordRef(module, record_id), url=None)


def test_empty_product_anchor_for_id_zero_has_no_ref():
    value = '<a href="index.php?module=Products&action=index&productid=0"></a>'
    assert parse_cell(value) == Cell("")


@pytest.mark.parametrize("url", ["https://docs.example.com/manual.pdf?v=1&lang=de",
                                 "http://example.com/", "mailto:support@example.com"])
def test_external_document_anchor_keeps_safe_url(url):
    value = f'<a target="_blank" href="{url}" onclick = "updateCount(34);">{url}</a>'
    assert parse_cell(value) == Cell(url, ref=None, url=url)
    assert parse_cell(f'<a target="_blank" href="{url}">{url}</a>').url == url  # get_documents


@pytest.mark.parametrize("href", ["javascript:alert(document.cookie)", "JavaScript:alert(1)",
                                  " javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=",
                                  "vbscript:msgbox", "http:///nohost", "java\tscript:alert(1)",
                                  "//evil.example/x", "ftp://files.example/x"])
def test_unsafe_or_foreign_urls_are_dropped(href):
    cell = parse_cell(f'<a target="_blank" href="{href}" onclick = "updateCount(34);">doc</a>')
    assert cell == Cell("doc", ref=None, url=None)


@pytest.mark.parametrize("href", ["index.php?module=Accounts&action=index&id=abc",
                                  "index.php?module=Accounts&action=index",
                                  "index.php?module=Acc%27ounts&id=2",
                                  "other.php?module=Accounts&id=2",
                                  "index.php?module=Accounts&id=-2"])
def test_internal_links_without_a_clean_module_and_id_give_no_ref(href):
    assert parse_cell(f'<a href="{href}">Acme</a>') == Cell("Acme")


def test_file_name_tricks_cannot_override_module_or_id():
    # PHP's $_GET keeps the last value, and the CRM appends module and id after the file name.
    value = ('<a href="index.php?&downloadfile=true&folderid=1&filename=x&module=Contacts&id=4'
             '&module=Documents&action=index&id=33">x</a>')
    assert parse_cell(value).ref == RecordRef("Documents", "33")


# --- text -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    ("(&euro;)250", "(€)250"),
    ("M&uuml;ller &amp; S&ouml;hne", "Müller & Söhne"),
    ("it&#039;s &quot;quoted&quot;", "it's \"quoted\""),
    ("&amp;amp; stays once-decoded", "&amp; stays once-decoded"),
    ("Terms & Conditions", "Terms & Conditions"),
    ("Кириллица 中文", "Кириллица 中文"),
    ("", ""),
])
def test_entities_are_decoded_once(value, text):
    assert parse_cell(value) == Cell(text)


@pytest.mark.parametrize(("value", "text"), [
    ("line one<br />\nline two", "line one\nline two"),
    ("a<br />\r\nb<br>\nc<br/>d", "a\nb\nc\nd"),
    ("a<br />\n\nb", "a\n\nb"),
    ("a<br /><b>\nb</b>", "a\n\nb"),
])
def test_br_becomes_one_newline(value, text):
    assert plain_text(value) == text


@pytest.mark.parametrize(("value", "text"), [
    ("<b>bold <i>nested</b> unclosed</i>", "bold nested unclosed"),
    ("<p onclick='x()'>para</p><div>block</div>", "parablock"),
    ("<script>alert(1)</script>after", "after"),
    ("<style>p{}</style>styled", "styled"),
    ("a < b and c > d", "a < b and c > d"),
    ("text<a href=", "text"),
    ("<!-- comment -->visible", "visible"),
    ("<img src=x onerror=alert(1)>", ""),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
])
def test_other_tags_are_dropped_and_text_kept(value, text):
    assert parse_cell(value) == Cell(text)


def test_entity_encoded_markup_stays_text_not_markup():
    # The encoded value is text that happens to look like a tag; templates escape it.
    cell = parse_cell("A comment with &lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;")
    assert cell == Cell('A comment with <b>markup</b> & "quotes"')


# --- non-string values ------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "1"), (False, ""), (0, "0"), (163, "163"), (250.0, "250"),
    (45.5, "45.5"), (0.0, "0"), (40.0, "40"), (-0.0, "-0"), (0.1 + 0.2, "0.3"),
    (1e20, "1.0E+20"), (1.5e-7, "1.5E-7"), (123456789012345.0, "1.2345678901234E+14"),
    (float("inf"), "INF"), (float("nan"), "NAN"),
])
def test_scalars_print_like_php(value, text):
    assert parse_cell(value) == Cell(text)
    assert php_str(value) == text


@pytest.mark.parametrize("value", [["a"], {"item": "a"}, b"bytes"])
def test_containers_are_unexpected(value):
    with pytest.raises(UnexpectedResponse):
        parse_cell(value)


# --- currency ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("(&euro;)2227.5", ("€", "2227.5")), ("(€)250", ("€", "250")),
    ("($)1,150.00", ("$", "1,150.00")),
    ("(&pound;)-45.5", ("£", "-45.5")), ("(CHF) 500", ("CHF", "500")),
    ("Terms &amp; Conditions", ("", "Terms & Conditions")), ("2227.5", ("", "2227.5")),
    ("(note)", ("", "(note)")), ("", ("", "")), (250.0, ("", "250")),
])
def test_parse_currency(value, expected):
    assert parse_currency(value) == expected


# --- real values from the traces --------------------------------------------------------------

def _column(trace_name: str, module: str | None, label: str) -> list[Cell]:
    """The cells of one column of a T1/T2 table trace, parsed."""
    result = load_trace(trace_name).decoded["result"]
    tables = [block[module] if module else block for block in result]
    labels = [c["fielddata"] for c in tables[0]["head"][0]]
    index = labels.index(label)
    return [parse_cell(row[index]["fielddata"]) for row in tables[1]["data"]]


def _field(trace_name: str, module: str, label: str) -> Cell:
    """One field of a detail (D) trace, parsed."""
    fields = load_trace(trace_name).decoded["result"][0][module]
    return parse_cell(next(f["fieldvalue"] for f in fields if f["fieldlabel"] == label))


def test_ticket_list_subjects_and_relations():
    subjects = _column("get_tickets_list", None, "Subject")
    assert subjects[0] == Cell("Widget Pro does not start", ref=RecordRef("HelpDesk", "12"))
    assert subjects[1] == Cell("Question about invoice layout", ref=RecordRef("HelpDesk", "13"))
    related = _column("get_tickets_list", None, "Related to")
    assert related[0] == Cell("Acme Corporation", ref=RecordRef("Accounts", "2"))


def test_invoice_list_subject_and_total():
    assert _column("get_list_values.Invoice", "Invoice", "Subject") == [
        Cell("Invoice Widget order 2026", ref=RecordRef("Invoice", "25"))]
    total = _column("get_list_values.Invoice", "Invoice", "Total")[0]
    assert total == Cell("(€)2227.5") and parse_currency(total.text) == ("€", "2227.5")


def test_document_list_title_and_file():
    assert _column("get_list_values.Documents", "Documents", "Title") == [
        Cell("Widget Pro Manual", ref=RecordRef("Documents", "33"))]
    assert _column("get_list_values.Documents", "Documents", "File Name") == [
        Cell("widget-pro-manual.txt", ref=RecordRef("Documents", "33"))]
    assert _column("get_documents.faq", "Documents", "FileName") == [
        Cell("widget-pro-manual.txt", ref=RecordRef("Documents", "33"))]


def test_asset_list_product_uses_id_param():
    assert _column("get_list_values.Assets", "Assets", "Product Name") == [
        Cell("Widget Pro", ref=RecordRef("Products", "7"))]


def test_detail_values():
    assert _field("get_details.Quotes", "Quotes", "Subject") == Cell(
        "Quote for Widget rollout", ref=RecordRef("Quotes", "24"))
    assert _field("get_details.Documents", "Documents", "File Name") == Cell(
        "widget-pro-manual.txt", ref=RecordRef("Documents", "33"))
    assert _field("get_details.HelpDesk", "HelpDesk", "Product Name") == Cell(
        "Widget Pro", ref=RecordRef("Products", "7"))
    # a ticket without product: the CRM still emits an anchor, for product id 0
    no_product = _field("get_details.HelpDesk.account_only_ticket", "HelpDesk", "Product Name")
    assert no_product == Cell("")


def test_ticket_comment_with_encoded_markup():
    comment = load_trace("get_ticket_comments.markup").decoded["result"][0]["comments"]
    assert plain_text(comment) == 'A comment with <b>markup</b> & "quotes"'


def test_send_mail_answer_loses_its_bold_tag():
    assert plain_text(load_trace("send_mail_for_password").decoded["result"]) == (
        "false@@@Mail could not be sent")


def _strings(value: Any):
    """Every string leaf of a decoded value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def test_no_trace_value_keeps_markup_or_entities():
    seen_refs = 0
    for name in trace_names():
        for value in _strings(load_trace(name).decoded.get("result")):
            cell = parse_cell(value)
            assert "<a " not in cell.text and "</a>" not in cell.text and "&euro;" not in cell.text
            assert cell.url is None
            seen_refs += cell.ref is not None
    assert seen_refs > 100


@pytest.mark.parametrize("raw", [
    "Dropdown <select> stays empty",
    "The <b>Save</b> button",
    "a < b and c > d",
    "ends with <b",
    "<script>alert(1)</script>",
])
def test_literal_tags_keep_typed_text(raw):
    """get_details sends titles and descriptions raw: a typed tag is text, not markup."""
    assert parse_cell(raw, literal_tags=True) == Cell(raw)


def test_literal_tags_still_resolve_the_crms_own_markup():
    value = ('<a href="index.php?module=HelpDesk&action=index&fun=detail&ticketid=12">'
             'T &amp; <i>J</i></a><br />\nnext')
    assert parse_cell(value, literal_tags=True) == Cell(
        "T & <i>J</i>\nnext", ref=RecordRef("HelpDesk", "12"))
