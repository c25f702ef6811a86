-- The shift handover log (交接日志): what the lead of a shift hands to the next one at its end
-- (equipment state, open hard problems, notices and business changes, staff changes), and who
-- of the incoming shift acknowledged it. One per shift of a day.
CREATE TABLE handovers (
    id BIGSERIAL PRIMARY KEY,
    day DATE NOT NULL,
    shift_id BIGINT NOT NULL REFERENCES desk_shifts (id),
    written_by BIGINT NOT NULL REFERENCES users (id),
    equipment TEXT NOT NULL,
    problems TEXT NOT NULL,
    notices TEXT NOT NULL,
    staff_changes TEXT NOT NULL,
    written_at TIMESTAMP NOT NULL,
    acknowledged_by BIGINT REFERENCES users (id),
    acknowledged_at TIMESTAMP,
    alerted_at TIMESTAMP,
    UNIQUE (day, shift_id)
);

CREATE INDEX handovers_written_at ON handovers (written_at);
CREATE INDEX handovers_unacknowledged ON handovers (acknowledged_at, alerted_at);

-- The hard problems' linked tickets, each with a note.
CREATE TABLE handover_tickets (
    handover_id BIGINT NOT NULL REFERENCES handovers (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    note TEXT NOT NULL,
    PRIMARY KEY (handover_id, ticket_id)
);

-- The equipment checks of the desk (the phone test twice a day), with their result; a failed
-- check opens an internal ticket.
CREATE TABLE equipment_checks (
    id BIGSERIAL PRIMARY KEY,
    checked_at TIMESTAMP NOT NULL,
    checked_by BIGINT NOT NULL REFERENCES users (id),
    equipment TEXT NOT NULL,
    result TEXT NOT NULL,
    note TEXT NOT NULL,
    ticket_id BIGINT REFERENCES tickets (id)
);

CREATE INDEX equipment_checks_checked_at ON equipment_checks (checked_at);

-- The service department itself as an internal customer: its tickets stay out of the reports'
-- customer figures.
ALTER TABLE customers ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE;
