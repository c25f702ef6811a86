//! Revisit generation: revisit files for accepted assets that lack one, files kept in step with
//! their assets, and each file's next periodic revisit once it is due within the horizon. A scan
//! of what is due, so a missed tick does no harm and a second run creates nothing twice.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::service::revisit_generation::{self as service, GenerationSettings};
use crate::startup::AppState;

pub const NAME: &str = "revisit_generation";

/// Returns (assets and files examined, files created or changed and revisits created or missed).
pub fn run(conn: &mut DbConn, st: &AppState) -> AppResult<(i64, i64)> {
    let s = &st.settings.revisits;
    let settings = GenerationSettings {
        cadence: s.cadence(),
        horizon_days: s.horizon_days,
    };
    service::generate(conn, st.clock.now(), settings)
}
