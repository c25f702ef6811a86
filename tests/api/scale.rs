//! The data-set generator (`fieldline demo --scale`) on the test's backend.

use crate::helpers::spawn_app;
use diesel::prelude::*;
use fieldline::db::{self, schema::tickets};
use fieldline::seed::scale::{self, Scale};

#[tokio::test]
async fn generating_a_data_set_leaves_the_indexes_as_the_migrations_made_them() {
    let app = spawn_app().await;
    let url = app.settings.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let pool = db::connect(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let c = &mut *conn;
        let before = db::secondary_indexes(c).unwrap();
        assert!(
            before.iter().any(|i| i.name == "tickets_open_due"),
            "the migrations' indexes are listed: {before:?}"
        );
        assert!(
            before
                .iter()
                .all(|i| !i.name.starts_with("sqlite_autoindex") && !i.name.ends_with("_pkey")),
            "a constraint's index is not secondary: {before:?}"
        );

        let now = "2026-11-24T02:00:00Z".parse().unwrap();
        let seeded = scale::seed(c, Scale::of(3), now, chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(seeded.counts.tickets, 300);
        assert_eq!(tickets::table.count().get_result::<i64>(c).unwrap(), 300);
        // Dropped while the rows went in, and made again from the same statements.
        assert_eq!(db::secondary_indexes(c).unwrap(), before);
    })
    .await
    .unwrap();
}
