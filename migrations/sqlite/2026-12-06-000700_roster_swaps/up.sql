-- Swap requests between two agents (换班申请) and the swap record: the requester's entry and the
-- counterpart's entry (their day and shift as asked), the counterpart's agreement, each shift
-- lead's approval (the requester's lead, the counterpart's lead; one approval counts for both
-- when they share a lead), or who refused and why. Once approved the two entries exchanged their
-- people; the row stays as the record.
CREATE TABLE roster_swaps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    requester_entry_id BIGINT NOT NULL,
    counterpart_entry_id BIGINT NOT NULL,
    requester_id BIGINT NOT NULL REFERENCES users (id),
    counterpart_id BIGINT NOT NULL REFERENCES users (id),
    requester_day DATE NOT NULL,
    counterpart_day DATE NOT NULL,
    requester_shift_id BIGINT NOT NULL REFERENCES desk_shifts (id),
    counterpart_shift_id BIGINT NOT NULL REFERENCES desk_shifts (id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    agreed_at TIMESTAMP,
    requester_lead_by BIGINT REFERENCES users (id),
    requester_lead_at TIMESTAMP,
    counterpart_lead_by BIGINT REFERENCES users (id),
    counterpart_lead_at TIMESTAMP,
    refused_by BIGINT REFERENCES users (id),
    refusal TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX roster_swaps_requester ON roster_swaps (requester_id, status);
CREATE INDEX roster_swaps_counterpart ON roster_swaps (counterpart_id, status);
CREATE INDEX roster_swaps_status ON roster_swaps (status, id);
