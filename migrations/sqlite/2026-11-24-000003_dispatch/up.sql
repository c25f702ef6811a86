-- Dispatch: technicians (skills, home base, hours, duty roster, positions) and visits.

CREATE TABLE technicians (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    home_lat DOUBLE NOT NULL,
    home_lon DOUBLE NOT NULL,
    daily_capacity INTEGER NOT NULL,
    hours_json TEXT NOT NULL,
    regions_json TEXT NOT NULL,
    last_lat DOUBLE,
    last_lon DOUBLE,
    last_accuracy_m DOUBLE,
    last_ping_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE technician_skills (
    user_id BIGINT NOT NULL REFERENCES technicians (user_id),
    skill TEXT NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (user_id, skill)
);
CREATE INDEX technician_skills_skill ON technician_skills (skill, level);

CREATE TABLE duty_shifts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES technicians (user_id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX duty_shifts_user ON duty_shifts (user_id, starts_at);

CREATE TABLE location_pings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES technicians (user_id),
    at TIMESTAMP NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    accuracy_m DOUBLE NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX location_pings_user ON location_pings (user_id, at);
CREATE INDEX location_pings_at ON location_pings (at);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    onsite_request_id BIGINT NOT NULL REFERENCES onsite_requests (id),
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
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX visits_technician ON visits (technician_id, window_start);
CREATE INDEX visits_status ON visits (status, window_start);
CREATE INDEX visits_region ON visits (region_id, window_start);
CREATE INDEX visits_ticket ON visits (ticket_id);


CREATE TABLE visit_parts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    part_number TEXT NOT NULL,
    quantity INTEGER NOT NULL
);
CREATE INDEX visit_parts_visit ON visit_parts (visit_id);

-- The first answer to each (user, Idempotency-Key), so a replayed request does nothing again.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
