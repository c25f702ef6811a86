DROP INDEX visits_technician;
CREATE INDEX visits_technician ON visits (technician_id, window_start, window_end, status);
DROP INDEX technicians_last_spot;
DROP INDEX technicians_home_spot;
CREATE INDEX technicians_home ON technicians (home_lat, home_lon, user_id);
CREATE INDEX technicians_last ON technicians (last_lat, last_lon, user_id);
