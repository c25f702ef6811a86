-- PostgreSQL notifies changes to users' token states (a trigger); SQLite needs nothing: each
-- request reads the state from the file in place. This migration keeps both folders alike.
SELECT 1;
