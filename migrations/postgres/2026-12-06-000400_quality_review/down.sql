DROP TABLE quality_training;
DROP TABLE quality_reviews;
DROP TABLE quality_settings;
DROP TABLE quality_criteria;
