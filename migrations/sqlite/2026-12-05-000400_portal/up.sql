-- The customer portal: the one-time sign-in links e-mailed to a customer's contacts (signed,
-- single-use, expiring tokens; only their `jti` is kept, never the token), each of which, once
-- used, is the portal session it opened; and the contact who made a change, in the audit trail.

CREATE TABLE portal_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The token's `jti` claim: a random id that names this link (and its session).
    jti TEXT NOT NULL UNIQUE,
    contact_id BIGINT NOT NULL REFERENCES contacts (id),
    -- The address the link was sent to, lower-cased: the per-address rate limit counts by it.
    email TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- Set when the link is exchanged for a session; a used link is refused.
    used_at TIMESTAMP,
    -- The session it opened: until when, and when it was signed out.
    session_expires_at TIMESTAMP,
    ended_at TIMESTAMP
);
CREATE INDEX portal_links_email ON portal_links (email, issued_at);
CREATE INDEX portal_links_contact ON portal_links (contact_id);

-- A change made by a customer's contact through the portal: `actor_id` stays NULL (no user).
ALTER TABLE audit_events ADD COLUMN actor_contact_id BIGINT;
