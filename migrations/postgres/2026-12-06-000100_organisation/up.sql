-- Who leads whom: teams (hotline shifts, remote, field regions) with a lead; each user's team,
-- direct supervisor and level; and grants (reviewer, editor) held on top of a role.
CREATE TABLE teams (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- hotline_shift, remote or field_region.
    kind TEXT NOT NULL,
    -- The team's lead (a shift lead for a hotline shift); null while none is named.
    lead_id BIGINT REFERENCES users (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
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

-- The grants are part of the token state every node keeps: a change to them is told too.
DROP TRIGGER users_token_state_changed ON users;
CREATE TRIGGER users_token_state_changed
    AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.token_version IS DISTINCT FROM NEW.token_version
          OR OLD.active IS DISTINCT FROM NEW.active
          OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.grants IS DISTINCT FROM NEW.grants)
    EXECUTE FUNCTION users_token_state_notify();
