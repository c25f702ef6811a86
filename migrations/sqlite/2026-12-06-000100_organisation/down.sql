DROP INDEX teams_lead;
DROP INDEX users_supervisor;
DROP INDEX users_team;
ALTER TABLE users DROP COLUMN grants;
ALTER TABLE users DROP COLUMN level;
ALTER TABLE users DROP COLUMN supervisor_id;
ALTER TABLE users DROP COLUMN team_id;
DROP TABLE teams;
