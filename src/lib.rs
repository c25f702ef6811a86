//! Fieldline: field-service dispatch and fault tracking.
//!
//! The layers, from the top: `api` (handlers and the route table) and `jobs` (scheduled scans)
//! call `service` (one function per business action), which asks `policy` (who may do what) and
//! applies the rules of `domain` (pure, no I/O) through the queries of `db` and the messages of
//! `mail`. `startup` wires them together. See docs/architecture.md.

pub mod api;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;

pub mod domain;
pub mod error;
pub mod geojson;
pub mod jobs;
pub mod mail;
pub mod policy;
pub mod routing;
pub mod seed;
pub mod service;
pub mod startup;
pub mod telemetry;
