DROP INDEX visits_technician;
CREATE INDEX visits_technician ON visits (technician_id, window_start);
DROP INDEX technicians_last;
DROP INDEX technicians_home;
