DROP TABLE visit_photos;
ALTER TABLE visits DROP COLUMN window_agreed_via;
ALTER TABLE visits DROP COLUMN window_agreed_at;
ALTER TABLE visits DROP COLUMN window_agreed_with;
