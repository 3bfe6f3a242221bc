"""Core demo data: the CRM behind the traces (Acme, Globex, Alice, Bob, Carol, TT1…TT8, FAQs).

Record ids 1–22 mirror the captured berliCRM (Acme = 2, Alice = 4, products 7–9, services 10–11,
tickets 12–19, FAQs 20–22) so trace-shaped answers line up; Dave, Erin, Frank are 23–25 and
everything else is allocated in order. All dates are relative to ``now`` so support windows
stay meaningful.
"""

from __future__ import annotations

import datetime as dt

from werkzeug.security import generate_password_hash

from crm_stub.store import Store, format_time

ADMIN, SUPPORT_USER = 1, 5
#: (e-mail, password) of the active demo logins; the first has open and closed tickets.
DEMO_LOGINS = [("alice@acme.example", "alice123"), ("bob@acme.example", "bob123"),
               ("dave@globex.example", "dave123"), ("erin@globex.example", "erin123")]
PASSWORDS = dict(DEMO_LOGINS, **{"carol@globex.example": "carol123",
                                 "frank@globex.example": "frank123"})

MODULES = ["HelpDesk", "Faq", "Invoice", "Quotes", "Products", "Services", "Documents",
           "Contacts", "Accounts", "Project", "ProjectTask", "ProjectMilestone", "Assets"]
TAB_IDS = {"HelpDesk": 13, "Faq": 15, "Invoice": 23, "Quotes": 20, "Products": 14,
           "Services": 35, "Documents": 8, "Contacts": 4, "Accounts": 6, "Project": 43,
           "ProjectTask": 44, "ProjectMilestone": 45, "Assets": 42, "ServiceContracts": 34}
PICKLISTS = {
    "ticketstatus": ["Open", "In Progress", "Wait For Response", "Closed"],
    "ticketpriorities": ["Low", "Normal", "High", "Urgent"],
    "ticketseverities": ["Minor", "Major", "Feature", "Critical"],
    "ticketcategories": ["Big Problem", "Small Problem", "Other Problem"],
    "faqcategories": ["General", "Installation"],
    "faqstatus": ["Draft", "Reviewed", "Published", "Obsolete"],
}
LED_REPORT = b"LED pattern: red, red, green (photo description).\nFirmware: 2.4.1\n"
MANUAL = (b"Widget Pro - Quick Start Manual\n================================\n"
          b"1. Unpack the device.\n2. Connect power.\n"
          b"3. Hold reset for 10 seconds to restore factory settings.\n")


def seed(store: Store, now: dt.datetime) -> None:
    """Insert the core demo data, deterministic for a given ``now``."""
    _portal_setup(store)
    _people(store, now)
    _catalogue(store, now)
    _tickets(store, now)
    _ticket_comments(store, now)
    _faqs(store, now)
    _files(store, now)


def _ago(now: dt.datetime, days: float = 0, minutes: float = 0) -> dt.datetime:
    return now - dt.timedelta(days=days, minutes=minutes)


def _entity(store: Store, record_id: int | None, module: str, when: dt.datetime,
            owner: int = ADMIN) -> int:
    return store.new_entity(module, owner, ADMIN, now=when, record_id=record_id)


def _portal_setup(store: Store) -> None:
    """CRM users and groups, portal tabs and preferences, picklists (berliCRM defaults)."""
    store.insert("users", id=ADMIN, user_name="admin", first_name="Admin",
                 last_name="Administrator", email="admin@crm.example", is_admin=1, role="H2")
    store.insert("users", id=SUPPORT_USER, user_name="sam", first_name="Sam",
                 last_name="Support", email="sam@crm.example", role="H3")
    for group_id, name in ((2, "Team Selling"), (3, "Marketing Group"), (4, "Support Group")):
        store.insert("groups", id=group_id, name=name)
    for sequence, name in enumerate(MODULES, start=1):
        store.insert("portal_modules", name=name, tabid=TAB_IDS[name], sequence=sequence)
    store.insert("portal_modules", name="ServiceContracts", tabid=TAB_IDS["ServiceContracts"],
                 visible=0, sequence=99, show_related=1)
    store.insert("portal_prefs", key="userid", value=str(ADMIN))
    store.insert("portal_prefs", key="defaultassignee", value=str(ADMIN))
    store.insert("folders", id=1, name="Default", description="Default folder")
    for picklist, values in PICKLISTS.items():
        for order, value in enumerate(values, start=1):
            store.insert("picklist_values", picklist=picklist, value=value, sortorder=order)


def _people(store: Store, now: dt.datetime) -> None:
    """Organizations, contacts and their portal logins."""
    created = _ago(now, days=60)
    _accounts(store, created)
    today = now.date()
    active = (today.replace(year=today.year - 1, month=1, day=1),
              today.replace(year=today.year + 4, month=12, day=31))
    _contact(store, 4, 2, "Ms.", "Alice", "Anderson", "alice@acme.example", active, created,
             title="IT Manager", department="IT")
    _contact(store, 5, 2, "Mr.", "Bob", "Brown", "bob@acme.example", active, created,
             title="Engineer")
    ended = (today - dt.timedelta(days=400), today - dt.timedelta(days=30))
    _contact(store, 6, 3, "Ms.", "Carol", "Clark", "carol@globex.example", ended, created,
             language="it")
    _contact(store, 23, 3, "Mr.", "Dave", "Dawson", "dave@globex.example", active, created,
             language="ja")
    soon = (today - dt.timedelta(days=300), today + dt.timedelta(days=14))
    _contact(store, 24, 3, "Ms.", "Erin", "Eriksson", "erin@globex.example", soon, created,
             language="sv")
    frank = _contact(store, 25, 3, "Mr.", "Frank", "Fischer", "frank@globex.example", active,
                     created)
    store.execute("UPDATE portal_users SET is_active = 0 WHERE contact_id = ?", (frank,))


def _accounts(store: Store, created: dt.datetime) -> None:
    """Initech (no portal users), Acme Corporation and Globex Ltd."""
    _entity(store, 1, "Accounts", created)
    store.insert("accounts", id=1, account_no="ACC1", name="Initech GmbH", city="Berlin",
                 country="Germany", industry="Consulting")
    _entity(store, 2, "Accounts", created)
    store.insert("accounts", id=2, account_no="ACC2", name="Acme Corporation",
                 phone="+1 555 0100", website="https://acme.example", email="info@acme.example",
                 industry="Manufacturing", employees=250, street="1 Road Runner Way",
                 city="Phoenix", code="85001", country="USA")
    _entity(store, 3, "Accounts", created)
    store.insert("accounts", id=3, account_no="ACC3", name="Globex Ltd", phone="+44 20 7946 0000",
                 website="https://globex.example", industry="Technology", employees=80,
                 city="London", country="United Kingdom",
                 description="Sede italiana: Milano – «clienti prioritari» & partner")


def _contact(store: Store, record_id: int | None, account_id: int, salutation: str,
             first: str, last: str, email: str, window: tuple[dt.date, dt.date],
             created: dt.datetime, **extra: str) -> int:
    """A portal-enabled contact with its login (password hashed, never stored in clear)."""
    contact_id = _entity(store, record_id, "Contacts", created)
    store.insert("contacts", id=contact_id, contact_no=f"CON{contact_id}", account_id=account_id,
                 salutation=salutation, firstname=first, lastname=last, email=email,
                 phone=f"+1 555 01{contact_id:02d}", portal=1,
                 support_start=window[0].isoformat(), support_end=window[1].isoformat(), **extra)
    store.insert("portal_users", contact_id=contact_id, user_name=email,
                 password_hash=generate_password_hash(PASSWORDS[email]), is_active=1)
    return contact_id


def _catalogue(store: Store, now: dt.datetime) -> None:
    """Products 7–9 and services 10–11, and which customers they are related to."""
    created = _ago(now, days=50)
    products = [(7, "Widget Pro", "WP-100", 1200.0, "Our flagship widget."),
                (8, "Gadget Basic", "GB-200", 49.9, "Entry-level gadget für Einsteiger."),
                (9, "Sensor Kit", "SK-300", 349.5, "センサー一式（温度・湿度）")]
    for product_id, name, part_no, price, description in products:
        _entity(store, product_id, "Products", created)
        store.insert("products", id=product_id, product_no=f"PRO{product_id - 6}", name=name,
                     part_no=part_no, unit_price=price, commission_rate=2.5, qty_per_unit=1,
                     qty_in_stock=100, usage_unit="Box", manufacturer="Widgets Inc.",
                     description=description)
    services = [(10, "Premium Support", 250.0, "Hours"), (11, "Installation Service", 99.0,
                                                         "Incidents")]
    for service_id, name, price, unit in services:
        _entity(store, service_id, "Services", created)
        store.insert("services", id=service_id, service_no=f"SER{service_id - 9}", name=name,
                     unit_price=price, units=1, usage_unit=unit, commission_rate=5.0)
    for product_id, crmid in ((7, 4), (9, 2), (8, 3)):
        store.insert("product_relations", product_id=product_id, crmid=crmid)
    store.insert("relations", crmid=4, module="Contacts", relcrmid=10, relmodule="Services")


def _tickets(store: Store, now: dt.datetime) -> None:
    """TT1…TT8 across contacts and organizations, open and closed, some non-English."""
    dave, erin = 23, 24
    rows = [
        (12, "Widget Pro does not start", "It stays dark after power-on.", "Open", "High",
         "Major", "Big Problem", 4, 2, 7),
        (13, "Question about invoice layout", "Can the invoice show our PO number?", "Closed",
         "Low", "Minor", "Small Problem", 4, 2, None),
        (14, "Cannot log in to the dashboard", "Error \"403\" after login.", "In Progress",
         "Normal", "Major", "Other Problem", 5, 2, None),
        (15, "Taratura del Sensor Kit", "I valori di umidità sono sbagliati dopo l'aggiornamento.",
         "Open", "Normal", "Minor", "Small Problem", 6, 3, 9),
        (16, "Account-level maintenance request", "Yearly maintenance for all sites.",
         "Wait For Response", "Normal", "Feature", "Other Problem", None, 2, None),
        (17, "センサーキットの接続エラー", "接続が切れます。\n再起動しても直りません。", "Open",
         "Urgent", "Critical", "Big Problem", dave, 3, 9),
        (18, "Счёт не пришёл", "Мы не получили счёт за ноябрь.", "Closed", "Low", "Minor",
         "Small Problem", dave, 3, None),
        (19, "Fråga om licensförnyelse", "När går vår licens ut? Tack på förhand!", "Open",
         "Normal", "Minor", "Other Problem", erin, 3, 8),
    ]
    for number, row in enumerate(rows, start=1):
        ticket_id, title, description, status, priority, severity, category, contact, account, \
            product = row
        _entity(store, ticket_id, "HelpDesk", _ago(now, days=20 - number))
        store.insert("tickets", id=ticket_id, ticket_no=f"TT{number}", title=title,
                     description=description, status=status, priority=priority,
                     severity=severity, category=category, contact_id=contact,
                     account_id=account, product_id=product)


def _ticket_comments(store: Store, now: dt.datetime) -> None:
    """Comments by CRM users and by portal contacts (ModComments records)."""
    comments = [
        (12, "Thanks Alice, please try holding the reset button for 10 seconds.", None, ADMIN,
         _ago(now, days=3)),
        (12, "The device shows a blinking red LED.", 4, None, _ago(now, days=2)),
        (14, "We are looking into it.\nPlease send a screenshot.", None, SUPPORT_USER,
         _ago(now, days=4)),
        (17, "لطفاً شماره سریال دستگاه را ارسال کنید.", None, SUPPORT_USER, _ago(now, days=1)),
        (17, "シリアル番号: SK-300-0042", 23, None, _ago(now, minutes=300)),
    ]
    for ticket_id, text, contact_id, user_id, when in comments:
        owner = user_id if user_id is not None else ADMIN
        comment_id = _entity(store, None, "ModComments", when, owner=owner)
        store.insert("ticket_comments", id=comment_id, ticket_id=ticket_id, content=text,
                     contact_id=contact_id, user_id=user_id,
                     from_portal=int(contact_id is not None), created=format_time(when))


def _faqs(store: Store, now: dt.datetime) -> None:
    """Published FAQs per category and product (one Italian, one draft), some with comments."""
    created = _ago(now, days=10)
    faqs = [(20, "How do I reset my Widget Pro?",
             "Hold the reset button for 10 seconds until the LED blinks green.", "General", 7,
             "Published"),
            (21, "What are your support hours?", "Monday to Friday, 8:00-18:00 CET.",
             "General", None, "Published"),
            (22, "How long is the warranty?", "Two years for all hardware products.",
             "General", 8, "Published"),
            (None, "Come si installa il Sensor Kit?",
             "1. Fissare il sensore.\n2. Collegare il cavo «USB-C».\n3. Avviare l'app.",
             "Installation", 9, "Published"),
            (None, "Internal: pricing for 2027", "Not for customers yet.", "General", None,
             "Draft")]
    ids = []
    for number, (faq_id, question, answer, category, product, status) in enumerate(faqs, 1):
        ids.append(_entity(store, faq_id, "Faq", created))
        store.insert("faqs", id=ids[-1], faq_no=f"FAQ{number}", question=question,
                     answer=answer, category=category, status=status, product_id=product)
    for faq_id, text, when in ((21, "Are you also available on Saturdays?", _ago(now, days=2)),
                               (ids[3], "Funziona,\ngrazie mille!", _ago(now, days=1))):
        store.insert("faq_comments", faq_id=faq_id, comment=text, created=format_time(when))


def _files(store: Store, now: dt.datetime) -> None:
    """The Widget Pro manual (FAQ 20 and Acme), an external guide, and TT1's portal upload."""
    when = _ago(now, days=9)
    manual = _document(store, "Widget Pro Manual", "widget-pro-manual.txt", "text/plain",
                       MANUAL, when)
    for crmid in (20, 2):
        store.insert("document_relations", document_id=manual, crmid=crmid)
    guide = _entity(store, None, "Documents", when)
    store.insert("documents", id=guide, doc_no=f"DOC{guide}", title="Online setup guide",
                 filename="https://docs.example.com/widget-pro/setup", location_type="E",
                 url="https://docs.example.com/widget-pro/setup", note="Always up to date.")
    store.insert("document_relations", document_id=guide, crmid=21)
    upload = _document(store, "led-report.txt", "led-report.txt", "text/plain", LED_REPORT,
                       _ago(now, days=2), description="CustomerPortal Attachment")
    store.insert("document_relations", document_id=upload, crmid=12)
    attachment = store.scalar("SELECT attachment_id FROM documents WHERE id = ?", (upload,))
    store.insert("attachment_relations", crmid=12, attachment_id=attachment)


def _document(store: Store, title: str, filename: str, mime: str, content: bytes,
              when: dt.datetime, description: str = "") -> int:
    """An internal document with its attachment; returns the document id."""
    document_id = _entity(store, None, "Documents", when)
    attachment_id = _entity(store, None, "Documents Attachment", when)
    store.insert("attachments", id=attachment_id, name=filename, mime=mime, content=content,
                 description=description)
    store.insert("documents", id=document_id, doc_no=f"DOC{document_id}", title=title,
                 filename=filename, filetype=mime, filesize=len(content), location_type="I",
                 attachment_id=attachment_id)
    store.insert("attachment_relations", crmid=document_id, attachment_id=attachment_id)
    return document_id
