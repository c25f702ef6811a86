DROP TABLE idempotency_keys;
DROP TABLE visit_parts;
DROP TABLE visits;
DROP TABLE location_pings;
DROP TABLE duty_shifts;
DROP TABLE technician_skills;
DROP TABLE technicians;
