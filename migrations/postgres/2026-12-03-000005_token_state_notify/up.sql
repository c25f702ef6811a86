-- Every node keeps users' token states (token version, active, role) and forgets a user when
-- told here: a notification on `fieldline_token_state` with the user's id, sent at commit when
-- any of the three changes or the user is deleted.
CREATE FUNCTION users_token_state_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fieldline_token_state', OLD.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER users_token_state_changed
    AFTER UPDATE ON users
    FOR EACH ROW
    WHEN (OLD.token_version IS DISTINCT FROM NEW.token_version
          OR OLD.active IS DISTINCT FROM NEW.active
          OR OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION users_token_state_notify();

CREATE TRIGGER users_token_state_deleted
    AFTER DELETE ON users
    FOR EACH ROW
    EXECUTE FUNCTION users_token_state_notify();
