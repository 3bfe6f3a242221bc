"""The pure parts of the ownership check and of the locally cut Mine lists."""

from __future__ import annotations

from portalclient.crm.models import Cell, RecordRef
from portalclient.pages.customer_lists import contact_column, rows_of_contact
from portalclient.pages.ownership import is_record_id, linked_ids


def link(module: str, record_id: str, text: str = "x") -> Cell:
    return Cell(text, RecordRef(module, record_id))


ROWS = [
    (link("Invoice", "40"), Cell("Open"), link("Accounts", "2")),
    (link("Invoice", "41"), Cell("Paid"), link("Contacts", "4")),
    (link("Invoice", "42"), Cell("Paid"), Cell("")),
    (link("Invoice", "43"), Cell("Paid"), link("Contacts", "5")),
]


def test_linked_ids_are_the_modules_records_any_cell_links_to():
    assert linked_ids(ROWS, "Invoice") == {"40", "41", "42", "43"}
    assert linked_ids(ROWS, "Contacts") == {"4", "5"}
    assert linked_ids(ROWS, "Quotes") == set()


def test_the_contact_column_links_only_to_parties_and_to_a_contact_at_least_once():
    assert contact_column(ROWS) == 2
    accounts_only = [(Cell("a"), link("Accounts", "2")), (Cell("b"), link("Accounts", "3"))]
    assert contact_column(accounts_only) is None
    mixed = [(link("Contacts", "4"),), (Cell("plain text"),)]
    assert contact_column(mixed) is None
    assert contact_column([]) is None
    assert rows_of_contact(ROWS, 2, "4") == [1]
    assert rows_of_contact(ROWS, 2, "23") == []


def test_record_ids_are_ascii_digits_only():
    assert is_record_id("40")
    for bad in ("", "4x", "-4", " 4", "٤", "4.0"):
        assert not is_record_id(bad), bad
