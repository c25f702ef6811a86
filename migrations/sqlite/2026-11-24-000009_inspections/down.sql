-- Inspection visits cannot live in the old visits table: they are removed with the inspections.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

DELETE FROM visit_parts WHERE visit_id IN (SELECT id FROM visits WHERE kind <> 'repair');
CREATE TABLE visits_old (
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
INSERT INTO visits_old (id, ticket_id, onsite_request_id, site_id, region_id, window_start, window_end,
    required_skill, required_level, technician_id, status, version, accepted_at, en_route_at, checked_in_at,
    checkin_lat, checkin_lon, checkin_distance_m, checkin_reason, finished_at, outcome_reason, work_notes,
    under_warranty, quote_amount, time_spent_minutes, signoff_name, signature_png, created_by, created_at,
    updated_at)
SELECT id, ticket_id, onsite_request_id, site_id, region_id, window_start, window_end,
    required_skill, required_level, technician_id, status, version, accepted_at, en_route_at, checked_in_at,
    checkin_lat, checkin_lon, checkin_distance_m, checkin_reason, finished_at, outcome_reason, work_notes,
    under_warranty, quote_amount, time_spent_minutes, signoff_name, signature_png, created_by, created_at,
    updated_at
FROM visits WHERE kind = 'repair';
DROP TABLE visits;
ALTER TABLE visits_old RENAME TO visits;
CREATE INDEX visits_technician ON visits (technician_id, window_start, window_end, status);
CREATE INDEX visits_status ON visits (status, window_start);
CREATE INDEX visits_region ON visits (region_id, window_start);
CREATE INDEX visits_ticket ON visits (ticket_id);
DROP TABLE inspection_findings;
DROP TABLE inspections;
DROP TABLE inspection_plans;

COMMIT;
PRAGMA foreign_keys = ON;
