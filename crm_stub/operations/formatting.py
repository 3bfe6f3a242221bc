"""How vtiger renders values for the portal: PHP entity encoding, anchors, numbers, shapes.

Everything here mirrors PROTOCOL 2.5 and 4.0 so that answers look exactly like berliCRM's:
text through ``htmlentities(ENT_QUOTES, 'UTF-8')``, anchors with an unescaped ``&`` in the href
and an entity-encoded link text, amounts as ``(&euro;)2227.5``.
"""

from __future__ import annotations

import html
import re
from decimal import ROUND_HALF_UP, Decimal
from html.entities import codepoint2name
from typing import Any, Iterable, Sequence

_SPECIAL = {'"': "&quot;", "'": "&#039;", "<": "&lt;", ">": "&gt;", "&": "&amp;"}
_NEWLINE = re.compile(r"(\r\n|\n\r|\n|\r)")
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF", "SEK": "kr"}


def _entity(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    name = codepoint2name.get(ord(char))
    return f"&{name};" if name else char


def htmlentities(value: Any) -> str:
    """PHP ``htmlentities($v, ENT_QUOTES, 'UTF-8')``: HTML 4 named entities, ' as &#039;."""
    if value is None:
        return ""
    return "".join(_entity(char) for char in to_php_string(value))


def html_decode(value: Any) -> str:
    """PHP ``html_entity_decode``: the raw text of an entity-encoded value."""
    return html.unescape(to_php_string(value)) if value is not None else ""


def nl2br(text: str) -> str:
    """PHP ``nl2br``: insert ``<br />`` before every line break, keeping the break."""
    return _NEWLINE.sub(lambda match: "<br />" + match.group(1), text)


def encoded_multiline(value: Any) -> str:
    """Comment/FAQ text as vtiger sends it: entity-encoded, then ``<br />`` before newlines."""
    return nl2br(htmlentities(value))


# ---- PHP numbers -------------------------------------------------------------------------

def php_round(value: float, places: int = 0) -> float:
    """PHP ``round()``: half away from zero on the decimal representation."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def php_float_str(value: float) -> str:
    """PHP's float-to-string conversion (precision 14): 250.0 -> '250', 45.5 -> '45.5'."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = "%.14G" % value
    if "E" in text:
        mantissa, exponent = text.split("E")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}E{sign}{int(exponent.lstrip('+-'))}"
    return text


def to_php_string(value: Any) -> str:
    """PHP string conversion of a scalar (bool -> '1'/'', float like PHP, None -> '')."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return php_float_str(value)
    return str(value)


def number_format(value: float, decimals: int = 0, dec_point: str = ".",
                  thousands_sep: str = ",") -> str:
    """PHP ``number_format()`` (rounding half away from zero)."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals),
                                                  rounding=ROUND_HALF_UP)
    whole, _, frac = f"{abs(rounded):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", thousands_sep)
    sign = "-" if rounded < 0 else ""
    return sign + groups + (dec_point + frac if decimals > 0 else "")


def currency_symbol(code: str) -> str:
    """The symbol vtiger shows for an ISO currency code (the code itself if unknown)."""
    return CURRENCY_SYMBOLS.get(code, code)


def currency_amount(value: float, code: str = "EUR", places: int = 2) -> str:
    """An amount as in lists and details: ``(&euro;)2227.5`` (symbol encoded, PHP rounding)."""
    return f"({htmlentities(currency_symbol(code))}){php_float_str(php_round(value, places))}"


# ---- anchors (PROTOCOL 4.0) -------------------------------------------------------------

def anchor(href: str, text: Any, extra: str = "") -> str:
    """``<a href="…">text</a>`` with the href as given (unescaped &) and encoded text."""
    return f'<a{extra} href="{href}">{htmlentities(text)}</a>'


def ticket_anchor(ticket_id: int, title: Any) -> str:
    return anchor(f"index.php?module=HelpDesk&action=index&fun=detail&ticketid={ticket_id}",
                  title)


def account_anchor(account_id: int, name: Any) -> str:
    return anchor(f"index.php?module=Accounts&action=index&id={account_id}", name)


def contact_anchor(contact_id: int, name: Any) -> str:
    return anchor(f"index.php?module=Contacts&action=index&id={contact_id}", name)


def product_anchor(product_id: int, name: Any) -> str:
    """Product name in lists and details (``productid=``)."""
    return anchor(f"index.php?module=Products&action=index&productid={product_id}", name)


def asset_product_anchor(product_id: int, name: Any) -> str:
    """Product name in the Assets list (``id=``)."""
    return anchor(f"index.php?module=Products&action=index&id={product_id}", name)


def service_anchor(service_id: int, name: Any) -> str:
    return anchor(f"index.php?module=Services&action=index&id={service_id}", name)


def project_anchor(project_id: int, name: Any) -> str:
    return anchor(f"index.php?module=Project&action=index&id={project_id}", name)


def asset_anchor(asset_id: int, name: Any) -> str:
    return anchor(f"index.php?module=Assets&action=index&id={asset_id}", name)


def quote_list_anchor(quote_id: int, subject: Any) -> str:
    return anchor(f"index.php?&module=Quotes&action=index&id={quote_id}", subject)


def quote_detail_anchor(quote_id: int, subject: Any) -> str:
    return anchor(f"index.php?downloadfile=true&module=Quotes&action=index&id={quote_id}",
                  subject)


def invoice_list_anchor(invoice_id: int, subject: Any) -> str:
    return anchor(f"index.php?&module=Invoice&action=index&status=true&id={invoice_id}", subject)


def invoice_detail_anchor(invoice_id: int, subject: Any) -> str:
    return anchor(f"index.php?downloadfile=true&module=Invoice&action=index&id={invoice_id}",
                  subject)


def document_anchor(document_id: int, title: Any) -> str:
    return anchor(f"index.php?&module=Documents&action=index&id={document_id}", title)


def document_file_anchor(document_id: int, folder_id: int, filename: Any,
                         spaced: bool = False) -> str:
    """Internal file download; ``spaced`` adds the space before ``>`` seen in get_details."""
    href = (f"index.php?&downloadfile=true&folderid={folder_id}&filename={filename}"
            f"&module=Documents&action=index&id={document_id}")
    close = ' >' if spaced else ">"
    return f'<a href="{href}"{close}{htmlentities(filename)}</a>'


def external_anchor(document_id: int, url: Any, onclick: bool = True) -> str:
    """External document URL; get_documents omits the ``onclick``."""
    click = f' onclick = "updateCount({document_id});"' if onclick else ""
    return f'<a target="_blank" href="{url}"{click}>{htmlentities(url)}</a>'


# ---- result shapes (PROTOCOL 4.0) -------------------------------------------------------

def _cells(values: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"fielddata": value} for value in values]


def t1_table(labels: Sequence[str], rows: Sequence[Sequence[Any]]) -> list | None:
    """Shape T1 (get_tickets_list): head and data as two top-level dicts; None without rows."""
    if not rows:
        return None
    return [{"head": [_cells(labels)]}, {"data": [_cells(row) for row in rows]}]


def t2_table(module: str, labels: Sequence[str], rows: Sequence[Sequence[Any]]) -> list | None:
    """Shape T2 (module lists): ``[{M: {head}}, {M: {data}}]``; None without rows."""
    if not rows:
        return None
    return [{module: {"head": [_cells(labels)]}},
            {module: {"data": [_cells(row) for row in rows]}}]


def t3_block(module: str, labels: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict:
    """One T3 block: head and data together; ``{M: {'data': ''}}`` without rows."""
    if not rows:
        return {module: {"data": ""}}
    return {module: {"head": [_cells(labels)], "data": [_cells(row) for row in rows]}}


def detail_blocks(module: str, fields: Iterable[tuple[str, str, Any]],
                  value_before_block: bool = False) -> list:
    """Shape D from (label, block name, value) triples in block/sequence order."""
    items = []
    for label, block, value in fields:
        if value_before_block:
            items.append({"fieldlabel": label, "fieldvalue": value, "blockname": block})
        else:
            items.append({"fieldlabel": label, "blockname": block, "fieldvalue": value})
    return [{module: items}]


NOT_AUTHORIZED = ["#NOT AUTHORIZED#"]
MODULE_INACTIVE = ["#MODULE INACTIVE#"]


def not_authorized() -> list[str]:
    """A fresh ``['#NOT AUTHORIZED#']`` sentinel."""
    return list(NOT_AUTHORIZED)


def module_inactive() -> list[str]:
    """A fresh ``['#MODULE INACTIVE#']`` sentinel."""
    return list(MODULE_INACTIVE)
