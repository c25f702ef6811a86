-- Stalled work and chasing (工单滞留 / 督办). A stall rule row exists once an admin has set a
-- state's limit; a state without a row keeps the shipped limit (docs/rules/stalled-work.md).
CREATE TABLE stall_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A ticket's rung and status (hotline_new, ...) or a visit's status (visit_assigned, ...).
    state TEXT NOT NULL UNIQUE,
    -- Working hours without a timeline event that make work in this state stalled; null: never.
    hours INTEGER,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

-- A chase: a note to the holder of a ticket or a visit, with a time to answer by. Unanswered
-- past its due time it climbs once to the holder's supervisor (climbed_at).
CREATE TABLE chases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT REFERENCES tickets (id),
    visit_id BIGINT REFERENCES visits (id),
    holder_id BIGINT NOT NULL REFERENCES users (id),
    -- The holder's team when chased: the weekly report counts by it.
    holder_team_id BIGINT REFERENCES teams (id),
    chased_by BIGINT NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    due_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    climbed_at TIMESTAMP
);

CREATE INDEX chases_ticket ON chases (ticket_id);
CREATE INDEX chases_visit ON chases (visit_id);
CREATE INDEX chases_holder ON chases (holder_id, answered_at);
CREATE INDEX chases_due ON chases (due_at) WHERE answered_at IS NULL AND climbed_at IS NULL;
CREATE INDEX chases_created ON chases (created_at);
