"""CrmClient against the stub CRM over real HTTP: every one of the 33 operations, value by value.

One seeded stub per module (``crm_fixtures``). Alice, Bob and Dave stay logged in for the whole
module, so tests that end or replace a session, or change a password, use Erin instead. Record
ids are taken from the client's own list results, not hard-coded.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from crm_stub.admin_actions import order_modules, set_show_all
from crm_stub.seed.a_core import LED_REPORT, MANUAL, MODULES
from portalclient.crm import (Cell, CrmClient, CrmSession, FileContent, LoginRefused,
                              ModuleInactive, NewTicket, NotAuthorized, PasswordMailResult,
                              RecordRef, RecordTable, SessionExpired, SoapFault)
from tests.integration.crm_fixtures import (  # noqa: F401  (fixtures are used by name)
    ALICE, BOB, CAROL, CAROL_PASSWORD, ERIN, alice, bob, crm, crm_module_disabled,
    crm_stub_server, dave, log_in, module_hidden, wsdl_operations)

SEEDED_TICKETS = {f"TT{n}" for n in range(1, 9)}
ACME = RecordRef("Accounts", "2")
ADMIN_NAME = "Admin Administrator"


def utc_now() -> dt.datetime:
    """The stub CRM's database time: naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def seeded_rows(crm: CrmClient, session: CrmSession, only_mine: bool):
    """(number, title, status, priority) of the demo tickets in the contact's list."""
    rows = crm.tickets(session, only_mine=only_mine).rows
    return [(r.number, r.title, r.status, r.priority) for r in rows if r.number in SEEDED_TICKETS]


def ticket_id(crm: CrmClient, session: CrmSession, number: str) -> str:
    """The id of ticket ``number`` as the contact's (organization-wide) list shows it."""
    rows = crm.tickets(session, only_mine=False).rows
    return next(row.ticket_id for row in rows if row.number == number)


def row_ref(table: RecordTable, column: str, text: str) -> RecordRef:
    """The record of the row whose cell under ``column`` reads ``text``."""
    index = table.columns.index(column)
    return next(row[index].ref for row in table.rows if row[index].text == text)


def new_ticket(crm: CrmClient, session: CrmSession, title: str) -> str:
    return crm.create_ticket(session, NewTicket(title=title, description="Created by a test."))


# -- login, passwords, sessions --------------------------------------------------------------

def test_authenticate_returns_the_customer_and_support_window(crm, crm_stub_server):
    customer = crm.authenticate(ERIN, crm_stub_server.password(ERIN))
    today = dt.date.today()
    assert customer.contact_id == crm_stub_server.contact_id(ERIN) == "24"
    assert customer.user_name == customer.session.user_name == ERIN
    assert len(customer.session.session_id) == 32
    assert customer.support_start == today - dt.timedelta(days=300)
    assert customer.support_end == today + dt.timedelta(days=14)
    assert customer.session.session_id not in repr(customer)


def test_upper_case_email_logs_in_with_the_stored_spelling(crm, crm_stub_server):
    customer = crm.authenticate(ERIN.upper(), crm_stub_server.password(ERIN))
    assert customer.user_name == ERIN
    assert customer.contact_id == "24"
    assert crm.is_session_alive(customer.session) is True


@pytest.mark.parametrize("user_name, password", [
    (ALICE, "wrong-password"), (CAROL, CAROL_PASSWORD), ("nobody@example.com", "x"),
    (ALICE, ""),
], ids=["wrong-password", "support-expired", "unknown-user", "empty-password"])
def test_refused_logins(crm, user_name, password):
    with pytest.raises(LoginRefused) as refused:
        crm.authenticate(user_name, password)
    assert refused.value.reason == "INVALID_USERNAME_OR_PASSWORD"
    assert refused.value.operation == "authenticate_user"


def test_verify_password_checks_without_replacing_the_session(crm, alice, crm_stub_server):
    assert crm.verify_password(ALICE, crm_stub_server.password(ALICE)) is True
    assert crm.verify_password(ALICE, "not-it") is False
    assert crm.verify_password(CAROL, CAROL_PASSWORD) is False
    assert crm.is_session_alive(alice.session) is True


def test_a_second_login_ends_the_first_session(crm, crm_stub_server):
    first = crm.authenticate(ERIN, crm_stub_server.password(ERIN))
    second = crm.authenticate(ERIN, crm_stub_server.password(ERIN))
    assert first.session.session_id != second.session.session_id
    assert crm.is_session_alive(first.session) is False
    with pytest.raises(SessionExpired) as expired:
        crm.tickets(first.session, only_mine=True)
    assert expired.value.operation == "get_tickets_list"
    with pytest.raises(SessionExpired):
        crm.ticket_creator(first.session, "19")
    assert [row.number for row in crm.tickets(second.session, only_mine=True).rows] == ["TT8"]


def test_is_session_alive_refuses_a_forged_session_id(crm, alice):
    forged = CrmSession(contact_id=alice.contact_id, session_id="x" * 32, user_name=ALICE)
    assert crm.is_session_alive(alice.session) is True
    assert crm.is_session_alive(forged) is False
    with pytest.raises(SessionExpired):
        crm.knowledge_base(forged)


def test_logout_turns_the_login_time_into_last_login(crm, crm_stub_server):
    customer = crm.authenticate(ERIN, crm_stub_server.password(ERIN))
    crm.record_login(customer.session)
    stamped = crm_stub_server.store.scalar(
        "SELECT login_time FROM portal_users WHERE contact_id = 24")
    crm.logout(customer.session)
    assert crm.is_session_alive(customer.session) is True  # logout does not end the CRM session
    again = crm.authenticate(ERIN, crm_stub_server.password(ERIN))
    assert again.last_login == dt.datetime.strptime(stamped, "%Y-%m-%d %H:%M:%S")
    assert abs(again.last_login - utc_now()) < dt.timedelta(minutes=1)


def test_change_password_and_back(crm, crm_stub_server):
    old = crm_stub_server.password(ERIN)
    session = crm.authenticate(ERIN, old).session
    crm.change_password(session, old, "n3w-Passwört")
    assert crm.verify_password(ERIN, "n3w-Passwört") is True
    assert crm.verify_password(ERIN, old) is False
    with pytest.raises(LoginRefused) as refused:
        crm.change_password(session, old, "never-set")
    assert refused.value.operation == "change_password"
    assert crm.verify_password(ERIN, "never-set") is False
    crm.change_password(session, "n3w-Passwört", old)
    assert crm.authenticate(ERIN, old).contact_id == "24"


def test_request_password_mail(crm, crm_stub_server):
    result = crm.request_password_mail(BOB)
    assert result == PasswordMailResult(sent=True, message=(
        "If this address belongs to an active portal login, a mail with a link to set a new"
        " password has been sent to it."))
    tokens = crm_stub_server.store.scalar(
        "SELECT count(*) FROM password_tokens WHERE contact_id = 5")
    assert tokens >= 1
    assert crm.request_password_mail("") == PasswordMailResult(
        sent=False, message="Please give your email id")
    assert crm.verify_password(BOB, crm_stub_server.password(BOB)) is True  # nothing reset


# -- portal configuration ------------------------------------------------------------------

def test_modules_in_the_admins_order(crm, crm_stub_server):
    assert crm.modules() == tuple(MODULES)
    try:
        order_modules(crm_stub_server.store, ["Faq", "Documents"])
        assert crm.modules()[:3] == ("Faq", "Documents", "HelpDesk")
    finally:
        order_modules(crm_stub_server.store, MODULES)
    assert crm.modules() == tuple(MODULES)


def test_show_all_and_account_id(crm, alice, crm_stub_server):
    assert crm.show_all("HelpDesk") is True
    assert crm.show_all("Tickets") is True
    try:
        set_show_all(crm_stub_server.store, "HelpDesk", False)
        assert crm.show_all("HelpDesk") is False
        numbers = [row.number for row in crm.tickets(alice.session, only_mine=False).rows]
        assert "TT3" not in numbers and "TT5" not in numbers
    finally:
        set_show_all(crm_stub_server.store, "HelpDesk", True)
    assert crm.account_id(alice.contact_id) == "2"
    assert crm.account_id("24") == "3"
    assert crm.account_id("999999") is None


def test_picklist(crm, alice):
    assert crm.picklist(alice.session, "ticketstatus") == (
        "Open", "In Progress", "Wait For Response", "Closed")
    assert crm.picklist(alice.session, "faqcategories") == ("General", "Installation")
    assert crm.picklist(alice.session, "no_such_list") == ()
    with pytest.raises(ValueError):
        crm.picklist(alice.session, "x' OR 1=1")


def test_ticket_form_options(crm, alice, crm_stub_server):
    options = crm.ticket_form_options(alice.session)
    assert options.products == (("7", "Widget Pro"), ("8", "Gadget Basic"), ("9", "Sensor Kit"))
    assert options.priorities == ("Low", "Normal", "High", "Urgent")
    assert options.severities == ("Minor", "Major", "Feature", "Critical")
    assert options.categories == ("Big Problem", "Small Problem", "Other Problem")
    contract = crm_stub_server.store.scalar(
        "SELECT id FROM service_contracts WHERE contract_no = 'SERCON1'")
    assert options.service_contracts == ((str(contract), "Acme Support Contract 2026"),)
    with crm_module_disabled(crm_stub_server.store, "ServiceContracts"), \
            module_hidden(crm_stub_server.store, "Products"):
        reduced = crm.ticket_form_options(alice.session)
    assert reduced.products == () and reduced.service_contracts == ()
    assert reduced.priorities == options.priorities


# -- tickets ----------------------------------------------------------------------------------

def test_tickets_only_mine_and_organization_wide(crm, alice, bob):
    columns = ("Ticket No", "Subject", "Related to", "Contact Name", "Status", "Priority",
               "Assigned To")
    assert crm.tickets(alice.session, only_mine=True).columns == columns
    assert seeded_rows(crm, alice.session, True) == [
        ("TT1", "Widget Pro does not start", "Open", "High"),
        ("TT2", "Question about invoice layout", "Closed", "Low")]
    assert seeded_rows(crm, alice.session, False) == [
        ("TT1", "Widget Pro does not start", "Open", "High"),
        ("TT2", "Question about invoice layout", "Closed", "Low"),
        ("TT3", "Cannot log in to the dashboard", "In Progress", "Normal"),
        ("TT5", "Account-level maintenance request", "Wait For Response", "Normal")]
    assert seeded_rows(crm, bob.session, True) == [
        ("TT3", "Cannot log in to the dashboard", "In Progress", "Normal")]
    first = crm.tickets(alice.session, only_mine=True).rows[0]
    assert first.ticket_id == "12" and first.is_closed is False
    assert first.cells[2] == Cell("Acme Corporation", ref=ACME)
    assert first.cells[3] == Cell("Alice Anderson", ref=RecordRef("Contacts", "4"))
    assert first.cells[6] == Cell(ADMIN_NAME)


def test_create_ticket_shows_in_list_and_detail(crm, alice, crm_stub_server):
    contract = str(crm_stub_server.store.scalar(
        "SELECT id FROM service_contracts WHERE contract_no = 'SERCON1'"))
    title = "Gerät piept & blinkt – 装置がビープ音"
    new_id = crm.create_ticket(alice.session, NewTicket(
        title=title, description="Seit heute.\nZweite Zeile.", priority="Urgent",
        severity="Critical", category="Big Problem", product_id="9", service_id=contract))
    row = next(r for r in crm.tickets(alice.session, only_mine=True).rows
               if r.ticket_id == new_id)
    assert (row.title, row.status, row.priority) == (title, "Open", "Urgent")
    assert row.number.startswith("TT") and int(row.number[2:]) > 8
    detail = crm.record(alice.session, "HelpDesk", new_id)
    assert (detail.module, detail.record_id) == ("HelpDesk", new_id)
    assert detail.value("Title") == Cell(title)
    assert detail.value("Description") == Cell("Seit heute.\nZweite Zeile.")
    assert detail.value("Priority") == Cell("Urgent")
    assert detail.value("Severity") == Cell("Critical")
    assert detail.value("Category") == Cell("Big Problem")
    assert detail.value("Status") == Cell("Open")
    assert detail.value("Ticket No") == Cell(row.number)
    assert detail.value("Product Name") == Cell("Sensor Kit", ref=RecordRef("Products", "9"))
    assert detail.value("Contact Name") == Cell("Alice Anderson", ref=RecordRef("Contacts", "4"))
    assert detail.value("Related To") == Cell("Acme Corporation", ref=ACME)
    assert [b.name for b in detail.blocks][-1] == "Service Contract Details"
    assert crm.ticket_creator(alice.session, new_id) == "1"


def test_ticket_title_with_angle_brackets_survives_the_detail_view(crm, alice):
    title = "Dropdown <select> stays empty"
    new_id = crm.create_ticket(alice.session, NewTicket(
        title=title, description="The <b>Save</b> button & the <select> box."))
    listed = next(r for r in crm.tickets(alice.session, only_mine=True).rows
                  if r.ticket_id == new_id)
    assert listed.title == title  # the list encodes entities and round-trips
    detail = crm.record(alice.session, "HelpDesk", new_id)
    assert detail.value("Title").text == title
    assert detail.value("Description").text == "The <b>Save</b> button & the <select> box."


def test_seeded_ticket_detail(crm, alice):
    detail = crm.record(alice.session, "HelpDesk", ticket_id(crm, alice.session, "TT1"))
    assert [b.name for b in detail.blocks] == [
        "Ticket Information", "Description Details", "Ticket Resolution",
        "Service Contract Details"]
    assert detail.value("Title") == Cell("Widget Pro does not start")
    assert detail.value("Assigned To") == Cell(ADMIN_NAME)
    assert detail.value("Description") == Cell("It stays dark after power-on.")
    contract = {f.label: f.cell.text for f in detail.blocks[3].fields}
    assert contract == {"Subject": "Acme Support Contract 2026", "Used Units": "12.50",
                        "Total Units": "40.00", "Available Units": "27.5"}


def test_ticket_comments_newest_first_and_non_ascii_round_trip(crm, alice):
    seeded = crm.ticket_comments(alice.session, ticket_id(crm, alice.session, "TT1"))
    assert [(c.author, c.text) for c in seeded] == [
        (ALICE, "The device shows a blinking red LED."),
        (ADMIN_NAME, "Thanks Alice, please try holding the reset button for 10 seconds.")]
    assert seeded[0].created > seeded[1].created
    new_id = new_ticket(crm, alice.session, "Comment round trip")
    assert crm.ticket_comments(alice.session, new_id) == ()
    messages = ["لطفاً شماره سریال دستگاه را ارسال کنید.",
                "シリアル番号: SK-300-0042 です。",
                "<b>not markup</b> & \"quotes\" 'x'\n  indented second line"]
    for text in messages:
        crm.add_ticket_comment(alice.session, new_id, text)
    comments = crm.ticket_comments(alice.session, new_id)
    assert [c.text for c in comments] == messages[::-1]
    assert {c.author for c in comments} == {ALICE}
    assert all(abs(c.created - utc_now()) < dt.timedelta(minutes=1)
               for c in comments)


def test_close_ticket(crm, alice):
    new_id = new_ticket(crm, alice.session, "Please close me")
    crm.close_ticket(alice.session, new_id)
    row = next(r for r in crm.tickets(alice.session, only_mine=True).rows
               if r.ticket_id == new_id)
    assert row.status == "Closed" and row.is_closed is True
    assert crm.record(alice.session, "HelpDesk", new_id).value("Status") == Cell("Closed")


def test_ticket_attachments_upload_and_download(crm, alice):
    seeded = crm.ticket_attachments(alice.session, ticket_id(crm, alice.session, "TT1"))
    assert [(a.filename, a.content_type, a.size, a.external, a.url) for a in seeded] == [
        ("led-report.txt", "text/plain", len(LED_REPORT), False, None)]
    tt1 = ticket_id(crm, alice.session, "TT1")
    assert crm.ticket_file(alice.session, tt1, seeded[0].file_id, "led-report.txt") == \
        FileContent("led-report.txt", "text/plain", LED_REPORT)
    new_id = new_ticket(crm, alice.session, "Attachment round trip")
    assert crm.ticket_attachments(alice.session, new_id) == ()
    blob = random.Random(20).randbytes(2 * 1024 * 1024 + 3)
    crm.attach_file(alice.session, new_id, "dump.bin", "application/octet-stream", blob)
    crm.attach_file(alice.session, new_id, "notiz ü.txt", "text/plain", "Grüße 🙂".encode())
    files = crm.ticket_attachments(alice.session, new_id)
    assert [(a.filename, a.content_type, a.size, a.external) for a in files] == [
        ("dump.bin", "application/octet-stream", len(blob), False),
        ("notiz_ü.txt", "text/plain", len("Grüße 🙂".encode()), False)]
    downloaded = crm.ticket_file(alice.session, new_id, files[0].file_id, files[0].filename)
    assert downloaded.filename == "dump.bin" and downloaded.data == blob
    note = crm.ticket_file(alice.session, new_id, files[1].file_id, files[1].filename)
    assert note.data.decode() == "Grüße 🙂"


# -- FAQ --------------------------------------------------------------------------------------

def test_knowledge_base_and_faq_comment(crm, alice):
    kb = crm.knowledge_base(alice.session)
    assert kb.categories == ("General", "Installation")
    assert kb.products == (("7", "Widget Pro"), ("8", "Gadget Basic"), ("9", "Sensor Kit"))
    by_question = {faq.question: faq for faq in kb.faqs}
    assert "Internal: pricing for 2027" not in by_question  # drafts are not published
    hours = by_question["What are your support hours?"]
    assert (hours.number, hours.answer, hours.category, hours.product_id) == (
        "FAQ2", "Monday to Friday, 8:00-18:00 CET.", "General", None)
    assert [c.text for c in hours.comments] == ["Are you also available on Saturdays?"]
    italian = by_question["Come si installa il Sensor Kit?"]
    assert italian.answer == ("1. Fissare il sensore.\n2. Collegare il cavo «USB-C».\n"
                              "3. Avviare l'app.")
    assert (italian.category, italian.product_id) == ("Installation", "9")
    text = "ありがとう & <merci>\nخیلی ممنون"
    after = crm.add_faq_comment(alice.session, hours.id, text)
    updated = next(faq for faq in after.faqs if faq.id == hours.id)
    assert [c.text for c in updated.comments] == [text, "Are you also available on Saturdays?"]
    assert after.categories == kb.categories and after.products == kb.products
    assert next(f for f in crm.knowledge_base(alice.session).faqs
                if f.id == hours.id).comments == updated.comments


# -- records ----------------------------------------------------------------------------------

def texts(table: RecordTable) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def test_records_quotes_and_invoices(crm, alice):
    quotes = crm.records(alice.session, "Quotes", only_mine=False)
    assert quotes.columns == ("Quote Number", "Subject", "Quote Stage", "Opportunity Name",
                              "Organization Name", "Total", "Assigned To", "Related To")
    assert texts(quotes) == [["QUO1", "Quote for Widget rollout", "Delivered", "",
                              "Acme Corporation", "(€)4899", ADMIN_NAME, "Alice Anderson"]]
    assert quotes.rows[0][1].ref.module == "Quotes"
    invoices = crm.records(alice.session, "Invoice", only_mine=True)
    assert invoices.columns == ("Invoice No", "Subject", "Sales Order", "Status", "Total",
                                "Assigned To", "Related To")
    assert texts(invoices) == [["INV1", "Invoice Widget order 2026", "", "Sent", "(€)5168.94",
                                ADMIN_NAME, "Alice Anderson"]]
    assert invoices.rows[0][6].ref == RecordRef("Contacts", alice.contact_id)


def test_records_documents_contacts_assets_projects(crm, alice):
    documents = crm.records(alice.session, "Documents", only_mine=False)
    assert [(row[0].text, row[1].text, row[1].url, row[5].text) for row in documents.rows] == [
        ("Widget Pro Manual", "widget-pro-manual.txt", None, "Acme Corporation"),
        ("Price list 2027", "https://example.com/prices-2027.pdf",
         "https://example.com/prices-2027.pdf", "Acme Corporation"),
        ("Old brochure", "brochure-2019.pdf", None, "Alice Anderson")]
    assert documents.rows[2][1].ref is None  # inactive: name only, no download link
    contacts = crm.records(alice.session, "Contacts", only_mine=False)
    assert [[c.text for c in row[:5]] for row in contacts.rows] == [
        ["Alice", "Anderson", "IT Manager", "Acme Corporation", ALICE],
        ["Bob", "Brown", "Engineer", "Acme Corporation", BOB]]
    assert [row[0].text for row in crm.records(alice.session, "Contacts",
                                                 only_mine=True).rows] == ["Alice"]
    assets = crm.records(alice.session, "Assets", only_mine=False)
    assert [[c.text for c in row[:4]] for row in assets.rows] == [
        ["ASSET1", "Widget Pro #SN-0001", "Acme Corporation", "Widget Pro"],
        ["ASSET2", "Sensor Kit #SK-0420", "Acme Corporation", "Sensor Kit"]]
    projects = crm.records(alice.session, "Project", only_mine=False)
    assert [[c.text for c in row[2:]] for row in projects.rows] == [
        ["in progress", "operative", ADMIN_NAME, "Acme Corporation"]]
    assert projects.rows[0][0].text == "Acme Website Relaunch"


def test_record_details_of_every_module(crm, alice):
    session = alice.session
    lists = {m: crm.records(session, m, only_mine=False)
             for m in ("Quotes", "Documents", "Assets", "Project")}
    refs = {"Contacts": RecordRef("Contacts", alice.contact_id), "Accounts": ACME,
            "Products": row_ref(crm.product_tables(session, only_mine=False)[0],
                                "Product Name", "Widget Pro"),
            "Services": row_ref(crm.service_tables(session, only_mine=False)[0],
                                "Service Name", "Premium Support"),
            "Quotes": row_ref(lists["Quotes"], "Subject", "Quote for Widget rollout"),
            "Documents": row_ref(lists["Documents"], "Title", "Widget Pro Manual"),
            "Assets": row_ref(lists["Assets"], "Asset Name", "Widget Pro #SN-0001"),
            "Project": row_ref(lists["Project"], "Project name", "Acme Website Relaunch")}
    expected = {
        "Contacts": {"First Name": "Alice", "Last Name": "Anderson", "Title": "IT Manager",
                     "Department": "IT", "Primary Email": ALICE, "Portal User": "Yes",
                     "Organization Name": "Acme Corporation"},
        "Accounts": {"Organization Name": "Acme Corporation", "Account No": "ACC2",
                     "Website": "https://acme.example", "Employees": "250",
                     "Billing City": "Phoenix", "Billing Country": "USA"},
        "Products": {"Product Name": "Widget Pro", "Product No": "PRO1", "Part Number": "WP-100",
                     "Unit Price": "(€)1200", "Usage Unit": "Box",
                     "Description": "Our flagship widget."},
        "Services": {"Service Name": "Premium Support", "Service No": "SER1",
                     "Usage Unit": "Hours", "Price": "(€)250", "Commission Rate": "5.000"},
        "Quotes": {"Subject": "Quote for Widget rollout", "Quote No": "QUO1",
                   "Quote Stage": "Delivered", "Contact Name": "Alice Anderson",
                   "Terms & Conditions": "Payment within 30 days & delivery ex works."},
        "Documents": {"Title": "Widget Pro Manual", "Folder Name": "Default",
                      "Download Type": "Internal", "File Name": "widget-pro-manual.txt",
                      "File Size": f"{len(MANUAL)} B", "File Type": "text/plain"},
        "Assets": {"Asset No": "ASSET1", "Product Name": "Widget Pro", "Serial Number": "SN-0001",
                   "Invoice Name": "Invoice Widget order 2026",
                   "Customer Name": "Acme Corporation"},
        "Project": {"Project Name": "Acme Website Relaunch", "Project No": "PROJ1",
                    "Status": "in progress", "Priority": "high", "Progress": "40%",
                    "Related to": "Acme Corporation"},
    }
    for module, values in expected.items():
        detail = crm.record(session, module, refs[module].record_id)
        assert (detail.module, detail.record_id) == (module, refs[module].record_id)
        actual = {label: detail.value(label).text for label in values}
        assert actual == values, module
    assert crm.record(session, "Project", refs["Project"].record_id).value(
        "Related to").ref == ACME


def test_invoice_detail(crm, alice):
    invoices = crm.records(alice.session, "Invoice", only_mine=True)
    ref = row_ref(invoices, "Subject", "Invoice Widget order 2026")
    detail = crm.invoice(alice.session, ref.record_id)
    assert (detail.module, detail.record_id) == ("Invoice", ref.record_id)
    assert [b.name for b in detail.blocks] == [
        "Invoice Details", "Address Details", "Conclusion", "Cover Letter"]
    assert detail.value("Subject") == Cell("Invoice Widget order 2026", ref=ref)
    assert detail.value("Invoice No") == Cell("INV1")
    assert detail.value("Status") == Cell("Sent")
    assert detail.value("Lieferdatum") == Cell("")
    assert detail.value("Invoice Date").text == (
        dt.date.today() - dt.timedelta(days=23)).isoformat()
    assert detail.value("Billing Address") == Cell("1 Road Runner Way")


def test_product_and_service_tables(crm, alice, crm_stub_server):
    products = crm.product_tables(alice.session, only_mine=False)
    assert [t.source for t in products] == ["related", "quotes", "invoices"]
    assert products[0].columns == ("Product Name", "Part Number", "Commission Rate", "Qty/Unit",
                                   "Unit Price", "Related To")
    assert texts(products[0]) == [
        ["Widget Pro", "WP-100", "2.5", "1.00", "(€)1200", "Alice Anderson"],
        ["Sensor Kit", "SK-300", "2.5", "1.00", "(€)349.5", "Acme Corporation"]]
    assert [row[0].text for row in products[1].rows] == ["Widget Pro"]
    assert [row[0].text for row in products[2].rows] == ["Widget Pro", "Sensor Kit"]
    assert [row[0].text for row in crm.product_tables(alice.session,
                                                       only_mine=True)[0].rows] == ["Widget Pro"]
    services = crm.service_tables(alice.session, only_mine=False)
    assert [t.source for t in services] == ["related", "quotes", "invoices"]
    assert [[texts(t)] for t in services] == [
        [[["SER1", "Premium Support", "5", "1.00", "(€)250", "Alice Anderson"]]],
        [[["SER2", "Installation Service", "5", "1.00", "(€)99", "Alice Anderson"]]],
        [[["SER1", "Premium Support", "5", "1.00", "(€)250", "Alice Anderson"]]]]
    with module_hidden(crm_stub_server.store, "Quotes"):
        reduced = crm.service_tables(alice.session, only_mine=False)
    assert [t.source for t in reduced] == ["related", "invoices"]
    assert texts(reduced[1]) == texts(services[2])


def test_documents_of_and_document_file(crm, alice):
    kb = crm.knowledge_base(alice.session)
    reset_faq = next(f.id for f in kb.faqs if f.question == "How do I reset my Widget Pro?")
    hours_faq = next(f.id for f in kb.faqs if f.question == "What are your support hours?")
    of_faq = crm.documents_of(alice.session, reset_faq)
    assert of_faq.columns == ("Title", "FileName", "Created Time")
    assert [(r[0].text, r[1].text) for r in of_faq.rows] == [
        ("Widget Pro Manual", "widget-pro-manual.txt")]
    external = crm.documents_of(alice.session, hours_faq).rows[0]
    assert (external[0].text, external[1].url) == (
        "Online setup guide", "https://docs.example.com/widget-pro/setup")
    assert crm.documents_of(alice.session, ticket_id(crm, alice.session, "TT2")).rows == ()
    manual = of_faq.rows[0][0].ref
    before = int(crm.record(alice.session, "Documents", manual.record_id)
                 .value("Download Count").text)
    assert crm.document_file(alice.session, "Documents", manual.record_id) == FileContent(
        "widget-pro-manual.txt", "text/plain", MANUAL)
    after = crm.record(alice.session, "Documents", manual.record_id).value("Download Count")
    assert int(after.text) == before + 1


def test_document_file_of_a_ticket_is_its_first_attachment(crm, alice):
    tt1 = ticket_id(crm, alice.session, "TT1")
    assert crm.document_file(alice.session, "HelpDesk", tt1) == FileContent(
        "led-report.txt", "text/plain", LED_REPORT)


def test_count_download_of_an_external_document(crm, alice):
    documents = crm.records(alice.session, "Documents", only_mine=False)
    price_list = row_ref(documents, "Title", "Price list 2027").record_id
    before = crm.record(alice.session, "Documents", price_list)
    assert before.value("Download Type") == Cell("External")
    assert before.value("File Name").url == "https://example.com/prices-2027.pdf"
    assert crm.count_download(price_list) is None
    crm.count_download(price_list)
    after = crm.record(alice.session, "Documents", price_list).value("Download Count")
    assert int(after.text) == int(before.value("Download Count").text) + 2


@pytest.mark.parametrize("module, list_column, subject", [
    ("Quotes", "Subject", "Quote for Widget rollout"),
    ("Invoice", "Subject", "Invoice Widget order 2026")])
def test_pdf(crm, alice, module, list_column, subject):
    ref = row_ref(crm.records(alice.session, module, only_mine=False), list_column, subject)
    data = crm.pdf(alice.session, module, ref.record_id)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > 1000


def test_project_components_and_tickets(crm, alice):
    project = row_ref(crm.records(alice.session, "Project", only_mine=False),
                      "Project name", "Acme Website Relaunch").record_id
    tasks = crm.project_components(alice.session, project, "ProjectTask")
    assert tasks.module == "ProjectTask"
    assert tasks.columns == ("Project Task Name", "Start Date", "End Date", "Type", "Status",
                             "Progress", "Assigned To")
    assert [(r[0].text, r[4].text, r[5].text, r[6].text) for r in tasks.rows] == [
        ("Design mockups", "Completed", "100%", ADMIN_NAME),
        ("Implementation", "In Progress", "50%", ADMIN_NAME),
        ("Lanseringschecklista (go-live)", "Open", "0%", ADMIN_NAME)]
    today = dt.date.today()
    assert tasks.rows[0][1].text == (today - dt.timedelta(days=80)).isoformat()
    milestones = crm.project_components(alice.session, project, "ProjectMilestone")
    assert milestones.columns == ("Project Milestone Name", "Milestone Date", "Type")
    assert texts(milestones) == [
        ["Design approved", (today - dt.timedelta(days=50)).isoformat(), "administrative"],
        ["Go live", (today + dt.timedelta(days=70)).isoformat(), "operative"]]
    tickets = crm.project_tickets(alice.session, project)
    assert tickets.columns[:2] == ("Ticket No", "Subject")
    assert [(r[0].text, r[1].text, r[4].text) for r in tickets.rows] == [
        ("TT3", "Cannot log in to the dashboard", "In Progress"),
        ("TT5", "Account-level maintenance request", "Wait For Response")]
    assert tickets.rows[0][1].ref == RecordRef("HelpDesk", ticket_id(crm, alice.session, "TT3"))


def test_ticket_creator(crm, alice, dave):
    assert crm.ticket_creator(alice.session, ticket_id(crm, alice.session, "TT1")) == "1"
    assert crm.ticket_creator(alice.session, ticket_id(crm, dave.session, "TT6")) == ""
    assert crm.ticket_creator(alice.session, "999999") == ""


@pytest.mark.parametrize("call, operation", [
    (lambda crm, s: crm.custom_field_details(s, "12"), "get_cf_field_details"),
    (lambda crm, s: crm.product_urls(s, "7"), "get_product_urllist")],
    ids=["custom_field_details", "product_urls"])
def test_unimplemented_operations_fault(crm, alice, call, operation):
    with pytest.raises(SoapFault) as fault:
        call(crm, alice.session)
    assert fault.value.faultcode == "SOAP-ENV:Client"
    assert f"method '{operation}'" in fault.value.faultstring
    assert fault.value.operation == operation


# -- authorization ----------------------------------------------------------------------------

def globex_ids(crm: CrmClient, dave_session: CrmSession) -> dict[str, str]:
    """Ids of Dave's (Globex) records, from his own lists."""
    def first(module: str, column: str) -> str:
        table = crm.records(dave_session, module, only_mine=False)
        return table.rows[0][table.columns.index(column)].ref.record_id

    return {"ticket": ticket_id(crm, dave_session, "TT6"), "invoice": first("Invoice", "Subject"),
            "project": first("Project", "Project name"), "document": first("Documents", "Title"),
            "account": crm.account_id(dave_session.contact_id)}


FOREIGN_CALLS = {
    "record-ticket": lambda crm, s, ids: crm.record(s, "HelpDesk", ids["ticket"]),
    "record-account": lambda crm, s, ids: crm.record(s, "Accounts", ids["account"]),
    "invoice": lambda crm, s, ids: crm.invoice(s, ids["invoice"]),
    "pdf": lambda crm, s, ids: crm.pdf(s, "Invoice", ids["invoice"]),
    "close": lambda crm, s, ids: crm.close_ticket(s, ids["ticket"]),
    "attachments": lambda crm, s, ids: crm.ticket_attachments(s, ids["ticket"]),
    "documents_of": lambda crm, s, ids: crm.documents_of(s, ids["ticket"]),
    "document_file": lambda crm, s, ids: crm.document_file(s, "Documents", ids["document"]),
    "tasks": lambda crm, s, ids: crm.project_components(s, ids["project"], "ProjectTask"),
    "project_tickets": lambda crm, s, ids: crm.project_tickets(s, ids["project"]),
}


@pytest.mark.parametrize("name", list(FOREIGN_CALLS))
def test_another_companys_records_are_not_authorized(crm, alice, dave, name):
    ids = globex_ids(crm, dave.session)
    assert ids["account"] == "3"
    with pytest.raises(NotAuthorized):
        FOREIGN_CALLS[name](crm, alice.session, ids)


def test_another_companys_ticket_stays_untouched(crm, alice, dave):
    foreign = ticket_id(crm, dave.session, "TT6")
    before = crm.ticket_comments(dave.session, foreign)
    assert crm.ticket_comments(alice.session, foreign) == ()
    crm.add_ticket_comment(alice.session, foreign, "sneaky")
    crm.attach_file(alice.session, foreign, "x.txt", "text/plain", b"x")
    assert crm.ticket_comments(dave.session, foreign) == before
    assert [a.filename for a in crm.ticket_attachments(dave.session, foreign)] == []
    assert next(r for r in crm.tickets(dave.session, only_mine=True).rows
                if r.ticket_id == foreign).status == "Open"


def test_hidden_invoice_tab(crm, alice, crm_stub_server):
    invoice = row_ref(crm.records(alice.session, "Invoice", only_mine=True), "Subject",
                      "Invoice Widget order 2026").record_id
    with module_hidden(crm_stub_server.store, "Invoice"):
        assert "Invoice" not in crm.modules()
        with pytest.raises(ModuleInactive) as inactive:
            crm.records(alice.session, "Invoice", only_mine=True)
        assert inactive.value.operation == "get_list_values"
        with pytest.raises(NotAuthorized):
            crm.invoice(alice.session, invoice)
        with pytest.raises(NotAuthorized):
            crm.pdf(alice.session, "Invoice", invoice)
        assert [t.source for t in crm.product_tables(alice.session, only_mine=False)] == [
            "related", "quotes"]
    assert crm.invoice(alice.session, invoice).value("Invoice No") == Cell("INV1")


def test_hidden_documents_and_project_tabs(crm, alice, crm_stub_server):
    tt1 = ticket_id(crm, alice.session, "TT1")
    project = row_ref(crm.records(alice.session, "Project", only_mine=False),
                      "Project name", "Acme Website Relaunch").record_id
    with module_hidden(crm_stub_server.store, "Documents"):
        with pytest.raises(ModuleInactive):
            crm.ticket_attachments(alice.session, tt1)
        with pytest.raises(ModuleInactive):
            crm.documents_of(alice.session, tt1)
        with pytest.raises(ModuleInactive):
            crm.records(alice.session, "Documents", only_mine=False)
    with module_hidden(crm_stub_server.store, "ProjectTask"):
        with pytest.raises(ModuleInactive):
            crm.project_components(alice.session, project, "ProjectTask")
    with module_hidden(crm_stub_server.store, "Project"):
        with pytest.raises(NotAuthorized):
            crm.record(alice.session, "Project", project)
    assert len(crm.ticket_attachments(alice.session, tt1)) == 1



# -- coverage of the protocol -----------------------------------------------------------------

def test_zz_every_wsdl_operation_went_over_the_wire(request, crm_stub_server):
    """Runs last (file order): the stub saw all 33 operations the client's WSDL declares."""
    wanted = {name for name in dir(request.module) if name.startswith("test_")}
    selected = {item.originalname for item in request.session.items
                if item.module is request.module}
    if not wanted <= selected:
        pytest.skip("only meaningful when the whole module runs")
    operations = wsdl_operations()
    assert len(operations) == 33
    assert crm_stub_server.recorder.seen == operations
