DROP INDEX technicians_last;
DROP INDEX technicians_home;
