//! The data generators: `user create`, the demo data set and the large generated one of
//! `demo --scale`. They write in bulk on purpose, beside the services rather than through them
//! (the demo's records still carry their audit events; the scale set's do not). The demo's live
//! day goes through the services, as the demo users at moments in the past.

pub mod demo;
mod live;
pub mod scale;
