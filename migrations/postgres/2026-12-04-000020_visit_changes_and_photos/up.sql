-- A visit's window agreed with the customer (seed 003 §三.4): who agreed to the window it has now,
-- when, and how. Empty for a window never moved since the visit was made.
ALTER TABLE visits ADD COLUMN window_agreed_with TEXT;
ALTER TABLE visits ADD COLUMN window_agreed_at TIMESTAMP;
ALTER TABLE visits ADD COLUMN window_agreed_via TEXT;

-- Photos the technician takes on a visit (before and after the work, the fault, the signed form),
-- held in the database so that every node serves them.
CREATE TABLE visit_photos (
    id BIGSERIAL PRIMARY KEY,
    visit_id BIGINT NOT NULL REFERENCES visits (id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX visit_photos_visit ON visit_photos (visit_id, id);
