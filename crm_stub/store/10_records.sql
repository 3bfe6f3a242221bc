-- Record modules of the stub CRM: quotes, invoices, assets, projects, service contracts,
-- plus the portal field catalogue (vtiger_field + vtiger_blocks, reduced to what the portal shows).
-- Every record id is an entities.id (see 00_core.sql). Amounts are REAL in the record's currency.

CREATE TABLE IF NOT EXISTS quotes (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    quote_no TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'Created',
    contact_id INTEGER,
    account_id INTEGER,
    valid_till TEXT NOT NULL DEFAULT '',
    carrier TEXT NOT NULL DEFAULT '',
    shipping TEXT NOT NULL DEFAULT '',
    bill_street TEXT NOT NULL DEFAULT '', bill_pobox TEXT NOT NULL DEFAULT '',
    bill_city TEXT NOT NULL DEFAULT '', bill_state TEXT NOT NULL DEFAULT '',
    bill_code TEXT NOT NULL DEFAULT '', bill_country TEXT NOT NULL DEFAULT '',
    ship_street TEXT NOT NULL DEFAULT '', ship_pobox TEXT NOT NULL DEFAULT '',
    ship_city TEXT NOT NULL DEFAULT '', ship_state TEXT NOT NULL DEFAULT '',
    ship_code TEXT NOT NULL DEFAULT '', ship_country TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'EUR',
    tax_percent REAL NOT NULL DEFAULT 0,
    subtotal REAL NOT NULL DEFAULT 0,
    total REAL NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS invoices (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    invoice_no TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'Created',
    contact_id INTEGER,
    account_id INTEGER,
    customer_no TEXT NOT NULL DEFAULT '',
    sales_order TEXT NOT NULL DEFAULT '',
    invoice_date TEXT NOT NULL DEFAULT '',
    due_date TEXT NOT NULL DEFAULT '',
    delivery_date TEXT NOT NULL DEFAULT '',
    excise_duty REAL NOT NULL DEFAULT 0,
    sales_commission REAL NOT NULL DEFAULT 0,
    bill_street TEXT NOT NULL DEFAULT '', bill_pobox TEXT NOT NULL DEFAULT '',
    bill_city TEXT NOT NULL DEFAULT '', bill_state TEXT NOT NULL DEFAULT '',
    bill_code TEXT NOT NULL DEFAULT '', bill_country TEXT NOT NULL DEFAULT '',
    ship_street TEXT NOT NULL DEFAULT '', ship_pobox TEXT NOT NULL DEFAULT '',
    ship_city TEXT NOT NULL DEFAULT '', ship_state TEXT NOT NULL DEFAULT '',
    ship_code TEXT NOT NULL DEFAULT '', ship_country TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'EUR',
    tax_percent REAL NOT NULL DEFAULT 0,
    subtotal REAL NOT NULL DEFAULT 0,
    total REAL NOT NULL DEFAULT 0
);

-- Line items of quotes and invoices (vtiger_inventoryproductrel); item = a product or service id.
CREATE TABLE IF NOT EXISTS inventory_lines (
    parent_id INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    item_id INTEGER NOT NULL,
    quantity REAL NOT NULL DEFAULT 1,
    list_price REAL NOT NULL DEFAULT 0,
    discount_percent REAL NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (parent_id, sequence)
);

CREATE TABLE IF NOT EXISTS assets (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    asset_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    account_id INTEGER,
    contact_id INTEGER,
    product_id INTEGER,
    invoice_id INTEGER,
    serial_no TEXT NOT NULL DEFAULT '',
    date_sold TEXT NOT NULL DEFAULT '',
    date_in_service TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'In Service',
    tag_number TEXT NOT NULL DEFAULT '',
    shipping_method TEXT NOT NULL DEFAULT '',
    shipping_tracking TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT ''
);

-- linked_to is a contact or an account id (linktoaccountscontacts).
CREATE TABLE IF NOT EXISTS projects (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    project_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    linked_to INTEGER,
    start_date TEXT NOT NULL DEFAULT '',
    target_end_date TEXT NOT NULL DEFAULT '',
    actual_end_date TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    target_budget TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT '',
    progress TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS project_tasks (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    progress TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS project_milestones (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    milestone_date TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);

-- related_to is a contact or an account id (sc_related_to); tickets join through relations.
CREATE TABLE IF NOT EXISTS service_contracts (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    contract_no TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    related_to INTEGER,
    contract_type TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL DEFAULT '',
    due_date TEXT NOT NULL DEFAULT '',
    tracking_unit TEXT NOT NULL DEFAULT 'Hours',
    total_units REAL NOT NULL DEFAULT 0,
    used_units REAL NOT NULL DEFAULT 0
);

CREATE INDEX IF NOT EXISTS inventory_lines_item ON inventory_lines(item_id);
CREATE INDEX IF NOT EXISTS assets_account ON assets(account_id);
CREATE INDEX IF NOT EXISTS projects_linked_to ON projects(linked_to);
CREATE INDEX IF NOT EXISTS project_tasks_project ON project_tasks(project_id);
CREATE INDEX IF NOT EXISTS project_milestones_project ON project_milestones(project_id);
