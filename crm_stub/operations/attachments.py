"""Ticket files: list, download and upload (PROTOCOL 4.15–4.17), checked against the caller.

Unlike berliCRM, downloads and uploads require that the ticket is visible to the caller
(PROTOCOL 6.4); uploads are decoded strictly, capped at ``MAX_UPLOAD_BYTES`` and their stored
size is the real one, not the size the client claimed.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import unicodedata
from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations.params import member, record, session_contact, text
from crm_stub.operations.registry import operation
from crm_stub.operations.visibility import can_see_record, check_permission, module_active

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_UNSAFE = re.compile(r"[\s/\\:*?\"<>|;&$`'%]+")
_MIME = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]*/[A-Za-z0-9][\w!#$&^.+-]*$")
DANGEROUS_EXTENSIONS = {"php", "php3", "php4", "php5", "php7", "phtml", "phar", "pl", "py",
                        "cgi", "asp", "aspx", "jsp", "exe", "bat", "cmd", "sh", "js", "htm",
                        "html", "shtml", "svg", "htaccess"}


def sanitize_filename(name: str) -> str:
    """berliCRM-like: no control chars or path parts; unsafe chars/whitespace -> '_'."""
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    cleaned = re.split(r"[/\\]", cleaned)[-1]
    cleaned = _UNSAFE.sub("_", cleaned).lstrip(".")[:200]
    if not cleaned.strip("_"):
        return "attachment"
    extension = cleaned.rsplit(".", 1)[-1].lower() if "." in cleaned else ""
    return f"{cleaned}.txt" if extension in DANGEROUS_EXTENSIONS else cleaned


def _attachment_entry(row: Any) -> dict[str, Any]:
    internal = row["location_type"] == "I"
    size: int | bool = row["size"] if internal and row["size"] is not None else False
    return {"fileid": str(row["attachment_id"] or ""),
            "filename": fmt.htmlentities(row["filename"] if internal else row["url"]),
            "filetype": fmt.htmlentities(row["filetype"]), "filesize": size,
            "filelocationtype": row["location_type"]}


@operation("get_ticket_attachments")
def get_ticket_attachments(ctx: StubContext, params: Any) -> list | None:
    """Documents of a ticket: Documents tab, then permission, then session; None when none."""
    if not module_active(ctx, "Documents"):
        return fmt.module_inactive()
    if not check_permission(ctx, member(params, "id"), "HelpDesk", member(params, "ticketid")):
        return fmt.not_authorized()
    if session_contact(ctx, params) is None:
        return None
    rows = ctx.store.query(
        "SELECT d.*, length(a.content) AS size FROM document_relations r"
        " JOIN documents d ON d.id = r.document_id"
        " JOIN entities e ON e.id = d.id AND e.deleted = 0"
        " LEFT JOIN attachments a ON a.id = d.attachment_id"
        " WHERE r.crmid = ? ORDER BY d.id", (record(params, "ticketid"),))
    return [_attachment_entry(row) for row in rows] or None


@operation("get_filecontent")
def get_filecontent(ctx: StubContext, params: Any) -> list | None:
    """[base64] of a visible ticket's attachment matched by id and name; else None."""
    contact_id = session_contact(ctx, params)
    ticket_id, file_id = record(params, "ticketid"), record(params, "fileid")
    if contact_id is None or ticket_id is None or file_id is None:
        return None
    if not can_see_record(ctx, contact_id, "HelpDesk", ticket_id):
        return None
    name = text(params, "filename")
    row = ctx.store.query_one(
        "SELECT a.name, a.content FROM attachments a JOIN documents d ON d.attachment_id = a.id"
        " JOIN document_relations r ON r.document_id = d.id"
        " JOIN entities e ON e.id = d.id AND e.deleted = 0"
        " WHERE a.id = ? AND r.crmid = ?", (file_id, ticket_id))
    if row is None or name not in (row["name"], fmt.htmlentities(row["name"])):
        return None
    return [base64.b64encode(row["content"]).decode("ascii")]


def _decoded_upload(params: Any) -> bytes | None:
    """The uploaded bytes (strict base64, size-capped), or None if unusable."""
    encoded = text(params, "filecontents")
    if len(encoded) > MAX_UPLOAD_BYTES * 4 // 3 + 4:
        return None
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def _store_upload(ctx: StubContext, ticket_id: int, name: str, mime: str, data: bytes) -> int:
    """Attachment + internal document, both linked to the ticket; returns the document id."""
    now = ctx.clock()
    owner = int(ctx.store.pref("defaultassignee", "1"))
    portal_user = int(ctx.store.pref("userid", "1"))
    with ctx.store.transaction():
        attachment_id = ctx.store.new_entity("HelpDesk Attachment", portal_user, now=now)
        ctx.store.insert("attachments", id=attachment_id, name=name, mime=mime, content=data,
                         description="CustomerPortal Attachment")
        document_id = ctx.store.new_entity("Documents", owner, portal_user, now)
        ctx.store.insert("documents", id=document_id, doc_no=f"DOC{document_id}", title=name,
                         filename=name, folder=1, filetype=mime, filesize=len(data),
                         location_type="I", active=1, attachment_id=attachment_id)
        ctx.store.insert("document_relations", document_id=document_id, crmid=ticket_id)
        ctx.store.insert("attachment_relations", crmid=ticket_id, attachment_id=attachment_id)
        ctx.store.insert("attachment_relations", crmid=document_id, attachment_id=attachment_id)
        ctx.store.touch(ticket_id, now)
    return document_id


@operation("add_ticket_attachment")
def add_ticket_attachment(ctx: StubContext, params: Any) -> None:
    """Attach an uploaded file to a ticket the caller can see; always None, like the CRM."""
    contact_id = session_contact(ctx, params)
    ticket_id = record(params, "ticketid")
    if contact_id is None or ticket_id is None:
        return None
    if not can_see_record(ctx, contact_id, "HelpDesk", ticket_id):
        log.warning("contact %s may not attach to ticket %s", contact_id, ticket_id)
        return None
    data = _decoded_upload(params)
    if data is None or len(data) > MAX_UPLOAD_BYTES:
        log.warning("rejected an unusable upload for ticket %s", ticket_id)
        return None
    mime = text(params, "filetype").strip()
    mime = mime if _MIME.match(mime) else "application/octet-stream"
    _store_upload(ctx, ticket_id, sanitize_filename(text(params, "filename")), mime, data)
    return None
