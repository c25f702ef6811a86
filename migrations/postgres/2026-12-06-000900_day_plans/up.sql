-- Day plans: a proposal of every technician's route for a local day (and a region, or all),
-- made by the solver off the request threads, reviewed and applied by a dispatcher. Stored so
-- that any node can show and apply it.
CREATE TABLE day_plans (
    id BIGSERIAL PRIMARY KEY,
    day DATE NOT NULL,
    region_id BIGINT REFERENCES service_regions (id),
    -- planning | ready | failed | applied | stale
    status TEXT NOT NULL,
    budget_seconds INTEGER NOT NULL,
    -- The visits the dispatcher pinned to their technician, and those left out (JSON id lists).
    pinned_json TEXT NOT NULL,
    excluded_json TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    error TEXT,
    applied_by BIGINT REFERENCES users (id),
    applied_at TIMESTAMP,
    visits_planned INTEGER NOT NULL DEFAULT 0,
    visits_unplaced INTEGER NOT NULL DEFAULT 0,
    technicians_used INTEGER NOT NULL DEFAULT 0,
    travel_seconds BIGINT NOT NULL DEFAULT 0,
    metres BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX day_plans_day ON day_plans (day, id);

-- One technician's route of a plan: where it starts, when it leaves and comes back.
CREATE TABLE day_plan_routes (
    plan_id BIGINT NOT NULL REFERENCES day_plans (id),
    technician_id BIGINT NOT NULL REFERENCES users (id),
    -- home | position | visit
    starts_from TEXT NOT NULL,
    start_lat DOUBLE PRECISION NOT NULL,
    start_lon DOUBLE PRECISION NOT NULL,
    departure_at TIMESTAMP NOT NULL,
    return_at TIMESTAMP NOT NULL,
    metres BIGINT NOT NULL,
    travel_seconds BIGINT NOT NULL,
    PRIMARY KEY (plan_id, technician_id)
);

-- The stops of a route in order: a visit (with the version it was planned from) or a break.
CREATE TABLE day_plan_stops (
    plan_id BIGINT NOT NULL REFERENCES day_plans (id),
    technician_id BIGINT NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    visit_id BIGINT REFERENCES visits (id),
    visit_version INTEGER,
    arrival_at TIMESTAMP NOT NULL,
    start_at TIMESTAMP NOT NULL,
    departure_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, technician_id, position)
);

-- The visits a plan could not place, and why.
CREATE TABLE day_plan_unplaced (
    plan_id BIGINT NOT NULL REFERENCES day_plans (id),
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    reason TEXT NOT NULL,
    PRIMARY KEY (plan_id, visit_id)
);

-- A visit booked by a plan holds its technician for the planned stretch (arrival to departure)
-- rather than its whole window, and carries its place in the technician's route.
ALTER TABLE visits ADD COLUMN planned_arrival_at TIMESTAMP;
ALTER TABLE visits ADD COLUMN planned_departure_at TIMESTAMP;
ALTER TABLE visits ADD COLUMN route_position INTEGER;
ALTER TABLE visits ADD COLUMN day_plan_id BIGINT REFERENCES day_plans (id);

-- A technician's lunch break: taken some time between `lunch_from` and `lunch_until` (local
-- HH:MM) for `lunch_minutes` (0: none).
ALTER TABLE technicians ADD COLUMN lunch_from TEXT NOT NULL DEFAULT '11:30';
ALTER TABLE technicians ADD COLUMN lunch_until TEXT NOT NULL DEFAULT '13:30';
ALTER TABLE technicians ADD COLUMN lunch_minutes INTEGER NOT NULL DEFAULT 45;
