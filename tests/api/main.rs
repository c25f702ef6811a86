//! The one integration-test binary: every test drives a real server on port 0 over HTTP,
//! on its own fresh database (a SQLite file, or a PostgreSQL schema when
//! FIELDLINE_TEST_DATABASE_URL is set).

mod browser;
mod helpers;
mod imap_server;
mod smtp;

mod audit;
mod auth;
mod closure;
mod console;
mod console_admin;
mod console_back_office;
mod console_board;
mod console_import;
mod console_intake;
mod console_notices;
mod console_portal;
mod console_quotes;
mod console_supervisor;
mod customers;
mod demo;
mod dispatch;
mod errors;
mod fault_reports;
mod golden;
mod health;
mod imports;
mod inspections;
mod jobs;
mod kinds;
mod layers;
mod logs;
mod lookup;
mod mail;
mod mail_intake;
mod metrics;
mod mobile;
mod notices;
mod openapi;
mod photos;
mod portal;
mod privacy;
mod quotes;
mod readme;
mod reports;
mod revisits;
mod scale;
mod schema;
mod sites;
mod sla;
mod surveys;
mod ticket_replies;
mod tickets;
mod tier_clocks;
mod visit_changes;
