# Sourced by the benchmark and load scripts: every scheduled job off, so that a server they start
# measures the requests alone. A node that starts runs each job's last slot that no node ran (see
# docs/operations.md, "Scheduled jobs on several nodes"); on a fresh copy of the N = 10,000 data
# set those catch-up runs scan it for about 10 s, while the measurement has begun.
export FIELDLINE_SLA_SCAN_CRON=""
export FIELDLINE_UNANSWERED_RESOLUTIONS_CRON=""
export FIELDLINE_CHASE_CLIMB_CRON=""
export FIELDLINE_PING_RETENTION_CRON=""
export FIELDLINE_PERSONAL_DATA_RETENTION_CRON=""
export FIELDLINE_MAIL_RELAY_CRON=""
export FIELDLINE_REVISIT_GENERATION_CRON=""
export FIELDLINE_INSPECTION_GENERATION_CRON=""
export FIELDLINE_REPORT_MAILING_CRON=""
export FIELDLINE_QUALITY_SAMPLE_CRON=""
export FIELDLINE_HANDOVER_WATCH_CRON=""
