use std::collections::BTreeSet;
use std::path::Path;

fn folders(dir: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
    std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = folders("sqlite");
    let postgres = folders("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must have the same folder names"
    );
    for name in &sqlite {
        for dialect in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(dialect)
                    .join(name)
                    .join(file);
                assert!(p.is_file(), "{} is missing", p.display());
            }
        }
    }
}

#[tokio::test]
async fn every_pooled_connection_is_set_up_for_its_backend() {
    use diesel::sql_types::Text;
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        value: String,
    }
    let app = crate::helpers::spawn_app().await;
    let url = app.settings.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let pool = fieldline::db::connect(&url, 2).unwrap();
        let mut conn = pool.get().unwrap();
        let (sql, expected) = match conn.kind() {
            // Plans for each execution's values, never a generic plan made without them.
            fieldline::db::BackendKind::Postgres => (
                "SELECT current_setting('plan_cache_mode') AS value",
                "force_custom_plan",
            ),
            fieldline::db::BackendKind::Sqlite => (
                "SELECT CAST(journal_mode AS TEXT) AS value FROM pragma_journal_mode",
                "wal",
            ),
        };
        let got: Vec<Setting> = diesel::sql_query(sql).load(&mut *conn).unwrap();
        let got = got.first().map(|s| s.value.as_str());
        assert_eq!(got, Some(expected));
    })
    .await
    .unwrap();
}
