-- Candidate ranking reads only the technicians near a site: by home base, or by last position.
CREATE INDEX technicians_home ON technicians (home_lat, home_lon);
CREATE INDEX technicians_last ON technicians (last_lat, last_lon);
