-- Core tables of the stub CRM (helper "core"); names agreed in notes/stubdata.md.
-- Times are 'YYYY-MM-DD HH:MM:SS' (CRM database time, no zone), dates 'YYYY-MM-DD'.

-- One id sequence for every CRM record, like vtiger_crmentity.
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    module TEXT NOT NULL,
    owner_id INT,
    creator_id INT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    deleted INT NOT NULL DEFAULT 0
);
CREATE INDEX entities_module ON entities(module);

-- CRM users and groups share one id space (as vtiger_users_seq): owners are either.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    user_name TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    is_admin INT NOT NULL DEFAULT 0,
    role TEXT NOT NULL DEFAULT 'H2'
);
CREATE TABLE groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    account_no TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    fax TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    employees INT NOT NULL DEFAULT 0,
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    contact_no TEXT NOT NULL,
    account_id INT,
    salutation TEXT NOT NULL DEFAULT '',
    firstname TEXT NOT NULL DEFAULT '',
    lastname TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    -- preferred language (BCP 47 tag) for mails to the contact; '' = English only
    language TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    portal INT NOT NULL DEFAULT 0,
    support_start TEXT,
    support_end TEXT
);
CREATE INDEX contacts_account ON contacts(account_id);

-- vtiger_portalinfo; passwords only as werkzeug hashes.
CREATE TABLE portal_users (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
    user_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_active INT NOT NULL DEFAULT 1,
    login_time TEXT,
    logout_time TEXT,
    last_login_time TEXT
);

-- vtiger_soapservice: one current session per contact.
CREATE TABLE sessions (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts(id),
    session_id TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT ''
);

-- One-use set-password links (crm_stub.set_password; only the token's SHA-256 is kept):
-- 'welcome' when an administrator enables a login, 'reset' from send_mail_for_password.
CREATE TABLE password_tokens (
    token_hash TEXT PRIMARY KEY,
    contact_id INT NOT NULL REFERENCES contacts(id),
    kind TEXT NOT NULL CHECK (kind IN ('welcome', 'reset')),
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    used INT NOT NULL DEFAULT 0
);

-- vtiger_customerportal_tabs + vtiger_tab.presence + showrelatedinfo preference.
CREATE TABLE portal_modules (
    name TEXT PRIMARY KEY,
    tabid INT NOT NULL UNIQUE,
    visible INT NOT NULL DEFAULT 1,
    sequence INT NOT NULL,
    enabled INT NOT NULL DEFAULT 1,
    show_related INT NOT NULL DEFAULT 1
);

-- vtiger_customerportal_prefs with tabid 0: keys 'userid', 'defaultassignee'.
CREATE TABLE portal_prefs (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Fields hidden from the portal user's profile (fieldname = column name).
CREATE TABLE hidden_fields (
    module TEXT NOT NULL,
    fieldname TEXT NOT NULL,
    PRIMARY KEY (module, fieldname)
);

-- Picklist values assigned to the portal user's role, e.g. ticketstatus, faqcategories.
CREATE TABLE picklist_values (
    picklist TEXT NOT NULL,
    value TEXT NOT NULL,
    sortorder INT NOT NULL,
    PRIMARY KEY (picklist, value)
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    product_no TEXT NOT NULL,
    name TEXT NOT NULL,
    part_no TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    manufacturer TEXT NOT NULL DEFAULT '',
    vendor_name TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    active INT NOT NULL DEFAULT 1,
    commission_rate REAL NOT NULL DEFAULT 0,
    qty_per_unit REAL NOT NULL DEFAULT 0,
    unit_price REAL NOT NULL DEFAULT 0,
    qty_in_stock REAL NOT NULL DEFAULT 0,
    weight REAL NOT NULL DEFAULT 0,
    usage_unit TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'EUR',
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE services (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    service_no TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    active INT NOT NULL DEFAULT 1,
    commission_rate REAL NOT NULL DEFAULT 0,
    units REAL NOT NULL DEFAULT 0,
    usage_unit TEXT NOT NULL DEFAULT '',
    unit_price REAL NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'EUR',
    description TEXT NOT NULL DEFAULT ''
);

-- vtiger_seproductsrel: product related to a contact/account/...
CREATE TABLE product_relations (
    product_id INT NOT NULL,
    crmid INT NOT NULL,
    PRIMARY KEY (product_id, crmid)
);

-- vtiger_crmentityrel: generic relations (service contracts, projects, services ...).
CREATE TABLE relations (
    crmid INT NOT NULL,
    module TEXT NOT NULL,
    relcrmid INT NOT NULL,
    relmodule TEXT NOT NULL,
    PRIMARY KEY (crmid, relcrmid)
);
CREATE INDEX relations_rel ON relations(relcrmid);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    ticket_no TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    solution TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'Open',
    priority TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    contact_id INT,
    account_id INT,
    product_id INT,
    hours REAL NOT NULL DEFAULT 0,
    days REAL NOT NULL DEFAULT 0,
    from_portal INT NOT NULL DEFAULT 0
);
CREATE INDEX tickets_contact ON tickets(contact_id);
CREATE INDEX tickets_account ON tickets(account_id);

-- ModComments on tickets: author is a portal contact or a CRM user.
CREATE TABLE ticket_comments (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    ticket_id INT NOT NULL,
    content TEXT NOT NULL,
    contact_id INT,
    user_id INT,
    from_portal INT NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments(ticket_id);

CREATE TABLE faqs (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    faq_no TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'Published',
    product_id INT
);

-- vtiger_faqcomments: anonymous comments.
CREATE TABLE faq_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    faq_id INT NOT NULL,
    comment TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX faq_comments_faq ON faq_comments(faq_id);

-- vtiger_attachmentsfolder
CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL DEFAULT 'application/octet-stream',
    content BLOB NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

-- vtiger_notes; folder references folders(id); location_type 'I' (file) or 'E' (url).
CREATE TABLE documents (
    id INTEGER PRIMARY KEY REFERENCES entities(id),
    doc_no TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    folder INT NOT NULL DEFAULT 1,
    filetype TEXT NOT NULL DEFAULT '',
    filesize INT NOT NULL DEFAULT 0,
    location_type TEXT NOT NULL DEFAULT 'I',
    url TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    active INT NOT NULL DEFAULT 1,
    download_count INT NOT NULL DEFAULT 0,
    attachment_id INT
);

-- vtiger_senotesrel
CREATE TABLE document_relations (
    document_id INT NOT NULL,
    crmid INT NOT NULL,
    PRIMARY KEY (document_id, crmid)
);
CREATE INDEX document_relations_crmid ON document_relations(crmid);

-- vtiger_seattachmentsrel
CREATE TABLE attachment_relations (
    crmid INT NOT NULL,
    attachment_id INT NOT NULL,
    PRIMARY KEY (crmid, attachment_id)
);
