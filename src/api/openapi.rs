//! The rules of the OpenAPI document that hold for every operation, applied once to the whole
//! document rather than repeated in each handler's annotation:
//!
//! - every error is `application/problem+json` with the `Problem` schema, declared once under
//!   `components.responses` and referred to by status;
//! - an operation that needs a token answers 401 (no, a bad or an expired token) and, unless
//!   every role may call it, 403;
//! - an operation with a JSON body answers 400 (malformed JSON), 413 (a body over
//!   `FIELDLINE_MAX_BODY_BYTES`), 415 (not `Content-Type: application/json`) and 422;
//! - an operation with query or header parameters answers 422 on a bad value; one with a path
//!   parameter answers 404 (no such object, or an id that is not a number);
//! - every operation may answer 500 and 503 (the database is not reachable);
//! - a query parameter is never `null` (it is there or not), and the paging parameters `limit`
//!   (1 to 200, default 50) and `offset` (0 or more) say their bounds.
//!
//! - a text field the wire types mark `format = "text"` (one line) or `format = "multiline"`
//!   (line breaks and tabs allowed) says, as a pattern, what `domain::validate::text` and
//!   `multiline` accept: something other than white space, and no control characters; its
//!   `maxLength` is on the field. `text-or-blank` and `multiline-or-blank` mark an optional
//!   field where blank means absent (`validate::optional`).
//!
//! What is particular to one operation (a 409, the 412 and 428 of `If-Match`) stays in its
//! annotation.

use serde_json::{json, Map, Value};

/// The operations every signed-in role may call: they answer no 403.
const OPEN_TO_EVERY_ROLE: &[(&str, &str)] = &[
    ("get", "/api/v1/me"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/notifications/{id}/read"),
    ("get", "/api/v1/tickets"),
    ("get", "/api/v1/chases/mine"),
];

/// What `If-Match` takes: an object's version (at most nine digits), bare, quoted or weak.
pub const IF_MATCH_PATTERN: &str = r#"^(W/)?("[0-9]{1,9}"|[0-9]{1,9})$"#;

/// White space as `str::trim` removes it (Unicode `White_Space`), spelled out: `\s` means
/// something else in each regex dialect.
const WHITE: &str = r"\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// What `domain::validate::text` accepts: white space around a line (trimmed away) that has a
/// character other than white space and holds no control character (Unicode `Cc`:
/// U+0000-U+001F, U+007F-U+009F).
pub fn text_pattern() -> String {
    format!(
        r"^[{WHITE}]*[^\u0000-\u001f\u007f-\u009f]*[^{WHITE}\u0000-\u001f\u007f-\u009f][^\u0000-\u001f\u007f-\u009f]*[{WHITE}]*$"
    )
}

/// What `domain::validate::multiline` accepts: like `text_pattern`, but line feeds, tabs and
/// `\r\n` pairs may stand in the text (a lone carriage return may not).
pub fn multiline_pattern() -> String {
    let allowed = r"(?:[^\u0000-\u0008\u000a-\u001f\u007f-\u009f]|\n|\r\n)";
    format!(r"^[{WHITE}]*{allowed}*[^{WHITE}\u0000-\u001f\u007f-\u009f]{allowed}*[{WHITE}]*$")
}

/// What `validate::optional` with `validate::text` accepts: blank, or a line of text.
pub fn text_or_blank_pattern() -> String {
    format!(r"^[{WHITE}]*[^\u0000-\u001f\u007f-\u009f]*[{WHITE}]*$")
}

/// What `validate::optional` with `validate::multiline` accepts: blank, or text of several lines.
pub fn multiline_or_blank_pattern() -> String {
    format!(r"^[{WHITE}]*(?:[^\u0000-\u0008\u000a-\u001f\u007f-\u009f]|\n|\r\n)*[{WHITE}]*$")
}

/// What `domain::validate::username` accepts: 3 to 64 letters, digits, `.`, `_` and `-`, with
/// white space around (trimmed away).
pub fn username_pattern() -> String {
    format!(r"^[{WHITE}]*[A-Za-z0-9._-]{{3,64}}[{WHITE}]*$")
}

/// An object's `latitude` and `longitude` properties (`home_` ones too) say the bounds
/// `domain::geo::Location::parse` holds them to.
fn coordinates(o: &mut Map<String, Value>) {
    let Some(Value::Object(props)) = o.get_mut("properties") else {
        return;
    };
    for (name, bound) in [
        ("latitude", 90),
        ("home_latitude", 90),
        ("longitude", 180),
        ("home_longitude", 180),
    ] {
        if let Some(Value::Object(p)) = props.get_mut(name) {
            p.insert("minimum".into(), json!(-bound));
            p.insert("maximum".into(), json!(bound));
        }
    }
}

/// The query parameters of one operation that say more than their type: (path, name, what to add
/// to the schema). The job names come from the job table itself.
fn query_rules() -> Vec<(&'static str, &'static str, Value)> {
    let format = json!({"type": "string", "enum": ["json", "csv"]});
    // ISO weeks 1 to 52 (every year has them) and months of 2000 to 2035: days the reports and
    // progress accept whatever the date (`validate::date` reaches ten years ahead).
    let week = json!({"pattern": "^20([0-2][0-9]|3[0-5])-W(0[1-9]|[1-4][0-9]|5[0-2])$"});
    let month = json!({"pattern": "^20([0-2][0-9]|3[0-5])-(0[1-9]|1[0-2])$"});
    let score = json!({"minimum": 1, "maximum": 5});
    vec![
        (
            "/api/v1/calendar/holidays",
            "year",
            json!({"minimum": crate::domain::validate::EARLIEST_YEAR}),
        ),
        (
            "/api/v1/dispatch/candidates",
            "limit",
            json!({"minimum": 1, "maximum": 50, "default": 10}),
        ),
        ("/api/v1/jobs/runs", "job", json!({"enum": crate::jobs::JOBS})),
        ("/api/v1/reports/service", "from", json!({"format": "date"})),
        ("/api/v1/reports/service", "to", json!({"format": "date"})),
        ("/api/v1/reports/service", "format", format.clone()),
        ("/api/v1/reports/service/weekly", "format", format.clone()),
        ("/api/v1/reports/service/monthly", "format", format),
        ("/api/v1/reports/service/weekly", "week", week.clone()),
        ("/api/v1/revisits/progress", "week", week),
        ("/api/v1/reports/service/monthly", "month", month),
        ("/api/v1/surveys", "score", score.clone()),
        ("/api/v1/surveys", "max_score", score),
    ]
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/// The error responses of the document, by status: (name in `components.responses`, description).
const ERRORS: &[(&str, &str, &str)] = &[
    ("400", "BadRequest", "The body is not JSON (`malformed_json`) or could not be read (`bad_request`)."),
    ("401", "Unauthorized", "No token, or a token that is invalid or expired (`unauthorized`, `token_invalid`, `token_expired`); on sign-in, a wrong username or password (`invalid_credentials`)."),
    ("403", "Forbidden", "The caller's role may not do this (`forbidden`)."),
    ("404", "NotFound", "No such object, or one the caller may not see (`not_found`)."),
    ("409", "Conflict", "The request conflicts with the object's state (`conflict`, `invalid_transition`, `duplicate`, `technician_booked`)."),
    ("410", "Gone", "The link has expired (`link_expired`)."),
    ("412", "PreconditionFailed", "`If-Match` names an older version than the object's (`precondition_failed`)."),
    ("413", "PayloadTooLarge", "The body is larger than the limit (`payload_too_large`)."),
    ("415", "UnsupportedMediaType", "The body is not sent as `Content-Type: application/json`, or a photo is not a JPEG or PNG image (`unsupported_media_type`)."),
    ("422", "ValidationFailed", "A field or parameter is missing or has a value the rules refuse; `field` names it (`validation_failed`, `idempotency_key_reused`)."),
    ("428", "PreconditionRequired", "The change needs an `If-Match` header with the object's `ETag` (`precondition_required`)."),
    ("429", "TooManyRequests", "Too many attempts; `Retry-After` says when to try again (`too_many_requests`)."),
    ("500", "Internal", "An internal error; it has been logged (`internal`)."),
    ("502", "BadGateway", "A mailbox of e-mail intake could not be read; `detail` names it (`mailbox_unreachable`)."),
    ("503", "Unavailable", "The database is not reachable right now (`unavailable`)."),
];

/// The document the annotations give, with the rules applied, pretty-printed (built once).
pub fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        use utoipa::OpenApi;
        let mut doc = serde_json::to_value(super::ApiDoc::openapi()).expect("the document is JSON");
        apply(&mut doc);
        let mut s = serde_json::to_string_pretty(&Ordered(&doc)).expect("the document is JSON");
        s.push('\n');
        s
    })
}

/// The methods the document gives a path (`/api/v1/users/{id}`), as an `Allow` header says
/// them (`GET, PATCH`), or None for a path it does not hold.
pub fn methods_of(path: &str) -> Option<String> {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let doc = DOCUMENT.get_or_init(|| serde_json::from_str(document()).unwrap_or(Value::Null));
    let item = doc.get("paths")?.get(path)?;
    let methods: Vec<String> = METHODS
        .iter()
        .filter(|m| item.get(**m).is_some())
        .map(|m| m.to_ascii_uppercase())
        .collect();
    (!methods.is_empty()).then(|| methods.join(", "))
}

/// The document's top level in the order a reader expects (inside it, keys are sorted).
struct Ordered<'a>(&'a Value);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        const FIRST: &[&str] = &["openapi", "info", "servers", "paths", "components", "security", "tags"];
        let Some(top) = self.0.as_object() else {
            return self.0.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(top.len()))?;
        for key in FIRST {
            if let Some(v) = top.get(*key) {
                map.serialize_entry(key, v)?;
            }
        }
        for (k, v) in top.iter().filter(|(k, _)| !FIRST.contains(&k.as_str())) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Applies the rules to a document as JSON.
pub fn apply(doc: &mut Value) {
    add_error_responses(doc);
    text_fields(doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(*method) {
                operation(method, path, op);
            }
        }
    }
}

/// Every schema marked `format: text` or `format: multiline` gets its pattern instead of the
/// mark, and a `minLength` of 1; `text-or-blank` and `multiline-or-blank` (an optional field,
/// where blank means absent) get theirs.
fn text_fields(v: &mut Value) {
    match v {
        Value::Object(o) => {
            let pattern = match o.get("format").and_then(Value::as_str) {
                Some("text") => Some((text_pattern(), true)),
                Some("multiline") => Some((multiline_pattern(), true)),
                Some("text-or-blank") => Some((text_or_blank_pattern(), false)),
                Some("multiline-or-blank") => Some((multiline_or_blank_pattern(), false)),
                Some("username") => Some((username_pattern(), false)),
                _ => None,
            };
            if let Some((pattern, required)) = pattern {
                o.remove("format");
                if required {
                    o.insert("minLength".into(), json!(1));
                }
                o.insert("pattern".into(), json!(pattern));
            }
            coordinates(o);
            o.values_mut().for_each(text_fields);
        }
        Value::Array(a) => a.iter_mut().for_each(text_fields),
        _ => {}
    }
}

fn add_error_responses(doc: &mut Value) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    let components = root.entry("components").or_insert_with(|| json!({}));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let responses = components.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    for (status, name, description) in ERRORS {
        let mut response = json!({
            "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        });
        if *status == "429" {
            response["headers"] = json!({
                "Retry-After": {"description": "Seconds to wait before the next attempt.", "schema": {"type": "integer", "minimum": 0}},
            });
        }
        responses.insert((*name).to_string(), response);
    }
}

fn reference(status: &str) -> Option<Value> {
    ERRORS
        .iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, name, _)| json!({"$ref": format!("#/components/responses/{name}")}))
}

fn operation(method: &str, path: &str, op: &mut Value) {
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|reqs| !reqs.is_empty() && reqs.iter().all(|r| r.as_object().is_some_and(|o| !o.is_empty())));
    let has_body = op.get("requestBody").is_some();
    let params: Vec<(String, String)> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                    (s("in"), s("name"))
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(ps) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        let rules = query_rules();
        for p in ps.iter_mut() {
            parameter(p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or("").to_string();
            let at_query = p.get("in").and_then(Value::as_str) == Some("query");
            let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else {
                continue;
            };
            for (_, _, add) in rules.iter().filter(|(p, n, _)| at_query && *p == path && *n == name) {
                for (k, v) in add.as_object().into_iter().flatten() {
                    schema.insert(k.clone(), v.clone());
                }
            }
        }
    }

    let mut add: Vec<&str> = Vec::new();
    if secured {
        add.push("401");
        if !OPEN_TO_EVERY_ROLE.contains(&(method, path)) {
            add.push("403");
        }
    }
    if has_body {
        add.extend(["400", "413", "415", "422"]);
    }
    if params.iter().any(|(at, _)| at == "query" || at == "header") {
        add.push("422");
    }
    if params.iter().any(|(at, _)| at == "path") {
        add.push("404");
    }
    add.extend(["500", "503"]);

    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    // The errors an annotation names become the shared problem+json responses.
    for (status, response) in responses.iter_mut() {
        if let Some(r) = status.starts_with(['4', '5']).then(|| reference(status)).flatten() {
            *response = r;
        }
    }
    for status in add {
        if let Some(r) = reference(status) {
            responses.entry(status.to_string()).or_insert(r);
        }
    }
    sort_responses(responses);
}

/// Orders the responses by status, as a reader looks for them.
fn sort_responses(responses: &mut Map<String, Value>) {
    let mut all: Vec<(String, Value)> = std::mem::take(responses).into_iter().collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    responses.extend(all);
}

/// A query or path parameter is present or absent, never `null`; the paging parameters say
/// their bounds.
fn parameter(p: &mut Value) {
    let at = p.get("in").and_then(Value::as_str).unwrap_or("").to_string();
    let name = p.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else {
        return;
    };
    if at == "query" || at == "path" || at == "header" {
        drop_null(schema);
    }
    if at == "header" {
        match name.as_str() {
            // `super::if_match`: a version, bare, quoted or weak.
            "If-Match" => {
                schema.insert("pattern".into(), json!(IF_MATCH_PATTERN));
            }
            // The phone's key: 1 to 200 visible characters (spaces only inside).
            "Idempotency-Key" => {
                schema.insert("minLength".into(), json!(1));
                schema.insert("maxLength".into(), json!(200));
                schema.insert("pattern".into(), json!("^[!-~]([ -~]*[!-~])?$"));
            }
            _ => {}
        }
    }
    if at == "query" && schema.get("type") == Some(&json!("integer")) {
        match name.as_str() {
            "limit" => {
                schema.insert("minimum".into(), json!(1));
                schema.insert("maximum".into(), json!(crate::db::Paging::MAX_LIMIT));
                schema.insert("default".into(), json!(crate::db::Paging::DEFAULT_LIMIT));
            }
            "offset" => {
                schema.insert("minimum".into(), json!(0));
                schema.insert("default".into(), json!(0));
            }
            _ => {}
        }
    }
}

/// `"type": ["integer", "null"]` becomes `"type": "integer"`; `oneOf: [{"type": "null"}, X]`
/// becomes X.
fn drop_null(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = schema.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        let kept = if kept.len() == 1 {
            kept[0].clone()
        } else {
            Value::Array(kept)
        };
        schema.insert("type".into(), kept);
    }
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(alts)) = schema.get(key) else {
            continue;
        };
        let kept: Vec<Value> = alts
            .iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .cloned()
            .collect();
        if kept.len() == 1 {
            schema.remove(key);
            if let Value::Object(only) = &kept[0] {
                for (k, v) in only {
                    schema.insert(k.clone(), v.clone());
                }
            }
        } else {
            schema.insert(key.into(), Value::Array(kept));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        serde_json::from_str(super::document()).unwrap()
    }

    /// Every `$ref` of the document names something the document holds.
    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r} is not local"));
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    fn collect_refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::String(r)) = o.get("$ref") {
                    out.push(r.clone());
                }
                o.values().for_each(|v| collect_refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }

    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for m in METHODS {
                if let Some(op) = item.get(*m) {
                    out.push((m.to_string(), path.clone(), op.clone()));
                }
            }
        }
        out
    }

    /// Every error response is problem+json, as the server answers.
    #[test]
    fn every_error_is_problem_json() {
        let doc = document();
        for (m, p, op) in operations(&doc) {
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with(['4', '5']) {
                    let r = match r.get("$ref").and_then(Value::as_str) {
                        Some(name) => doc.pointer(&name[1..]).unwrap().clone(),
                        None => r.clone(),
                    };
                    let content = r["content"].as_object().unwrap();
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        ["application/problem+json"],
                        "{m} {p} {status}"
                    );
                }
            }
        }
    }

    /// The statuses the shared rules give: 401 and 403 with a token, 400/413/415/422 with a body,
    /// 404 with an id in the path.
    #[test]
    fn shared_statuses_are_declared() {
        let doc = document();
        let has = |op: &Value, s: &str| op["responses"].get(s).is_some();
        for (m, p, op) in operations(&doc) {
            if op.get("security").is_some() {
                assert!(has(&op, "401"), "{m} {p} 401");
            }
            if op.get("requestBody").is_some() {
                for s in ["400", "413", "415", "422"] {
                    assert!(has(&op, s), "{m} {p} {s}");
                }
            }
            if p.contains('{') {
                assert!(has(&op, "404"), "{m} {p} 404");
            }
        }
        let login = &doc["paths"]["/api/v1/auth/login"]["post"];
        assert!(!has(login, "403"), "signing in needs no role");
        assert!(has(&doc["paths"]["/api/v1/users"]["get"], "403"));
        assert!(!has(&doc["paths"]["/api/v1/me"]["get"], "403"));
    }

    /// The text patterns accept exactly what `domain::validate::text` and `multiline` accept:
    /// every string of up to four characters drawn from letters, spaces of several kinds and
    /// control characters.
    #[test]
    fn text_patterns_agree_with_the_rules() {
        use crate::domain::validate;
        let text = regex::Regex::new(&text_pattern()).unwrap();
        let multiline = regex::Regex::new(&multiline_pattern()).unwrap();
        let or_blank_text = regex::Regex::new(&text_or_blank_pattern()).unwrap();
        let or_blank_multiline = regex::Regex::new(&multiline_or_blank_pattern()).unwrap();
        let alphabet = [
            'a', '界', ' ', '\t', '\n', '\r', '\u{b}', '\u{0}', '\u{1c}', '\u{1f}', '\u{7f}', '\u{85}', '\u{9f}',
            '\u{a0}', '\u{ad}', '\u{2028}', '\u{3000}',
        ];
        let mut strings = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(last.iter().cloned());
        }
        for s in &strings {
            assert_eq!(text.is_match(s), validate::text("f", s, 10).is_ok(), "text {s:?}");
            assert_eq!(
                multiline.is_match(s),
                validate::multiline("f", s, 10).is_ok(),
                "multiline {s:?}"
            );
            let text_or_blank = validate::optional(Some(s), |v| validate::text("f", v, 10));
            assert_eq!(or_blank_text.is_match(s), text_or_blank.is_ok(), "text or blank {s:?}");
            let multiline_or_blank = validate::optional(Some(s), |v| validate::multiline("f", v, 10));
            assert_eq!(
                or_blank_multiline.is_match(s),
                multiline_or_blank.is_ok(),
                "multiline or blank {s:?}"
            );
        }
    }

    /// The username pattern accepts exactly what `domain::validate::username` accepts, over
    /// strings of letters, digits, the three marks, spaces and others.
    #[test]
    fn username_pattern_agrees_with_the_rule() {
        let pattern = regex::Regex::new(&username_pattern()).unwrap();
        let alphabet = ['a', 'Z', '0', '.', '_', '-', ' ', '\t', '@', 'é', '\u{3000}'];
        let mut strings = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(last.iter().cloned());
        }
        strings.extend(["a".repeat(64), "a".repeat(65), format!(" {} ", "b".repeat(64))]);
        for s in &strings {
            assert_eq!(
                pattern.is_match(s),
                crate::domain::validate::username(s).is_ok(),
                "{s:?}"
            );
        }
    }

    /// A field marked `format: text` carries the pattern, not the mark.
    #[test]
    fn text_fields_carry_the_pattern() {
        let doc = document();
        let name = &doc["components"]["schemas"]["NewCustomer"]["properties"]["name"];
        assert_eq!(name["pattern"], json!(text_pattern()));
        assert_eq!(name["minLength"], 1);
        assert!(name.get("format").is_none());
    }

    #[test]
    fn paging_parameters_say_their_bounds() {
        let doc = document();
        let params = doc["paths"]["/api/v1/tickets"]["get"]["parameters"].as_array().unwrap();
        let find = |n: &str| params.iter().find(|p| p["name"] == n).unwrap()["schema"].clone();
        assert_eq!(find("limit")["type"], "integer");
        assert_eq!(find("limit")["minimum"], 1);
        assert_eq!(find("limit")["maximum"], 200);
        assert_eq!(find("offset")["minimum"], 0);
        assert_eq!(find("open")["type"], "boolean");
    }
}
