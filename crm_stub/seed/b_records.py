"""Record-module demo data: quotes, invoices, assets, a project, a service contract, documents.

Runs after ``a_core`` and finds its rows by e-mail, name or number (never by hard-coded id).
Dates are relative to ``now``; amounts are computed from the line items, so the data is
deterministic for a given ``now``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm_stub.operations.formatting import php_round
from crm_stub.store import Store

PROJECT_PLAN = ("Acme Website Relaunch - project plan\n"
                "1. Design mockups\n2. Implementation\n3. Go-live checklist\n").encode("utf-8")
SENSOR_MANUAL = "Sensor Kit 取扱説明書\n1. センサーを取り付ける。\n2. ケーブルを接続する。\n".encode()


def seed(store: Store, now: dt.datetime) -> None:
    """Insert the record-module demo data for Acme and Globex."""
    ids = _lookup(store)
    quote = _quote(store, now, ids)
    invoice = _invoices(store, now, ids)
    _assets(store, now, ids, invoice)
    _projects(store, now, ids)
    _service_contract(store, now, ids)
    _documents(store, now, ids, quote)


def _one(store: Store, sql: str, *params: Any) -> int:
    value = store.scalar(sql, params)
    if value is None:
        raise LookupError(f"b_records seeder: core row missing for {params}")
    return int(value)


def _lookup(store: Store) -> dict[str, int]:
    """Ids of the core rows this seeder links to."""
    ids = {"admin": _one(store, "SELECT id FROM users WHERE user_name = ?", "admin")}
    for key, email in (("alice", "alice@acme.example"), ("bob", "bob@acme.example"),
                       ("dave", "dave@globex.example"), ("erin", "erin@globex.example")):
        ids[key] = _one(store, "SELECT id FROM contacts WHERE email = ?", email)
    for key, name in (("acme", "Acme Corporation"), ("globex", "Globex Ltd")):
        ids[key] = _one(store, "SELECT id FROM accounts WHERE name = ?", name)
    for key, name in (("widget", "Widget Pro"), ("gadget", "Gadget Basic"),
                      ("sensor", "Sensor Kit")):
        ids[key] = _one(store, "SELECT id FROM products WHERE name = ?", name)
    for key, name in (("support", "Premium Support"), ("install", "Installation Service")):
        ids[key] = _one(store, "SELECT id FROM services WHERE name = ?", name)
    for number in (1, 3, 5, 6):
        ids[f"tt{number}"] = _one(store, "SELECT id FROM tickets WHERE ticket_no = ?",
                                  f"TT{number}")
    return ids


def _entity(store: Store, module: str, when: dt.datetime, ids: dict[str, int]) -> int:
    return store.new_entity(module, ids["admin"], ids["admin"], now=when)


def _price(store: Store, item_id: int) -> float:
    return float(store.scalar("SELECT unit_price FROM products WHERE id = ? UNION ALL"
                              " SELECT unit_price FROM services WHERE id = ?", (item_id, item_id)))


def _lines(store: Store, parent_id: int, items: list[tuple]) -> float:
    """Insert line items (item, quantity, discount %, comment); returns the subtotal."""
    subtotal = 0.0
    for sequence, (item_id, quantity, discount, comment) in enumerate(items, start=1):
        price = _price(store, item_id)
        store.insert("inventory_lines", parent_id=parent_id, sequence=sequence, item_id=item_id,
                     quantity=quantity, list_price=price, discount_percent=discount,
                     comment=comment)
        subtotal += php_round(quantity * price * (1 - discount / 100), 2)
    return php_round(subtotal, 2)


def _address(prefix: str, street: str, city: str, code: str, country: str) -> dict[str, str]:
    return {f"{prefix}_street": street, f"{prefix}_city": city, f"{prefix}_code": code,
            f"{prefix}_country": country}


def _sales_record(store: Store, table: str, record_id: int, items: list[tuple],
                  tax_percent: float, **values: Any) -> None:
    """A quote or invoice with its lines; subtotal and total derived from the lines."""
    subtotal = _lines(store, record_id, items)
    total = php_round(subtotal * (1 + tax_percent / 100), 2)
    store.insert(table, id=record_id, tax_percent=tax_percent, subtotal=subtotal, total=total,
                 currency="EUR", **values)


def _quote(store: Store, now: dt.datetime, ids: dict[str, int]) -> int:
    """QUO1 for Alice/Acme (products and a service) and QUO2 for Erin/Globex (Italian/Persian)."""
    acme = _address("bill", "1 Road Runner Way", "Phoenix", "85001", "USA") | \
        _address("ship", "1 Road Runner Way", "Phoenix", "85001", "USA")
    quote = _entity(store, "Quotes", now - dt.timedelta(days=30), ids)
    _sales_record(store, "quotes", quote,
                  [(ids["widget"], 4, 0, ""), (ids["install"], 1, 0, "On site, 1 day")], 0,
                  quote_no="QUO1", subject="Quote for Widget rollout", stage="Delivered",
                  contact_id=ids["alice"], account_id=ids["acme"],
                  valid_till=(now + dt.timedelta(days=30)).date().isoformat(),
                  terms="Payment within 30 days & delivery ex works.", **acme)
    second = _entity(store, "Quotes", now - dt.timedelta(days=12), ids)
    _sales_record(store, "quotes", second,
                  [(ids["sensor"], 10, 5, "Calibrazione inclusa")], 22,
                  quote_no="QUO2", subject="Offerta Sensor Kit – filiale di Milano",
                  stage="Created", contact_id=ids["erin"], account_id=ids["globex"],
                  terms="پرداخت ظرف ۳۰ روز پس از تحویل",
                  **_address("bill", "Via Roma 1", "Milano", "20121", "Italia"))
    return quote


def _invoices(store: Store, now: dt.datetime, ids: dict[str, int]) -> int:
    """INV1 for Alice/Acme (EUR, products + service) and INV2 for Dave/Globex (Russian)."""
    invoice = _entity(store, "Invoice", now - dt.timedelta(days=23), ids)
    _sales_record(store, "invoices", invoice,
                  [(ids["widget"], 2, 0, ""), (ids["sensor"], 3, 10, "Mengenrabatt"),
                   (ids["support"], 4, 0, "Supporttimmar för installationen")], 19,
                  invoice_no="INV1", subject="Invoice Widget order 2026", status="Sent",
                  contact_id=ids["alice"], account_id=ids["acme"],
                  invoice_date=(now - dt.timedelta(days=23)).date().isoformat(),
                  due_date=(now + dt.timedelta(days=7)).date().isoformat(),
                  **_address("bill", "1 Road Runner Way", "Phoenix", "85001", "USA"),
                  **_address("ship", "1 Road Runner Way", "Phoenix", "85001", "USA"))
    globex = _entity(store, "Invoice", now - dt.timedelta(days=40), ids)
    _sales_record(store, "invoices", globex, [(ids["sensor"], 2, 0, "Доставка включена")], 20,
                  invoice_no="INV2", subject="Счёт за Sensor Kit", status="Paid",
                  contact_id=ids["dave"], account_id=ids["globex"],
                  invoice_date=(now - dt.timedelta(days=40)).date().isoformat(),
                  due_date=(now - dt.timedelta(days=10)).date().isoformat(),
                  **_address("bill", "1 Globex Plaza", "London", "EC1A 1BB", "United Kingdom"))
    return invoice


def _assets(store: Store, now: dt.datetime, ids: dict[str, int], invoice: int) -> None:
    """Two Acme assets (one from INV1) and one Globex asset."""
    globex_invoice = _one(store, "SELECT id FROM invoices WHERE invoice_no = ?", "INV2")
    sold = (now - dt.timedelta(days=23)).date()
    assets = [("ASSET1", "Widget Pro #SN-0001", ids["acme"], ids["widget"], invoice, "SN-0001"),
              ("ASSET2", "Sensor Kit #SK-0420", ids["acme"], ids["sensor"], invoice, "SK-0420"),
              ("ASSET3", "Sensor Kit センサー #SK-0042", ids["globex"], ids["sensor"],
               globex_invoice, "SK-0042")]
    for asset_no, name, account, product, source, serial in assets:
        asset = _entity(store, "Assets", now - dt.timedelta(days=20), ids)
        store.insert("assets", id=asset, asset_no=asset_no, name=name, account_id=account,
                     product_id=product, invoice_id=source, serial_no=serial,
                     date_sold=sold.isoformat(),
                     date_in_service=(sold + dt.timedelta(days=4)).isoformat())


def _projects(store: Store, now: dt.datetime, ids: dict[str, int]) -> None:
    """PROJ1 for Acme (3 tasks, 2 milestones, 2 tickets) and PROJ2 for Globex."""
    day = now.date()
    project = _entity(store, "Project", now - dt.timedelta(days=80), ids)
    store.insert("projects", id=project, project_no="PROJ1", name="Acme Website Relaunch",
                 linked_to=ids["acme"], start_date=(day - dt.timedelta(days=80)).isoformat(),
                 target_end_date=(day + dt.timedelta(days=70)).isoformat(),
                 status="in progress", type="operative", priority="high", progress="40%")
    tasks = [("Design mockups", -80, -50, "Completed", "100%"),
             ("Implementation", -49, 20, "In Progress", "50%"),
             ("Lanseringschecklista (go-live)", 21, 70, "Open", "0%")]
    for name, start, end, status, progress in tasks:
        task = _entity(store, "ProjectTask", now - dt.timedelta(days=80), ids)
        store.insert("project_tasks", id=task, project_id=project, name=name,
                     start_date=(day + dt.timedelta(days=start)).isoformat(),
                     end_date=(day + dt.timedelta(days=end)).isoformat(),
                     status=status, progress=progress)
    for name, offset, kind in (("Design approved", -50, "administrative"),
                               ("Go live", 70, "operative")):
        milestone = _entity(store, "ProjectMilestone", now - dt.timedelta(days=80), ids)
        store.insert("project_milestones", id=milestone, project_id=project, name=name,
                     milestone_date=(day + dt.timedelta(days=offset)).isoformat(), type=kind)
    for ticket in (ids["tt3"], ids["tt5"]):
        store.insert("relations", crmid=project, module="Project", relcrmid=ticket,
                     relmodule="HelpDesk")
    other = _entity(store, "Project", now - dt.timedelta(days=15), ids)
    store.insert("projects", id=other, project_no="PROJ2", name="Globex Sensor Rollout",
                 linked_to=ids["globex"], start_date=(day - dt.timedelta(days=15)).isoformat(),
                 status="initiated", type="operative", priority="normal", progress="10%")
    task = _entity(store, "ProjectTask", now - dt.timedelta(days=15), ids)
    store.insert("project_tasks", id=task, project_id=other, name="Site survey",
                 start_date=day.isoformat(), status="Open", progress="0%")
    store.insert("relations", crmid=other, module="Project", relcrmid=ids["tt6"],
                 relmodule="HelpDesk")


def _service_contract(store: Store, now: dt.datetime, ids: dict[str, int]) -> None:
    """Acme's support contract (12.5 of 40 hours used), related to TT1."""
    contract = _entity(store, "ServiceContracts", now - dt.timedelta(days=60), ids)
    store.insert("service_contracts", id=contract, contract_no="SERCON1",
                 subject="Acme Support Contract 2026", related_to=ids["acme"],
                 contract_type="Support", status="In Progress",
                 start_date=(now - dt.timedelta(days=60)).date().isoformat(),
                 due_date=(now + dt.timedelta(days=300)).date().isoformat(),
                 tracking_unit="Hours", total_units=40, used_units=12.5)
    store.insert("relations", crmid=contract, module="ServiceContracts", relcrmid=ids["tt1"],
                 relmodule="HelpDesk")


def _document(store: Store, when: dt.datetime, ids: dict[str, int], title: str,
              related: tuple[int, ...], **values: Any) -> int:
    """A document related to ``related``; ``content`` (bytes) makes it an internal file."""
    content = values.pop("content", None)
    document = _entity(store, "Documents", when, ids)
    if content is not None:
        attachment = _entity(store, "Documents Attachment", when, ids)
        store.insert("attachments", id=attachment, name=values["filename"],
                     mime=values["filetype"], content=content)
        store.insert("attachment_relations", crmid=document, attachment_id=attachment)
        values.update(attachment_id=attachment, filesize=len(content), location_type="I")
    store.insert("documents", id=document, doc_no=f"DOC{document}", title=title, **values)
    for crmid in related:
        store.insert("document_relations", document_id=document, crmid=crmid)
    return document


def _documents(store: Store, now: dt.datetime, ids: dict[str, int], quote: int) -> None:
    """Project plan, an external price list, an inactive brochure, a Japanese manual."""
    project = _one(store, "SELECT id FROM projects WHERE project_no = ?", "PROJ1")
    when = now - dt.timedelta(days=7)
    _document(store, when, ids, "Project plan", (project,), content=PROJECT_PLAN,
              filename="project-plan.txt", filetype="text/plain", note="Plan & milestones")
    _document(store, when, ids, "Price list 2027", (ids["acme"], quote), location_type="E",
              filename="https://example.com/prices-2027.pdf",
              url="https://example.com/prices-2027.pdf")
    _document(store, when, ids, "Old brochure", (ids["alice"],), content=b"%PDF-1.3 old\n",
              filename="brochure-2019.pdf", filetype="application/pdf", active=0)
    _document(store, when, ids, "Sensor Kit 取扱説明書", (ids["globex"],), content=SENSOR_MANUAL,
              filename="sensor-kit-manual-ja.txt", filetype="text/plain; charset=UTF-8")
