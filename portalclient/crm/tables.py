"""Shape normalisation: decoded nusoap values (lists, dicts, scalars) into the typed models.

The CRM's results come in a handful of shapes (PROTOCOL 4.0): T1 ticket table, T2 module table,
T3 multi-block table, D detail blocks, keyed combo groups, and the 3-group knowledge base. Each
has sloppy variants (top-level keys lost or, on vtenext, kept; ``''`` for empty lists; ``{'item':
…}`` groups), which are absorbed here so nothing above this module sees nusoap arrays.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import html
import logging
import mimetypes
import re
from typing import Any, Iterable

from .codec import as_list
from .markup import parse_cell, php_str, plain_text
from .errors import UnexpectedResponse
from .models import (Attachment, Block, Cell, Comment, Faq, FaqComment, Field, FileContent,
                     FileUnavailable, KnowledgeBase, RecordDetail, RecordTable, TicketList,
                     TicketRow)

log = logging.getLogger(__name__)

NOT_AUTHORIZED = "#NOT AUTHORIZED#"
MODULE_INACTIVE = "#MODULE INACTIVE#"
_TICKET_NUMBER = re.compile(r"^[A-Z]+\d+$")
#: The ``<br />`` PHP's nl2br puts before each line break.
_NL2BR = re.compile(r"<br\s*/?>(?=\r\n|\n\r|\n|\r)", re.IGNORECASE)


def top_items(result: Any) -> list:
    """The top-level entries of a result: a list as is, a vtenext keyed dict by its values."""
    if isinstance(result, dict):
        return list(result.values())
    return as_list(result)


def sentinel(result: Any) -> str | None:
    """'#NOT AUTHORIZED#' or '#MODULE INACTIVE#' when the result is that one-element answer."""
    items = top_items(result)
    if len(items) == 1 and items[0] in (NOT_AUTHORIZED, MODULE_INACTIVE):
        return items[0]
    return None


def to_cell(value: Any, *, literal_tags: bool = False) -> Cell:
    """One table or detail value: a T-shape ``{'fielddata': v}`` or a bare scalar."""
    if isinstance(value, dict) and "fielddata" in value:
        value = value["fielddata"]
    if isinstance(value, (dict, list)):
        log.warning("unexpected structured cell value of type %s", type(value).__name__)
        return Cell("")
    if isinstance(value, str):
        return parse_cell(value, literal_tags=literal_tags)
    return Cell(php_str(value))


def parse_timestamp(value: Any) -> dt.datetime | None:
    """'YYYY-MM-DD HH:MM:SS' (CRM database time, no zone) or a bare date; None if unparsable."""
    text = php_str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_date(value: Any) -> dt.date | None:
    """'YYYY-MM-DD'; None for '' or '0000-00-00'."""
    stamp = parse_timestamp(value)
    return stamp.date() if stamp else None


def _unwrap(item: Any, module: str) -> Any:
    """``{M: payload}`` -> payload; tolerate another single key (module spelled differently)."""
    if isinstance(item, dict):
        if module in item:
            return item[module]
        if len(item) == 1:
            return next(iter(item.values()))
    return item


def _merged(items: Iterable[Any]) -> dict:
    """Merge the dicts of a list (T1/T2 put head and data in separate entries)."""
    merged: dict = {}
    for item in items:
        if isinstance(item, dict):
            merged.update(item)
    return merged


def columns_of(head: Any) -> tuple[str, ...]:
    """``[[{'fielddata': label}, …]]`` -> labels as plain text."""
    rows = as_list(head)
    if not rows:
        return ()
    return tuple(to_cell(cell).text for cell in as_list(rows[0]))


def rows_of(data: Any) -> tuple[tuple[Cell, ...], ...]:
    """``[[{'fielddata': value}, …], …]`` -> rows of cells; ``''`` (empty block) -> ()."""
    return tuple(tuple(to_cell(cell) for cell in as_list(row)) for row in as_list(data))


def ticket_list(result: Any) -> TicketList:
    """T1 (get_tickets_list) -> TicketList; rows without a ticket anchor are skipped."""
    table = _merged(top_items(result))
    columns = columns_of(table.get("head"))
    rows = (ticket_row(columns, cells) for cells in rows_of(table.get("data")))
    return TicketList(columns, tuple(row for row in rows if row is not None))


def ticket_row(columns: tuple[str, ...], cells: tuple[Cell, ...]) -> TicketRow | None:
    """Pick id/title from the ticket anchor, the number by pattern, status/priority by header."""
    anchor = next((c for c in cells if c.ref and c.ref.module == "HelpDesk"), None)
    if anchor is None:
        log.warning("ticket row without a ticket link skipped")
        return None
    number = next((c.text.strip() for c in cells if _TICKET_NUMBER.match(c.text.strip())),
                  cells[0].text if cells else "")
    return TicketRow(ticket_id=anchor.ref.record_id, number=number, title=anchor.text,
                     status=_under(columns, cells, "status"),
                     priority=_under(columns, cells, "priority"), cells=cells)


def _under(columns: tuple[str, ...], cells: tuple[Cell, ...], label: str) -> str:
    """The text of the cell whose column label is ``label`` (case-insensitive), or ''."""
    for index, column in enumerate(columns):
        if column.strip().lower() == label and index < len(cells):
            return cells[index].text
    return ""


def module_table(result: Any, module: str) -> RecordTable:
    """T2 (``[{M: {head}}, {M: {data}}]``) -> RecordTable."""
    table = _merged(_unwrap(item, module) for item in top_items(result))
    return RecordTable(module, columns_of(table.get("head")), rows_of(table.get("data")))


def block_tables(result: Any, module: str) -> list[RecordTable]:
    """T3 (a list of ``{M: {head, data}}`` blocks) -> one RecordTable per block, in order."""
    tables = []
    for item in top_items(result):
        block = _unwrap(item, module)
        block = block if isinstance(block, dict) else {}
        tables.append(RecordTable(module, columns_of(block.get("head")),
                                  rows_of(block.get("data"))))
    return tables


def record_detail(result: Any, module: str, record_id: str) -> RecordDetail:
    """D (``[{M: [{fieldlabel, blockname, fieldvalue}, …]}]``) -> blocks of consecutive fields."""
    entries = [entry for item in top_items(result)
               for entry in as_list(_unwrap(item, module)) if isinstance(entry, dict)]
    blocks: list[tuple[str, list[Field]]] = []
    for entry in entries:
        name = to_cell(entry.get("blockname")).text
        # Titles and descriptions arrive raw here (PROTOCOL 2.5): a typed "<b>" is text.
        value = to_cell(entry.get("fieldvalue"), literal_tags=True)
        field = Field(to_cell(entry.get("fieldlabel")).text, value)
        if not blocks or blocks[-1][0] != name:
            blocks.append((name, []))
        blocks[-1][1].append(field)
    return RecordDetail(module, record_id,
                        tuple(Block(name, tuple(fields)) for name, fields in blocks))


def combo_groups(result: Any) -> dict[str, Any]:
    """get_combo_values: a list of one-key dicts (or a vtenext keyed dict) -> key -> value."""
    if isinstance(result, dict):
        return {key: _unwrap_same_key(key, value) for key, value in result.items()}
    return _merged(as_list(result))


def _unwrap_same_key(key: str, value: Any) -> Any:
    """vtenext keeps vtiger's doubled key (``{'productid': {'productid': […]}}``): unwrap it."""
    if isinstance(value, dict) and set(value) == {key}:
        return value[key]
    return value


def combo_values(groups: dict[str, Any], key: str) -> tuple[Any, ...]:
    """One combo group as a tuple; missing, '' or '#MODULE INACTIVE#' -> ()."""
    value = groups.get(key)
    if value == MODULE_INACTIVE:
        return ()
    return tuple(as_list(value))


def knowledge_base(result: Any) -> KnowledgeBase:
    """get_KBase_details (or save_faq_comment's {'item': …} groups) -> KnowledgeBase."""
    groups = [as_list(group) for group in top_items(result)] + [[], [], []]
    categories, products, faqs = groups[0], groups[1], groups[2]
    return KnowledgeBase(
        categories=tuple(plain_text(php_str(name)) for name in categories),
        products=tuple((php_str(p.get("productid")), plain_text(php_str(p.get("productname"))))
                       for p in products if isinstance(p, dict)),
        faqs=tuple(faq(entry) for entry in faqs if isinstance(entry, dict)))


def faq(entry: dict) -> Faq:
    """One FAQ entry; comments and their times are parallel lists, aligned here."""
    product = php_str(entry.get("product_id"))
    texts = as_list(entry.get("comments"))
    times = as_list(entry.get("createdtime")) + [None] * len(texts)
    comments = tuple(FaqComment(plain_text(php_str(text)), parse_timestamp(when))
                     for text, when in zip(texts, times))
    return Faq(id=php_str(entry.get("id")), number=php_str(entry.get("faqno")),
               question=plain_text(php_str(entry.get("question"))),
               answer=plain_text(php_str(entry.get("answer"))),
               answer_html=stored_text(entry.get("answer")),
               category=plain_text(php_str(entry.get("category"))),
               product_id=product if product not in ("", "0") else None,
               created=parse_timestamp(entry.get("faqcreatedtime")),
               modified=parse_timestamp(entry.get("faqmodifiedtime")), comments=comments)


def stored_text(value: Any) -> str:
    """A multi-line value as the CRM stored it: nl2br's ``<br />`` removed, entities decoded once.

    FAQ answers are often rich text; this keeps their markup (as text, unsanitized) for the
    portal's allow-list sanitizer. Every raw ``<`` on the wire came from nl2br (PROTOCOL 2.5).
    """
    return html.unescape(_NL2BR.sub("", php_str(value)))


def with_source(table: RecordTable, source: str) -> RecordTable:
    """The same table, labelled with where its rows come from."""
    return dataclasses.replace(table, source=source)


def new_ticket_id(result: Any) -> str:
    """create_ticket's ``[{'new_ticket': {'ticketid': N}}]`` -> 'N' ('' if absent)."""
    for item in top_items(result):
        ticket = item.get("new_ticket") if isinstance(item, dict) else None
        if isinstance(ticket, dict):
            return php_str(ticket.get("ticketid"))
    return ""


def comments(result: Any) -> tuple[Comment, ...]:
    """get_ticket_comments entries (None/[] -> ())."""
    return tuple(Comment(author=plain_text(php_str(entry.get("owner"))),
                         text=plain_text(php_str(entry.get("comments"))),
                         created=parse_timestamp(entry.get("createdtime")))
                 for entry in top_items(result) if isinstance(entry, dict))


def attachments(result: Any) -> tuple[Attachment, ...]:
    """get_ticket_attachments entries; a missing file's size (False) -> None."""
    return tuple(attachment(entry) for entry in top_items(result) if isinstance(entry, dict))


def attachment(entry: dict) -> Attachment:
    """One attachment; 'E' location means the name is an external URL."""
    size = entry.get("filesize")
    return Attachment(
        file_id=php_str(entry.get("fileid")),
        filename=plain_text(php_str(entry.get("filename"))),
        content_type=php_str(entry.get("filetype")),
        size=size if isinstance(size, int) and not isinstance(size, bool) else _int(size),
        external=php_str(entry.get("filelocationtype")).strip().upper() == "E")


def _int(value: Any) -> int | None:
    text = php_str(value).strip()
    return int(text) if text.isdigit() else None


def file_content(detail: dict, operation: str) -> FileContent:
    """get_filecontent_detail's file dict -> FileContent; no content -> FileUnavailable."""
    encoded = php_str(detail.get("filecontents"))
    if not encoded.strip():
        raise FileUnavailable("the record has no file", operation=operation)
    data = strict_base64(encoded, operation)
    size = detail.get("filesize")
    if isinstance(size, int) and not isinstance(size, bool) and size != len(data):
        raise UnexpectedResponse(f"file is {len(data)} bytes, the CRM announced {size}",
                                 operation=operation)
    filename = html.unescape(php_str(detail.get("filename")))
    content_type = php_str(detail.get("filetype")).strip() or guess_type(filename)
    return FileContent(filename, content_type, data)


def strict_base64(value: Any, operation: str) -> bytes:
    """Decode base64 text strictly (whitespace aside); garbage is an UnexpectedResponse."""
    text = "".join(php_str(value).split())
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UnexpectedResponse("file content is not valid base64", operation=operation) from exc


def guess_type(filename: str) -> str:
    """A MIME type from the file name; application/octet-stream when unknown."""
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
