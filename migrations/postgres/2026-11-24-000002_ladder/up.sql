-- The service ladder: tickets, their timeline, SLA policies and calendar, alerts, job slots.

CREATE TABLE business_calendar (
    id BIGINT PRIMARY KEY,
    time_zone TEXT NOT NULL,
    hours_json TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE holidays (
    id BIGSERIAL PRIMARY KEY,
    day DATE NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sla_policies (
    id BIGSERIAL PRIMARY KEY,
    customer_tier TEXT NOT NULL,
    priority TEXT NOT NULL,
    region_class TEXT NOT NULL,
    response_minutes INTEGER NOT NULL,
    arrival_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    clock_mode TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (customer_tier, priority, region_class)
);

CREATE TABLE ticket_counters (
    year INTEGER PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE tickets (
    id BIGSERIAL PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    customer_tier TEXT NOT NULL,
    contact_id BIGINT REFERENCES contacts (id) ON DELETE SET NULL,
    site_id BIGINT REFERENCES sites (id),
    region_id BIGINT REFERENCES service_regions (id),
    region_class TEXT NOT NULL,
    asset_id BIGINT REFERENCES assets (id),
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    product_model TEXT,
    serial_number TEXT,
    purchase_date DATE,
    contact_name TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    ladder_tier TEXT NOT NULL,
    status TEXT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users (id),
    assignee_id BIGINT REFERENCES users (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    major_fault BOOLEAN NOT NULL DEFAULT FALSE,
    remote_authorized BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at TIMESTAMP NOT NULL,
    clock_mode TEXT NOT NULL,
    response_minutes INTEGER NOT NULL,
    arrival_minutes INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    paused_seconds BIGINT NOT NULL DEFAULT 0,
    paused_at TIMESTAMP,
    onsite_at TIMESTAMP,
    onsite_paused_seconds BIGINT NOT NULL DEFAULT 0,
    response_due_at TIMESTAMP NOT NULL,
    arrival_due_at TIMESTAMP,
    resolution_due_at TIMESTAMP NOT NULL,
    callback_due_at TIMESTAMP,
    responded_at TIMESTAMP,
    arrived_at TIMESTAMP,
    resolved_at TIMESTAMP,
    closed_at TIMESTAMP,
    callback_done_at TIMESTAMP,
    breached BOOLEAN NOT NULL DEFAULT FALSE,
    response_breached_at TIMESTAMP,
    arrival_breached_at TIMESTAMP,
    resolution_breached_at TIMESTAMP,
    callback_breached_at TIMESTAMP,
    escalation_step INTEGER NOT NULL DEFAULT 0,
    next_check_at TIMESTAMP,
    flagged_for_dispatch BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tickets_next_check ON tickets (next_check_at);
CREATE INDEX tickets_status_due ON tickets (status, resolution_due_at);
CREATE INDEX tickets_owner ON tickets (owner_id, status);
CREATE INDEX tickets_customer ON tickets (customer_id);
CREATE INDEX tickets_region ON tickets (region_id);
CREATE INDEX tickets_due ON tickets (resolution_due_at);

CREATE TABLE ticket_events (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    at TIMESTAMP NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    from_value TEXT,
    to_value TEXT,
    reason TEXT,
    data_json TEXT
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE remote_authorizations (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    authorized_by TEXT NOT NULL,
    method TEXT NOT NULL,
    authorized_at TIMESTAMP NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX remote_authorizations_ticket ON remote_authorizations (ticket_id);

CREATE TABLE onsite_requests (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    notes TEXT,
    flagged_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX onsite_requests_ticket ON onsite_requests (ticket_id);
CREATE INDEX onsite_requests_status ON onsite_requests (status, window_start);

CREATE TABLE acceptances (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    accepted_by TEXT NOT NULL,
    satisfied BOOLEAN NOT NULL,
    comment TEXT,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    accepted_at TIMESTAMP NOT NULL
);
CREATE INDEX acceptances_ticket ON acceptances (ticket_id);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    ticket_id BIGINT REFERENCES tickets (id),
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

CREATE TABLE job_runs (
    id BIGSERIAL PRIMARY KEY,
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    examined BIGINT NOT NULL DEFAULT 0,
    actions BIGINT NOT NULL DEFAULT 0,
    UNIQUE (job, slot)
);

