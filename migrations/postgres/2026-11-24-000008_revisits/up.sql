-- Revisits: every accepted asset (a delivered project) has a revisit file whose cadence the
-- generation job follows to create periodic revisits; a ticket the customer accepts adds a
-- satisfaction revisit. Agents record each revisit's outcome; an unsatisfied one opens a ticket.

CREATE TABLE revisit_files (
    id BIGSERIAL PRIMARY KEY,
    asset_id BIGINT NOT NULL UNIQUE REFERENCES assets (id),
    -- Copied from the asset, and kept in step with it by the job.
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    accepted_on DATE NOT NULL,
    -- The cadence, in months: in the first year after acceptance, and after it.
    first_year_months INTEGER NOT NULL,
    later_months INTEGER NOT NULL,
    -- The next cadence date not yet generated; NULL while the file is inactive.
    next_due DATE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX revisit_files_due ON revisit_files (active, next_due);
CREATE INDEX revisit_files_customer ON revisit_files (customer_id);

CREATE TABLE revisits (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    -- A periodic revisit belongs to a file; a satisfaction revisit to the ticket it confirms.
    file_id BIGINT REFERENCES revisit_files (id),
    ticket_id BIGINT UNIQUE REFERENCES tickets (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    site_id BIGINT REFERENCES sites (id),
    asset_id BIGINT REFERENCES assets (id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL,
    assigned_to BIGINT REFERENCES users (id),
    reached BOOLEAN,
    score INTEGER,
    comment TEXT,
    follow_up_needed BOOLEAN NOT NULL DEFAULT FALSE,
    done_by BIGINT REFERENCES users (id),
    done_at TIMESTAMP,
    opened_ticket_id BIGINT REFERENCES tickets (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (file_id, due_on),
    CHECK ((kind = 'periodic' AND file_id IS NOT NULL AND ticket_id IS NULL)
        OR (kind = 'satisfaction' AND ticket_id IS NOT NULL AND file_id IS NULL)),
    CHECK (score IS NULL OR (score >= 1 AND score <= 5))
);
CREATE INDEX revisits_queue ON revisits (status, due_on);
CREATE INDEX revisits_assigned ON revisits (assigned_to, status, due_on);
CREATE INDEX revisits_done ON revisits (done_at, done_by);
CREATE INDEX revisits_customer ON revisits (customer_id);
