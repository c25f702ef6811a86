DROP TABLE report_mailings;
DROP INDEX visits_finished;
DROP INDEX ticket_events_kind_at;
DROP INDEX tickets_closed_opened;
