DROP INDEX visits_technician;
CREATE INDEX visits_technician ON visits (technician_id, window_start, window_end, status);
CREATE INDEX technicians_home ON technicians (home_lat, home_lon, user_id);
CREATE INDEX technicians_last ON technicians (last_lat, last_lon, user_id);
DROP TRIGGER technician_spots_delete;
DROP TRIGGER technician_spots_last;
DROP TRIGGER technician_spots_home;
DROP TRIGGER technician_spots_insert;
DROP TABLE technician_spots;
