DROP TABLE major_faults;
