-- Who leads whom: teams (hotline shifts, remote, field regions) with a lead; each user's team,
-- direct supervisor and level; and grants (reviewer, editor) held on top of a role.
CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    -- hotline_shift, remote or field_region.
    kind TEXT NOT NULL,
    -- The team's lead (a shift lead for a hotline shift); null while none is named.
    lead_id BIGINT REFERENCES users (id),
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE users ADD COLUMN team_id BIGINT REFERENCES teams (id);
-- The user's direct supervisor: the first one an SLA alert or an unanswered chase climbs to.
ALTER TABLE users ADD COLUMN supervisor_id BIGINT REFERENCES users (id);
-- 1 (junior) to 5: swaps are only between the same work and level.
ALTER TABLE users ADD COLUMN level INTEGER NOT NULL DEFAULT 1;
-- The grants held on top of the role, comma-separated in a fixed order: reviewer, editor.
ALTER TABLE users ADD COLUMN grants TEXT NOT NULL DEFAULT '';

CREATE INDEX users_team ON users (team_id);
CREATE INDEX users_supervisor ON users (supervisor_id);
CREATE INDEX teams_lead ON teams (lead_id);
