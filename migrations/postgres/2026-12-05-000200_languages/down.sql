ALTER TABLE contacts DROP COLUMN language;
ALTER TABLE users DROP COLUMN language;
