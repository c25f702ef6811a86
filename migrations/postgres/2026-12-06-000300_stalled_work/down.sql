DROP INDEX chases_created;
DROP INDEX chases_due;
DROP INDEX chases_holder;
DROP INDEX chases_visit;
DROP INDEX chases_ticket;
DROP TABLE chases;
DROP TABLE stall_rules;
