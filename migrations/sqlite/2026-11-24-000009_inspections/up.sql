-- Inspections: plans, the inspections generated from them, and the findings that become tickets.
-- A visit is now of a kind: `repair` (for a ticket's on-site registration, as before) or
-- `inspection` (for an inspection, with no ticket). SQLite cannot drop NOT NULL in place, so the
-- visits table is rebuilt the documented way (new table, copy, drop, rename, indexes) with
-- foreign keys off; this migration runs outside diesel's transaction and opens its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

-- Inspection plans: which assets of a customer (or of one of its sites) are inspected, how often
-- and by which skill. A customer-wide plan covers every site of the customer.
CREATE TABLE inspection_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    -- NULL: every site of the customer.
    site_id BIGINT REFERENCES sites (id),
    name TEXT NOT NULL,
    -- The assets inspected, a JSON array of ids; empty: every asset at the covered sites.
    asset_ids_json TEXT NOT NULL,
    frequency_months INTEGER NOT NULL,
    required_skill TEXT,
    required_level INTEGER NOT NULL,
    starts_on DATE NOT NULL,
    notes TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    -- The next date not yet generated; NULL while the plan is inactive.
    next_due DATE,
    version INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (frequency_months >= 1 AND required_level >= 1 AND required_level <= 5)
);
CREATE INDEX inspection_plans_due ON inspection_plans (active, next_due);
CREATE INDEX inspection_plans_customer ON inspection_plans (customer_id);

-- One inspection per plan, site and due date (so generation is idempotent), carried out by a
-- visit of kind `inspection`.
CREATE TABLE inspections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES inspection_plans (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    -- The visit doing it now (a new one replaces it when a visit needs another).
    visit_id BIGINT REFERENCES visits (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (plan_id, site_id, due_on)
);
CREATE INDEX inspections_due ON inspections (status, due_on);
CREATE INDEX inspections_customer ON inspections (customer_id, due_on);

-- Problems found on an inspection: each became a ticket (channel `inspection`) linked to the visit.
CREATE TABLE inspection_findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets (id),
    asset_id BIGINT REFERENCES assets (id),
    reported_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id);
CREATE INDEX inspection_findings_visit ON inspection_findings (visit_id);

CREATE TABLE visits_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL DEFAULT 'repair',
    ticket_id BIGINT REFERENCES tickets (id),
    onsite_request_id BIGINT REFERENCES onsite_requests (id),
    inspection_id BIGINT REFERENCES inspections (id),
    site_id BIGINT REFERENCES sites (id),
    region_id BIGINT REFERENCES service_regions (id),
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL,
    required_skill TEXT,
    required_level INTEGER NOT NULL,
    technician_id BIGINT REFERENCES technicians (user_id),
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    accepted_at TIMESTAMP,
    en_route_at TIMESTAMP,
    checked_in_at TIMESTAMP,
    checkin_lat DOUBLE,
    checkin_lon DOUBLE,
    checkin_distance_m DOUBLE,
    checkin_reason TEXT,
    finished_at TIMESTAMP,
    outcome_reason TEXT,
    work_notes TEXT,
    under_warranty BOOLEAN,
    quote_amount DOUBLE,
    time_spent_minutes INTEGER,
    signoff_name TEXT,
    signature_png BLOB,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'repair' AND ticket_id IS NOT NULL AND onsite_request_id IS NOT NULL AND inspection_id IS NULL)
        OR (kind = 'inspection' AND inspection_id IS NOT NULL AND ticket_id IS NULL AND onsite_request_id IS NULL))
);
INSERT INTO visits_new (id, kind, ticket_id, onsite_request_id, inspection_id, site_id, region_id, window_start,
    window_end, required_skill, required_level, technician_id, status, version, accepted_at, en_route_at,
    checked_in_at, checkin_lat, checkin_lon, checkin_distance_m, checkin_reason, finished_at, outcome_reason,
    work_notes, under_warranty, quote_amount, time_spent_minutes, signoff_name, signature_png, created_by,
    created_at, updated_at)
SELECT id, 'repair', ticket_id, onsite_request_id, NULL, site_id, region_id, window_start,
    window_end, required_skill, required_level, technician_id, status, version, accepted_at, en_route_at,
    checked_in_at, checkin_lat, checkin_lon, checkin_distance_m, checkin_reason, finished_at, outcome_reason,
    work_notes, under_warranty, quote_amount, time_spent_minutes, signoff_name, signature_png, created_by,
    created_at, updated_at
FROM visits;
DROP TABLE visits;
ALTER TABLE visits_new RENAME TO visits;
CREATE INDEX visits_technician ON visits (technician_id, window_start, window_end, status);
CREATE INDEX visits_status ON visits (status, window_start);
CREATE INDEX visits_region ON visits (region_id, window_start);
CREATE INDEX visits_ticket ON visits (ticket_id);
CREATE INDEX visits_inspection ON visits (inspection_id);

COMMIT;
PRAGMA foreign_keys = ON;
