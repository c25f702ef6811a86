DROP TABLE fault_report_actions;
DROP TABLE fault_reports;
