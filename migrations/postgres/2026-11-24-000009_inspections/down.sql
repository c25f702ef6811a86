-- Inspection visits cannot live in the old visits table: they are removed with the inspections.
UPDATE inspections SET visit_id = NULL;
DELETE FROM visit_parts WHERE visit_id IN (SELECT id FROM visits WHERE kind <> 'repair');
DELETE FROM inspection_findings;
DELETE FROM visits WHERE kind <> 'repair';
DROP INDEX visits_inspection;
ALTER TABLE visits DROP CONSTRAINT visits_kind;
ALTER TABLE visits DROP COLUMN inspection_id;
ALTER TABLE visits DROP COLUMN kind;
ALTER TABLE visits ALTER COLUMN ticket_id SET NOT NULL;
ALTER TABLE visits ALTER COLUMN onsite_request_id SET NOT NULL;
DROP TABLE inspection_findings;
DROP TABLE inspections;
DROP TABLE inspection_plans;
