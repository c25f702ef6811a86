DROP TABLE surveys;
DROP TABLE survey_links;
