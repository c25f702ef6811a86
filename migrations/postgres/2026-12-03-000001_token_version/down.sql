DROP INDEX login_failures_username_address;
ALTER TABLE users DROP COLUMN token_version;
