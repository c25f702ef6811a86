-- Complaints with their own ladder (seed 001: 投诉处理 · 升级投诉处理 · 申诉处理): the level limits
-- of each customer tier, each complaint's subject and standing, and every level it reached.

-- A customer tier's limits in working minutes; a tier without a row has the shipped defaults.
CREATE TABLE complaint_limits (
    customer_tier TEXT PRIMARY KEY,
    complaint_minutes INTEGER NOT NULL,
    escalated_minutes INTEGER NOT NULL,
    appeal_minutes INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per ticket of the kind complaint.
CREATE TABLE complaints (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    -- ticket, visit, technician or staff; null until named (a complaint from the portal or an e-mail).
    subject_kind TEXT,
    subject_id BIGINT,
    -- complaint, escalated or appeal.
    level TEXT NOT NULL,
    -- open, awaiting_answer, resolved or unresolved.
    state TEXT NOT NULL,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX complaints_state ON complaints (state);

-- Every level a complaint reached: its limit, the resolution stated, the customer's answer.
CREATE TABLE complaint_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    level TEXT NOT NULL,
    -- registration, refusal or limit.
    entered_by TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    breached_at TIMESTAMP,
    resolution TEXT,
    resolution_by BIGINT REFERENCES users (id),
    resolution_at TIMESTAMP,
    -- confirmed or refused.
    answer TEXT,
    answered_by TEXT,
    answer_comment TEXT,
    answered_at TIMESTAMP,
    answer_recorded_by BIGINT REFERENCES users (id),
    ended_at TIMESTAMP
);

CREATE UNIQUE INDEX complaint_steps_level ON complaint_steps (ticket_id, level);
-- The scan's read: levels still running, by limit.
CREATE INDEX complaint_steps_due ON complaint_steps (due_at) WHERE ended_at IS NULL AND breached_at IS NULL AND resolution_at IS NULL;
CREATE INDEX complaint_steps_started ON complaint_steps (started_at);
