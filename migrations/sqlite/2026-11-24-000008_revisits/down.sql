DROP TABLE revisits;
DROP TABLE revisit_files;
