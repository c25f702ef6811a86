DROP INDEX roster_entries_shift;
DROP TABLE roster_entries;
DROP TABLE desk_shifts;
