-- Inspections: plans, the inspections generated from them, and the findings that become tickets.
-- A visit is now of a kind: `repair` (for a ticket's on-site registration, as before) or
-- `inspection` (for an inspection, with no ticket).

-- Inspection plans: which assets of a customer (or of one of its sites) are inspected, how often
-- and by which skill. A customer-wide plan covers every site of the customer.
CREATE TABLE inspection_plans (
    id BIGSERIAL PRIMARY KEY,
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
    active BOOLEAN NOT NULL DEFAULT TRUE,
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
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets (id),
    asset_id BIGINT REFERENCES assets (id),
    reported_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id);
CREATE INDEX inspection_findings_visit ON inspection_findings (visit_id);

ALTER TABLE visits ADD COLUMN kind TEXT NOT NULL DEFAULT 'repair';
ALTER TABLE visits ADD COLUMN inspection_id BIGINT REFERENCES inspections (id);
ALTER TABLE visits ALTER COLUMN ticket_id DROP NOT NULL;
ALTER TABLE visits ALTER COLUMN onsite_request_id DROP NOT NULL;
ALTER TABLE visits ADD CONSTRAINT visits_kind CHECK (
    (kind = 'repair' AND ticket_id IS NOT NULL AND onsite_request_id IS NOT NULL AND inspection_id IS NULL)
    OR (kind = 'inspection' AND inspection_id IS NOT NULL AND ticket_id IS NULL AND onsite_request_id IS NULL));
CREATE INDEX visits_inspection ON visits (inspection_id);
