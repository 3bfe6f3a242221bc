"""Real PDF renderings of quotes and invoices for the stub CRM's ``get_pdf`` (fpdf2).

The real CRM runs ``modules/{Quotes,Invoice}/CreatePDF.php``; the stub draws a comparable
one-page document: company header, customer block, line items, totals. A Unicode TrueType font
is used when the system has one; otherwise the PDF core fonts, with text reduced to Latin-1.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

log = logging.getLogger(__name__)

#: Where Unicode fonts live on common systems (fonts-dejavu-core, Fedora, macOS, Windows).
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
    Path("C:/Windows/Fonts/arial.ttf"),
)

#: Currency codes the stub knows, with a symbol each font family can draw.
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "SEK": "kr", "RUB": "₽"}

COLUMNS = (("#", 8), ("Item", 74), ("Qty", 18), ("Price", 28), ("Disc. %", 18), ("Amount", 34))


@dataclass(frozen=True)
class PdfLine:
    """One line item as printed: amounts already computed by the caller."""

    name: str
    quantity: float
    list_price: float
    discount_percent: float
    amount: float
    comment: str = ""


@dataclass(frozen=True)
class PdfDocument:
    """Everything printed on a quote or invoice."""

    kind: str  # "Quote" or "Invoice"
    number: str
    subject: str
    issued: str
    company: tuple[str, ...]
    customer: tuple[str, ...]
    currency: str
    subtotal: float
    tax_percent: float
    total: float
    lines: tuple[PdfLine, ...] = field(default_factory=tuple)
    status: str = ""


def find_unicode_font() -> Path | None:
    """Return the first Unicode TTF font found on this system, or None."""
    return next((path for path in FONT_CANDIDATES if path.is_file()), None)


def to_latin1(text: str) -> str:
    """Reduce ``text`` to what the PDF core fonts can draw: strip accents, '?' for the rest."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.encode("latin-1", errors="replace").decode("latin-1")


class _Sheet(FPDF):
    """An FPDF that knows which characters its font can draw."""

    def __init__(self, font_path: Path | None):
        super().__init__(format="A4")
        self.font_family_name = "helvetica"
        self._cmap: set[int] | None = None
        if font_path is not None:
            self.add_font("stubsans", "", str(font_path))
            self.font_family_name = "stubsans"
            self._cmap = set(self.fonts["stubsans"].cmap)

    def safe(self, text: str) -> str:
        """Replace characters the current font lacks, instead of failing or warning."""
        if self._cmap is None:
            return to_latin1(text)
        return "".join(ch if ord(ch) in self._cmap or ch in "\n" else "?" for ch in text)

    def write_line(self, text: str, size: float = 10, height: float = 5) -> None:
        self.set_font(self.font_family_name, size=size)
        self.multi_cell(0, height, self.safe(text), new_x="LMARGIN", new_y="NEXT")


def _money(doc: PdfDocument, sheet: _Sheet, amount: float) -> str:
    symbol = CURRENCY_SYMBOLS.get(doc.currency, doc.currency)
    text = f"{symbol} {amount:,.2f}"
    return text if sheet.safe(symbol) == symbol else f"{doc.currency} {amount:,.2f}"


def _header(sheet: _Sheet, doc: PdfDocument) -> None:
    for index, line in enumerate(doc.company):
        sheet.write_line(line, size=14 if index == 0 else 9)
    sheet.ln(6)
    sheet.write_line(f"{doc.kind} {doc.number}", size=16, height=8)
    sheet.write_line(doc.subject, size=11)
    sheet.write_line(f"Date: {doc.issued}" + (f"    Status: {doc.status}" if doc.status else ""))
    sheet.ln(4)
    sheet.write_line("Customer:", size=9)
    for line in doc.customer:
        sheet.write_line(line)
    sheet.ln(6)


def _line_table(sheet: _Sheet, doc: PdfDocument) -> None:
    sheet.set_font(sheet.font_family_name, size=9)
    for title, width in COLUMNS:
        sheet.cell(width, 7, title, border=1, align="C")
    sheet.ln()
    for number, line in enumerate(doc.lines, start=1):
        cells = (str(number), line.name, f"{line.quantity:g}", _money(doc, sheet, line.list_price),
                 f"{line.discount_percent:g}", _money(doc, sheet, line.amount))
        for (_, width), text in zip(COLUMNS, cells):
            align = "L" if width == COLUMNS[1][1] else "R"
            sheet.cell(width, 6, sheet.safe(text)[:60], border=1, align=align)
        sheet.ln()
        if line.comment:
            sheet.cell(COLUMNS[0][1], 5, "")
            sheet.cell(0, 5, sheet.safe(line.comment)[:100], new_x="LMARGIN", new_y="NEXT")


def _totals(sheet: _Sheet, doc: PdfDocument) -> None:
    tax = doc.total - doc.subtotal
    rows = (("Subtotal", doc.subtotal), (f"Tax ({doc.tax_percent:g} %)", tax), ("Total", doc.total))
    sheet.ln(3)
    label_width = sum(width for _, width in COLUMNS[:-1])
    for label, amount in rows:
        sheet.cell(label_width, 6, label, align="R")
        sheet.cell(COLUMNS[-1][1], 6, _money(doc, sheet, amount), border=1, align="R")
        sheet.ln()


def render_pdf(doc: PdfDocument, *, font_path: Path | None = None, use_system_font: bool = True,
               compress: bool = True) -> bytes:
    """Draw ``doc`` and return the PDF bytes; ``compress=False`` keeps streams readable (tests)."""
    if font_path is None and use_system_font:
        font_path = find_unicode_font()
    sheet = _Sheet(font_path)
    sheet.set_compression(compress)
    sheet.set_title(f"{doc.kind} {doc.number}")
    sheet.set_subject(sheet.safe(doc.subject) if font_path is None else doc.subject)
    sheet.set_creator("crm_stub")
    sheet.add_page()
    _header(sheet, doc)
    _line_table(sheet, doc)
    _totals(sheet, doc)
    log.debug("rendered %s %s (%d lines)", doc.kind, doc.number, len(doc.lines))
    return bytes(sheet.output())
