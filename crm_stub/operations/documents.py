"""``get_documents`` and ``get_filecontent_detail`` (PROTOCOL 4.25, 4.29, 6.4, 6.5).

Both are STRICT where berliCRM is not: documents are listed only for records the contact may
see (FAQ documents for everyone), and files come only after check_permission.
"""

from __future__ import annotations

import base64
import logging
from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations import visibility as vis
from crm_stub.operations.records import module_refusal, record_refusal
from crm_stub.operations.registry import operation

log = logging.getLogger(__name__)

DOCUMENT_HEADERS = ("Title", "FileName", "Created Time")


def may_see_documents_of(ctx: StubContext, contact_id: int, record_id: int) -> bool:
    """FAQs are public to portal users; any other record needs the module's record rule."""
    module = vis.record_module(ctx, record_id)
    if module is None:
        return False
    return module == "Faq" or vis.can_see_record(ctx, contact_id, module, record_id)


def _file_cell(row: Any) -> str:
    """Internal download anchor, or the external anchor without onclick (get_documents)."""
    if row["location_type"] == "E":
        return fmt.external_anchor(row["id"], row["url"], onclick=False) if row["url"] else ""
    if not row["filename"]:
        return ""
    return fmt.document_file_anchor(row["id"], row["folder"], row["filename"])


@operation("get_documents", returns="array", required=4)
def get_documents(ctx: StubContext, id: Any, module: Any, customerid: Any,
                  sessionid: Any) -> Any:
    """The documents related to a record as T2 under ``module``; None when there are none.

    A record the contact may not see answers ``['#NOT AUTHORIZED#']`` (the real CRM lists
    the documents of any record).
    """
    refusal = module_refusal(ctx, module, customerid, sessionid)
    if refusal is not None:
        return refusal.answer
    record_id, contact_id = vis.parse_id(id), vis.parse_id(customerid)
    if record_id is None or not may_see_documents_of(ctx, contact_id, record_id):
        return fmt.not_authorized()
    rows = ctx.store.query(
        "SELECT d.*, e.created FROM documents d JOIN document_relations r ON r.document_id = d.id"
        " JOIN entities e ON e.id = d.id AND e.deleted = 0 WHERE r.crmid = ? ORDER BY d.id",
        (record_id,))
    cells = [[fmt.document_anchor(row["id"], row["title"]), _file_cell(row), row["created"]]
             for row in rows]
    return fmt.t2_table(module, DOCUMENT_HEADERS, cells)


def _attachment_of(ctx: StubContext, block: str, record_id: int) -> Any:
    """The document's own file, or the first file attached directly to another record."""
    if block == "Documents":
        return ctx.store.query_one(
            "SELECT a.id, a.name, d.filetype AS mime, a.content FROM documents d"
            " JOIN attachments a ON a.id = d.attachment_id WHERE d.id = ?", (record_id,))
    return ctx.store.query_one(
        "SELECT a.id, a.name, a.mime, a.content FROM attachment_relations r"
        " JOIN attachments a ON a.id = r.attachment_id WHERE r.crmid = ?"
        " ORDER BY a.id LIMIT 1", (record_id,))


def file_entry(attachment: Any) -> dict[str, Any]:
    """The dict get_filecontent_detail returns; empty fields and size False without a file."""
    if attachment is None:
        return {"fileid": "", "filename": "", "filetype": "", "filesize": False,
                "filecontents": ""}
    content = bytes(attachment["content"])
    return {"fileid": str(attachment["id"]), "filename": attachment["name"],
            "filetype": attachment["mime"], "filesize": len(content),
            "filecontents": base64.b64encode(content).decode("ascii")}


@operation("get_filecontent_detail", returns="array", required=5)
def get_filecontent_detail(ctx: StubContext, id: Any, folderid: Any, block: Any,
                           contactid: Any, sessionid: Any) -> Any:
    """A record's file as ``[{fileid, filename, filetype, filesize, filecontents}]``."""
    refusal = record_refusal(ctx, contactid, block, id, sessionid)
    if refusal is not None:
        return refusal.answer
    record_id = vis.parse_id(id)
    if block == "Documents":
        with ctx.store.transaction():
            ctx.store.execute("UPDATE documents SET download_count = download_count + 1"
                              " WHERE id = ?", (record_id,))
    return [file_entry(_attachment_of(ctx, block, record_id))]
