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
