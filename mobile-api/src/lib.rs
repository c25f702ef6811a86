//! Fieldline's wire format: the ids, enums, requests, responses and error codes that the
//! server speaks, shared by the server, its tests and any client. With the `client` feature it
//! also provides a typed async client.

pub mod error;
pub mod ids;
pub mod privacy;
#[macro_use]
pub mod types;
pub mod complaints;
pub mod desk;
pub mod imports;
pub mod intake;
pub mod knowledge;
pub mod org;
pub mod plans;
pub mod portal;
pub mod quality;
pub mod supervision;

#[cfg(feature = "client")]
pub mod client;

pub use complaints::*;
pub use desk::*;
pub use error::{ErrorCode, Problem, ProblemReason};
pub use ids::*;
pub use imports::*;
pub use intake::*;
pub use knowledge::*;
pub use org::*;
pub use plans::*;
pub use portal::*;
pub use privacy::*;
pub use quality::*;
pub use supervision::*;
pub use types::*;
