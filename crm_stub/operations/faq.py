"""The knowledge base: get_KBase_details and save_faq_comment (PROTOCOL 4.7, 4.8).

Both return the same three groups (categories, products, published FAQs); only the declared
return type differs, which makes the SOAP layer mangle save_faq_comment's groups into
``{'item': …}`` structs exactly as berliCRM does. Comments are accepted only for published FAQs.
"""

from __future__ import annotations

import logging
from typing import Any

from crm_stub.context import StubContext
from crm_stub.operations import formatting as fmt
from crm_stub.operations.meta import picklist
from crm_stub.operations.params import record, session_contact, text
from crm_stub.operations.registry import operation
from crm_stub.operations.visibility import module_active
from crm_stub.store import format_time

log = logging.getLogger(__name__)


def _products(ctx: StubContext) -> list[dict[str, str]]:
    rows = ctx.store.query(
        "SELECT p.id, p.name FROM products p JOIN entities e ON e.id = p.id"
        " WHERE e.deleted = 0 ORDER BY p.id")
    return [{"productid": str(row["id"]), "productname": fmt.htmlentities(row["name"])}
            for row in rows]


def _faq_entry(ctx: StubContext, row: Any, with_product: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"faqno": fmt.htmlentities(row["faq_no"]), "id": str(row["id"])}
    if with_product:
        entry["product_id"] = str(row["product_id"] or 0)
    entry.update(question=fmt.encoded_multiline(row["question"]),
                 answer=fmt.encoded_multiline(row["answer"]),
                 category=fmt.htmlentities(row["category"]),
                 faqcreatedtime=row["created"], faqmodifiedtime=row["modified"])
    comments = ctx.store.query(
        "SELECT comment, created FROM faq_comments WHERE faq_id = ?"
        " ORDER BY created DESC, id DESC", (row["id"],))
    if comments:
        entry["comments"] = [fmt.encoded_multiline(c["comment"]) for c in comments]
        entry["createdtime"] = [c["created"] for c in comments]
    return entry


def kbase_data(ctx: StubContext) -> list[list]:
    """[categories, products, published FAQs newest-modified first]."""
    with_products = module_active(ctx, "Products")
    rows = ctx.store.query(
        "SELECT f.*, e.created, e.modified FROM faqs f JOIN entities e ON e.id = f.id"
        " WHERE e.deleted = 0 AND f.status = 'Published' ORDER BY e.modified DESC, f.id")
    return [picklist(ctx, "faqcategories"),
            _products(ctx) if with_products else [],
            [_faq_entry(ctx, row, with_products) for row in rows]]


@operation("get_KBase_details", returns="array_of_arrays")
def get_kbase_details(ctx: StubContext, params: Any) -> list | None:
    """The knowledge base for a logged-in contact."""
    if session_contact(ctx, params) is None:
        return None
    return kbase_data(ctx)


def _published(ctx: StubContext, faq_id: int | None) -> bool:
    return faq_id is not None and ctx.store.query_one(
        "SELECT 1 FROM faqs f JOIN entities e ON e.id = f.id"
        " WHERE f.id = ? AND e.deleted = 0 AND f.status = 'Published'", (faq_id,)) is not None


@operation("save_faq_comment")
def save_faq_comment(ctx: StubContext, params: Any) -> list | None:
    """Store an anonymous comment on a published FAQ, then answer the knowledge base."""
    if session_contact(ctx, params) is None:
        return None
    faq_id, comment = record(params, "faqid"), text(params, "comment")
    if comment.strip() and _published(ctx, faq_id):
        ctx.store.insert("faq_comments", faq_id=faq_id, comment=comment,
                         created=format_time(ctx.clock()))
    return kbase_data(ctx)
