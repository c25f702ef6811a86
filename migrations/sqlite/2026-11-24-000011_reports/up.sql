-- Service reports: the indexes their period scans use, and one row per report e-mailed to a
-- recipient (kind, period, recipient unique), written in the transaction of its outbox row, so
-- that no run, node or catch-up sends a report twice.

-- The tickets open at some time in a period: closed after its start (or not at all) and opened
-- before its end; each side of that OR is one range of this index.
CREATE INDEX tickets_closed_opened ON tickets (closed_at, opened_at);
CREATE INDEX ticket_events_kind_at ON ticket_events (kind, at);
CREATE INDEX visits_finished ON visits (finished_at);

CREATE TABLE report_mailings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- `weekly` or `monthly`.
    kind TEXT NOT NULL,
    -- `2026-W47` or `2026-11`; period_start is its first day.
    period TEXT NOT NULL,
    period_start DATE NOT NULL,
    recipient_id BIGINT NOT NULL REFERENCES users (id),
    -- The account manager whose customers the report covers; NULL: every customer.
    account_manager_id BIGINT REFERENCES users (id),
    outbox_id BIGINT NOT NULL REFERENCES outbox (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, period, recipient_id)
);
CREATE INDEX report_mailings_latest ON report_mailings (kind, period_start);
