//! Request extractors whose every failure is a problem+json naming the field: JSON bodies
//! (size-limited, content-type checked) and query strings.

use crate::error::AppError;
use crate::startup::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use fieldline_mobile_api::ProblemReason;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Default body limit when the state is not registered (unit tests of extractors).
const FALLBACK_LIMIT: usize = 1024 * 1024;

/// A JSON body. Malformed JSON is `malformed_json`; a missing, unknown or wrong-typed field is
/// `validation_failed` with the field's path; a body over the limit is `payload_too_large`.
pub struct Json<T>(pub T);

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.settings.max_body_bytes)
            .unwrap_or(FALLBACK_LIMIT);
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(AppError::PayloadTooLarge(limit));
            }
            if !json {
                return Err(AppError::UnsupportedMediaType(
                    "send the body as `Content-Type: application/json`".into(),
                ));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| AppError::BadRequest(format!("the body could not be read: {e}")))?;
                if body.len() + chunk.len() > limit {
                    return Err(AppError::PayloadTooLarge(limit));
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(Json)
        })
    }
}

/// Parses a JSON object, naming the offending field on a data error. Every body of the API is
/// an object, so an array or a scalar is refused as a whole (serde would otherwise read a
/// struct from an array).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Io => AppError::BadRequest(e.to_string()),
        _ => AppError::MalformedJson(e.to_string()),
    })?;
    if !value.is_object() {
        return Err(AppError::validation("body", "the body must be a JSON object")
            .because(ProblemReason::WrongType, json!({"expected": "object"})));
    }
    from_value(integral_numbers(value))
}

/// Writes a number with a zero fraction (`3.0`) as the integer it is. JSON Schema, and so the
/// OpenAPI document, counts `3.0` an integer; serde would refuse it for an integer field. A
/// field of a fractional type takes the integer as it took the number. Only numbers an `f64`
/// holds exactly (below 2^53) are rewritten; a larger one stays as sent.
fn integral_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < EXACT => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integral_numbers).collect()),
        Value::Object(fields) => Value::Object(fields.into_iter().map(|(k, v)| (k, integral_numbers(v))).collect()),
        other => other,
    }
}

/// Reads a value already parsed as JSON into a type, naming the offending field.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = strip_position(&e.into_inner().to_string());
        let (reason, params) = serde_reason(&message);
        AppError::validation(field_of(&path, &message), message).because(reason, params)
    })
}

/// The finer reason of a serde data error, read from serde's message (its wording is stable:
/// `serde::de::Error`'s provided constructors write it).
pub fn serde_reason(message: &str) -> (ProblemReason, serde_json::Value) {
    // "`a`, `b`" or "one of `a`, `b`" → ["a", "b"]
    let names = |list: &str| -> Vec<String> { list.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let expected = |m: &str| {
        m.split_once(", expected ")
            .map(|(_, e)| e.to_string())
            .unwrap_or_default()
    };
    if message.starts_with("missing field `") {
        return (ProblemReason::MissingField, json!({}));
    }
    if message.starts_with("unknown field `") {
        let rest = message.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
        return (ProblemReason::UnknownField, json!({"allowed": names(rest)}));
    }
    if message.starts_with("unknown variant `") {
        let rest = message.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
        return (ProblemReason::UnknownValue, json!({"allowed": names(rest)}));
    }
    if message.starts_with("invalid type: ") || message.starts_with("invalid value: ") {
        return (
            ProblemReason::WrongType,
            json!({"expected": json_type(&expected(message))}),
        );
    }
    (ProblemReason::InvalidFormat, json!({}))
}

/// The JSON type a serde expectation names (`i64` → `integer`), or the expectation as it is.
fn json_type(expected: &str) -> String {
    let e = expected.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    let t = if has(&[
        "i8", "i16", "i32", "i64", "i128", "u8", "u16", "u32", "u64", "u128", "integer",
    ]) {
        "integer"
    } else if has(&["f32", "f64", "float", "number"]) {
        "number"
    } else if has(&["bool"]) {
        "boolean"
    } else if has(&["sequence", "array", "tuple", "vec"]) {
        "array"
    } else if has(&["struct", "map", "object"]) {
        "object"
    } else if has(&["string", "str", "char", "variant", "enum"]) {
        "string"
    } else {
        return expected.to_string();
    };
    t.to_string()
}

/// serde_json adds " at line L column C" to data errors; the field already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The field a deserialisation error is about: the path, plus the name in a "missing field `x`"
/// message (whose path is the parent object).
fn field_of(path: &str, message: &str) -> String {
    let base = if path == "." || path == "?" { "" } else { path };
    let named = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (named, base) {
        (Some(n), "") => n.to_string(),
        (Some(n), b) => format!("{b}.{n}"),
        (None, "") => "body".to_string(),
        (None, b) => b.to_string(),
    }
}

/// Reads a body of bytes as it came (a photo), up to `limit` bytes; a larger one (declared or
/// sent) is `payload_too_large`.
pub async fn bytes(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::PayloadTooLarge(limit));
    }
    let mut body = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A query string, with the field named on a bad value.
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let (reason, params) = serde_reason(&message);
        AppError::validation(field_of(&path, &message), message).because(reason, params)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fieldline_mobile_api::{ErrorCode, NewSite};

    #[test]
    fn malformed_json_is_its_own_code() {
        let e = parse_json::<NewSite>(b"{\"name\": ").unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedJson);
        assert_eq!(parse_json::<NewSite>(b"").unwrap_err().code(), ErrorCode::MalformedJson);
        assert_eq!(
            parse_json::<serde_json::Value>(b"{} x").unwrap_err().code(),
            ErrorCode::MalformedJson
        );
    }

    #[test]
    fn missing_wrong_and_unknown_fields_are_named() {
        let e =
            parse_json::<NewSite>(br#"{"customer_id": 1, "name": "a", "address": "b", "latitude": 1}"#).unwrap_err();
        assert_eq!(e.problem().field.as_deref(), Some("longitude"));
        let e = parse_json::<NewSite>(br#"{"customer_id": "x", "name": "a"}"#).unwrap_err();
        assert_eq!(e.problem().field.as_deref(), Some("customer_id"));
        let e = parse_json::<NewSite>(br#"{"customer_id": 1, "nmae": "a"}"#).unwrap_err();
        assert_eq!(e.problem().field.as_deref(), Some("nmae"));
        let e = parse_json::<NewSite>(b"[]").unwrap_err();
        assert_eq!(e.problem().field.as_deref(), Some("body"));
    }

    #[test]
    fn serde_errors_get_a_reason() {
        let reason = |body: &[u8]| {
            let p = parse_json::<NewSite>(body).unwrap_err().problem();
            (p.reason.unwrap(), p.params.unwrap())
        };
        let (r, _) = reason(br#"{"customer_id": 1, "name": "a", "address": "b", "latitude": 1}"#);
        assert_eq!(r, ProblemReason::MissingField);
        let (r, p) = reason(br#"{"customer_id": "x", "name": "a"}"#);
        assert_eq!((r, p), (ProblemReason::WrongType, json!({"expected": "integer"})));
        let (r, p) = reason(br#"{"customer_id": 1, "nmae": "a"}"#);
        assert_eq!(r, ProblemReason::UnknownField);
        assert!(p["allowed"].as_array().unwrap().contains(&json!("name")), "{p}");
        let (r, p) = reason(b"[]");
        assert_eq!((r, p), (ProblemReason::WrongType, json!({"expected": "object"})));
        let (r, p) = reason(br#"{"customer_id": 1, "name": 5}"#);
        assert_eq!((r, p), (ProblemReason::WrongType, json!({"expected": "string"})));
        let p = parse_query::<Q>("tier=bronze").unwrap_err().problem();
        assert_eq!(p.reason, Some(ProblemReason::UnknownValue));
        let tiers: Vec<&str> = fieldline_mobile_api::Tier::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(p.params.unwrap()["allowed"], json!(tiers));
        let p = parse_query::<Q>("limit=abc").unwrap_err().problem();
        assert_eq!(p.reason, Some(ProblemReason::InvalidFormat));
    }

    #[test]
    fn an_integral_float_is_an_integer() {
        #[derive(serde::Deserialize, Debug)]
        struct B {
            n: i32,
            x: f64,
            list: Vec<i64>,
        }
        let b = parse_json::<B>(br#"{"n": 3.0, "x": 2, "list": [1.0, -4.0]}"#).unwrap();
        assert_eq!((b.n, b.x, b.list), (3, 2.0, vec![1, -4]));
        let e = parse_json::<B>(br#"{"n": 3.5, "x": 1, "list": []}"#).unwrap_err();
        assert_eq!(e.problem().field.as_deref(), Some("n"));
        let e = parse_json::<B>(br#"{"n": 1e300, "x": 1, "list": []}"#).unwrap_err();
        assert_eq!(e.problem().field.as_deref(), Some("n"));
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Q {
        limit: Option<i64>,
        tier: Option<fieldline_mobile_api::Tier>,
    }

    #[test]
    fn query_errors_name_the_parameter() {
        assert!(parse_query::<Q>("limit=5&tier=gold").is_ok());
        assert_eq!(
            parse_query::<Q>("limit=abc").unwrap_err().problem().field.as_deref(),
            Some("limit")
        );
        assert_eq!(
            parse_query::<Q>("tier=bronze").unwrap_err().problem().field.as_deref(),
            Some("tier")
        );
    }
}
