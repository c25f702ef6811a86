-- The hotline's shifts (班次), named, with their start and end as local times (HH:MM) in the
-- business calendar's zone; a shift that ends at or before its start runs past midnight and
-- belongs to the day it starts. A day and a night shift to begin with.
CREATE TABLE desk_shifts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

INSERT INTO desk_shifts (name, starts, ends, active, created_at, updated_at) VALUES
    ('Day', '08:00', '20:00', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('Night', '20:00', '08:00', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- The agents' duty roster (值班表): who works which shift on which day (the day the shift
-- starts); a person works at most one shift a day.
CREATE TABLE roster_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    day DATE NOT NULL,
    shift_id BIGINT NOT NULL REFERENCES desk_shifts (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (day, user_id)
);

CREATE INDEX roster_entries_shift ON roster_entries (day, shift_id);
