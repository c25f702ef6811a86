-- Candidate ranking finds the technicians near a site, by home base or by last position, through
-- GiST indexes on the two points (`point(lon, lat) <@ box`). They replace the two latitude-first
-- indexes, which read a whole band of latitude for every area.
DROP INDEX technicians_home;
DROP INDEX technicians_last;
CREATE INDEX technicians_home_spot ON technicians USING gist (point(home_lon, home_lat));
CREATE INDEX technicians_last_spot ON technicians USING gist (point(last_lon, last_lat));
-- The bookings around a visit's day are read by technician and window end first: a range that
-- starts at the day, not at the technician's first visit a year ago.
DROP INDEX visits_technician;
CREATE INDEX visits_technician ON visits (technician_id, window_end, window_start, status);
