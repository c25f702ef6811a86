-- Fault analysis reports: written after a fault is over, reviewed by a supervisor other than the
-- author, then e-mailed to the account manager and the customer's chosen contacts. A correction is
-- a new revision of the ticket's report, linked to the one it corrects.

CREATE TABLE fault_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    -- The ticket's customer (whose account manager may read the report).
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    major_fault_id BIGINT REFERENCES major_faults (id),
    revision INTEGER NOT NULL,
    -- The revision this one corrects; each report is corrected at most once.
    previous_id BIGINT UNIQUE REFERENCES fault_reports (id),
    -- draft | submitted | returned | approved | sent
    status TEXT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    impact_description TEXT NOT NULL,
    customers_affected INTEGER NOT NULL,
    sites_affected INTEGER NOT NULL,
    assets_affected INTEGER NOT NULL,
    downtime_minutes INTEGER NOT NULL,
    -- A JSON array of {"at", "text"}, oldest first.
    timeline_json TEXT NOT NULL,
    root_cause TEXT NOT NULL,
    -- A JSON array of the customer's contact ids chosen to receive the report.
    contact_ids_json TEXT NOT NULL,
    submitted_at TIMESTAMP,
    reviewer_id BIGINT REFERENCES users (id),
    reviewed_at TIMESTAMP,
    review_comments TEXT,
    approved_at TIMESTAMP,
    sent_at TIMESTAMP,
    sent_by BIGINT REFERENCES users (id),
    -- A JSON array of {"name", "email", "contact_id", "user_id"}: who it was sent to.
    recipients_json TEXT,
    outbox_id BIGINT REFERENCES outbox (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (ticket_id, revision)
);
CREATE INDEX fault_reports_customer ON fault_reports (customer_id, id);
CREATE INDEX fault_reports_author ON fault_reports (author_id, id);
CREATE INDEX fault_reports_status ON fault_reports (status, id);

-- Corrective and preventive actions of a report, in the order given.
CREATE TABLE fault_report_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL REFERENCES fault_reports (id) ON DELETE CASCADE,
    -- corrective | preventive
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    -- Exactly one of the two: a user of the service, or a person named in words.
    owner_user_id BIGINT REFERENCES users (id),
    owner_name TEXT,
    due_date DATE NOT NULL,
    UNIQUE (report_id, kind, position)
);
