-- Major faults: the notice's details (one per ticket), kept up to date until the fault ends.

CREATE TABLE major_faults (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets (id),
    occurred_at TIMESTAMP NOT NULL,
    location TEXT NOT NULL,
    symptoms TEXT NOT NULL,
    handling_plan TEXT NOT NULL,
    reason TEXT,
    -- A JSON array of further addresses that get every notice of this fault.
    extra_recipients_json TEXT NOT NULL,
    reported_by BIGINT NOT NULL REFERENCES users (id),
    reported_at TIMESTAMP NOT NULL,
    updates INTEGER NOT NULL DEFAULT 0,
    ended_at TIMESTAMP,
    ended_by BIGINT REFERENCES users (id),
    end_summary TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX major_faults_open ON major_faults (ended_at, occurred_at);
