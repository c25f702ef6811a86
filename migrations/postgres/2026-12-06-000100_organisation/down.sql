DROP TRIGGER users_token_state_changed ON users;
CREATE TRIGGER users_token_state_changed
    AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.token_version IS DISTINCT FROM NEW.token_version
          OR OLD.active IS DISTINCT FROM NEW.active
          OR OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION users_token_state_notify();
DROP INDEX teams_lead;
DROP INDEX users_supervisor;
DROP INDEX users_team;
ALTER TABLE users DROP COLUMN grants;
ALTER TABLE users DROP COLUMN level;
ALTER TABLE users DROP COLUMN supervisor_id;
ALTER TABLE users DROP COLUMN team_id;
DROP TABLE teams;
