-- A user's token version: access tokens carry it, and a token issued before the user was
-- disabled, re-enabled or given a new password no longer matches.
ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;

-- Failed sign-ins are counted per username and address together (the fast lock).
CREATE INDEX login_failures_username_address ON login_failures (username, address, at);
