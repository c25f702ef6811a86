//! The layers' rules, read from the sources: which module may name which (the direction of
//! dependency in docs/architecture.md), that roles are matched only in the policy, and the size
//! limits of the storage and service layers.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The `.rs` files under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read the source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its comments and without its test module (a file's tests may
/// reach further than its code).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read a source file");
    // The test module: `#[cfg(test)]` over an inline `mod ... {` (not a test file's `mod x;`).
    let test_module = text.match_indices("#[cfg(test)]").map(|(i, _)| i).find(|&i| {
        let next = text[i..].lines().nth(1).unwrap_or("").trim();
        next.starts_with("mod ") && next.ends_with('{')
    });
    let text = match test_module {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate modules a file names (`crate::db::...` names `db`).
fn named_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        // `crate::{a, b::c}` names a and b.
        if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for part in group[..end].split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        rest = after;
    }
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// Which crate modules each layer must not name.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "domain",
        &[
            "api",
            "auth",
            "clock",
            "config",
            "db",
            "demo",
            "error",
            "geojson",
            "jobs",
            "mail",
            "policy",
            "scale",
            "seed",
            "service",
            "startup",
            "telemetry",
        ],
    ),
    (
        "policy",
        &["api", "auth", "db", "jobs", "mail", "seed", "service", "startup"],
    ),
    ("db", &["api", "auth", "jobs", "policy", "seed", "service", "startup"]),
    (
        "routing",
        &[
            "api", "auth", "db", "jobs", "mail", "policy", "seed", "service", "startup",
        ],
    ),
    ("service", &["api", "jobs", "seed", "startup"]),
    ("mail", &["api", "jobs", "seed", "service", "startup"]),
];

#[test]
fn no_module_names_a_layer_above_it() {
    let mut found = Vec::new();
    for (layer, forbidden) in FORBIDDEN {
        let dir = root().join(layer);
        let files = if dir.is_dir() {
            sources(&dir)
        } else {
            vec![root().join(format!("{layer}.rs"))]
        };
        for file in files {
            for m in named_modules(&code(&file)) {
                if forbidden.contains(&m.as_str()) {
                    found.push(format!("{} names crate::{m}", relative(&file)));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "layers named from below:\n{}", found.join("\n"));
}

/// Roles are matched in the policy alone; the data generators create users of every role on
/// purpose.
#[test]
fn roles_are_matched_only_in_the_policy() {
    let allowed = |rel: &str| rel.starts_with("policy/") || rel.starts_with("seed/");
    let mut found = Vec::new();
    for file in sources(&root()) {
        let rel = relative(&file);
        if allowed(&rel) {
            continue;
        }
        for (n, line) in code(&file).lines().enumerate() {
            let mut rest = line;
            while let Some(i) = rest.find("Role::") {
                let after = &rest[i + "Role::".len()..];
                if after.starts_with(|c: char| c.is_ascii_uppercase()) {
                    found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
                    break;
                }
                rest = after;
            }
        }
    }
    assert!(
        found.is_empty(),
        "roles named outside the policy:\n{}",
        found.join("\n")
    );
}

/// Storage and services stay readable: no file over 600 lines, no function over 120 (the
/// generated schema aside), and no function of more arguments than clippy allows.
#[test]
fn storage_and_service_files_and_functions_stay_small() {
    let mut found = Vec::new();
    for layer in ["db", "service"] {
        for file in sources(&root().join(layer)) {
            let rel = relative(&file);
            if rel == "db/schema.rs" {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read a source file");
            let lines: Vec<&str> = text.lines().collect();
            if lines.len() > 600 {
                found.push(format!("{rel}: {} lines", lines.len()));
            }
            if text.contains("too_many_arguments") {
                found.push(format!("{rel}: allows too many arguments"));
            }
            found.extend(
                long_functions(&lines)
                    .into_iter()
                    .map(|(name, len)| format!("{rel}: fn {name} has {len} lines")),
            );
        }
    }
    assert!(found.is_empty(), "too large:\n{}", found.join("\n"));
}

/// Functions longer than 120 lines, measured from the `fn` line to the closing brace at the
/// same indentation (rustfmt's layout).
fn long_functions(lines: &[&str]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let Some(pos) = trimmed.find("fn ") else { continue };
        let head = &trimmed[..pos];
        let is_fn = head.is_empty()
            || head
                .split_whitespace()
                .all(|w| w.starts_with("pub") || w == "async" || w == "const");
        if !is_fn || trimmed.ends_with(';') {
            continue;
        }
        let name: String = trimmed[pos + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = " ".repeat(indent) + "}";
        if let Some(end) = lines[i + 1..].iter().position(|l| *l == close) {
            let len = end + 2;
            if len > 120 {
                out.push((name, len));
            }
        }
    }
    out
}
