DROP INDEX complaint_steps_started;
DROP INDEX complaint_steps_due;
DROP INDEX complaint_steps_level;
DROP TABLE complaint_steps;
DROP INDEX complaints_state;
DROP TABLE complaints;
DROP TABLE complaint_limits;
