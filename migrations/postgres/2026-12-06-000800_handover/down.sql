ALTER TABLE customers DROP COLUMN internal;
DROP TABLE equipment_checks;
DROP TABLE handover_tickets;
DROP TABLE handovers;
