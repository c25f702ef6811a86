DROP TRIGGER users_token_state_deleted ON users;
DROP TRIGGER users_token_state_changed ON users;
DROP FUNCTION users_token_state_notify();
