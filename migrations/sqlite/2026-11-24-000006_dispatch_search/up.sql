-- Candidate ranking reads only the technicians near a site, by home base or by last position,
-- from the index alone;
CREATE INDEX technicians_home ON technicians (home_lat, home_lon, user_id);
CREATE INDEX technicians_last ON technicians (last_lat, last_lon, user_id);
-- and their bookings around the visit's day from the index alone.
DROP INDEX visits_technician;
CREATE INDEX visits_technician ON visits (technician_id, window_start, window_end, status);
