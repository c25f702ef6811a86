-- Candidate ranking finds the technicians near a site, by home base or by last position, through
-- an R*Tree: two points a technician, id 2 × user id for the home base and 2 × user id + 1 for
-- the last position, kept in step with the technicians table by triggers. It replaces the two
-- latitude-first indexes, which read a whole band of latitude for every area.
CREATE VIRTUAL TABLE technician_spots USING rtree(id, min_lat, max_lat, min_lon, max_lon);
INSERT INTO technician_spots
    SELECT user_id * 2, home_lat, home_lat, home_lon, home_lon FROM technicians;
INSERT INTO technician_spots
    SELECT user_id * 2 + 1, last_lat, last_lat, last_lon, last_lon FROM technicians
    WHERE last_lat IS NOT NULL AND last_lon IS NOT NULL;
CREATE TRIGGER technician_spots_insert AFTER INSERT ON technicians BEGIN
    INSERT INTO technician_spots
        VALUES (new.user_id * 2, new.home_lat, new.home_lat, new.home_lon, new.home_lon);
    INSERT INTO technician_spots
        SELECT new.user_id * 2 + 1, new.last_lat, new.last_lat, new.last_lon, new.last_lon
        WHERE new.last_lat IS NOT NULL AND new.last_lon IS NOT NULL;
END;
CREATE TRIGGER technician_spots_home AFTER UPDATE OF home_lat, home_lon ON technicians BEGIN
    UPDATE technician_spots
        SET min_lat = new.home_lat, max_lat = new.home_lat, min_lon = new.home_lon, max_lon = new.home_lon
        WHERE id = new.user_id * 2;
END;
CREATE TRIGGER technician_spots_last AFTER UPDATE OF last_lat, last_lon ON technicians BEGIN
    DELETE FROM technician_spots WHERE id = old.user_id * 2 + 1;
    INSERT INTO technician_spots
        SELECT new.user_id * 2 + 1, new.last_lat, new.last_lat, new.last_lon, new.last_lon
        WHERE new.last_lat IS NOT NULL AND new.last_lon IS NOT NULL;
END;
CREATE TRIGGER technician_spots_delete AFTER DELETE ON technicians BEGIN
    DELETE FROM technician_spots WHERE id IN (old.user_id * 2, old.user_id * 2 + 1);
END;
DROP INDEX technicians_home;
DROP INDEX technicians_last;
-- The bookings around a visit's day are read by technician and window end first: a range that
-- starts at the day, not at the technician's first visit a year ago.
DROP INDEX visits_technician;
CREATE INDEX visits_technician ON visits (technician_id, window_end, window_start, status);
