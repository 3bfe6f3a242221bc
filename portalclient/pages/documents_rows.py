"""Document lists and details as the customer sees them: one row per document, and links that
point at the portal's own pages (detail, download, counted external link), never at the CRM's.

The CRM's Documents list has one row per (document, related record) pair (PROTOCOL 4.22), so a
document related to the customer and to their organization comes twice: rows are merged here,
keeping every distinct value of a column (e.g. both "Related To" entries). Which cell is what is
decided by the links it carries, never by the (translated) column labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from portalclient.crm.models import Cell, RecordDetail, RecordRef, RecordTable

DOCUMENTS = "Documents"
DETAIL, DOWNLOAD, OPEN = "detail", "download", "open"


@dataclass(frozen=True)
class DocCell:
    """A CRM cell and what clicking it does: ``detail``, ``download``, ``open`` or '' (as sent)."""

    cell: Cell
    action: str = ""


@dataclass(frozen=True)
class DocumentRow:
    """One document of a list; each column holds the distinct values of its merged rows."""

    document_id: str
    columns: tuple[tuple[DocCell, ...], ...]

    def text(self, column: int) -> str:
        """The text of a column (for sorting)."""
        if column >= len(self.columns):
            return ""
        return " ".join(item.cell.text for item in self.columns[column])

    def texts(self) -> list[str]:
        """Every value of the row (for searching)."""
        return [item.cell.text for column in self.columns for item in column]


@dataclass(frozen=True)
class DetailField:
    label: str
    value: DocCell


@dataclass(frozen=True)
class DetailBlock:
    name: str
    fields: tuple[DetailField, ...]


def safe_url(cell: Cell) -> str | None:
    """The cell's external URL if it is http(s) (documents stored as links)."""
    url = (cell.url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def document_id_of(cells: Iterable[Cell]) -> str | None:
    """The id of the document a list row describes: its first Documents link."""
    return next((cell.ref.record_id for cell in cells
                 if cell.ref and cell.ref.module == DOCUMENTS), None)


def classify(cells: Sequence[Cell], document_id: str | None, *, title_first: bool) -> list[DocCell]:
    """Actions for a row's cells: links to this document open its detail page (the first one,
    when ``title_first``) or download its file; external URLs open through the counter."""
    result, title_seen = [], not title_first
    for cell in cells:
        action = ""
        if document_id and cell.ref == RecordRef(DOCUMENTS, document_id):
            action = DOWNLOAD if title_seen else DETAIL
            title_seen = True
        elif document_id and safe_url(cell):
            action = OPEN
        result.append(DocCell(cell, action))
    return result


def document_rows(table: RecordTable) -> list[DocumentRow]:
    """The table's rows, one per document, in the CRM's order of first appearance."""
    merged: dict[str, list[list[DocCell]]] = {}
    for index, cells in enumerate(table.rows):
        document_id = document_id_of(cells)
        key = document_id or f"row-{index}"
        row = classify(cells, document_id, title_first=True)
        if key not in merged:
            merged[key] = [[item] for item in row]
            continue
        for column, item in zip(merged[key], row):
            if all(known.cell != item.cell for known in column):
                column.append(item)
    return [DocumentRow(key if not key.startswith("row-") else "",
                        tuple(tuple(column) for column in columns))
            for key, columns in merged.items()]


def detail_blocks(detail: RecordDetail) -> list[DetailBlock]:
    """The document's fields, with its file name linked to the download (or the counter)."""
    return [DetailBlock(block.name, tuple(
        DetailField(field.label, classify([field.cell], detail.record_id, title_first=False)[0])
        for field in block.fields)) for block in detail.blocks]


def file_action(detail: RecordDetail) -> str | None:
    """``download`` for a document with a file, ``open`` for a link, None for neither."""
    actions = {block_field.value.action for block in detail_blocks(detail)
               for block_field in block.fields}
    if DOWNLOAD in actions:
        return DOWNLOAD
    return OPEN if OPEN in actions else None


def external_url(detail: RecordDetail) -> str | None:
    """The http(s) URL the CRM has for a document stored as a link."""
    return next((safe_url(field.cell) for field in detail.fields() if safe_url(field.cell)),
                None)


def heading_of(detail: RecordDetail) -> str:
    """What to call the document: its first field with a value (the title, in the CRM's order)."""
    return next((field.cell.text for field in detail.fields() if field.cell.text.strip()), "")
