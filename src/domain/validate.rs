//! Rules for what people type: names, usernames, passwords, e-mail addresses, phone numbers,
//! and the plausible range of every date, moment and count the API accepts.

use super::Invalid;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use fieldline_mobile_api::ProblemReason;
use serde_json::json;
use std::ops::RangeInclusive;

/// The first year a date or moment given to the API may fall in: the service keeps no records
/// older than this, so an earlier date is a typing error (a year 1, a two-digit year).
pub const EARLIEST_YEAR: i32 = 2000;

/// How far ahead of today a date or moment given to the API may lie, in years.
pub const YEARS_AHEAD: u32 = 10;

/// The plausible days: from 1 January of `EARLIEST_YEAR` to `YEARS_AHEAD` years after `today`.
pub fn plausible_days(today: NaiveDate) -> RangeInclusive<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = today
        .checked_add_months(Months::new(12 * YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    first..=last
}

/// A calendar day given to the API (a holiday, a purchase date, a plan's first date, a period's
/// end): from `EARLIEST_YEAR` to `YEARS_AHEAD` years after `today`.
pub fn date(field: &str, day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let range = plausible_days(today);
    if range.contains(&day) {
        return Ok(day);
    }
    Err(Invalid::new(
        field,
        format!("must be between {} and {} (got {day})", range.start(), range.end()),
    )
    .because(
        ProblemReason::DateOutOfRange,
        json!({"min": range.start().to_string(), "max": range.end().to_string()}),
    ))
}

/// A moment given to the API (a fault time, a shift's start, a visit window's end): its UTC day
/// must be a plausible day (see `date`).
pub fn moment(field: &str, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Invalid> {
    date(field, at.date_naive(), now.date_naive()).map(|_| at)
}

/// A year given to the API (a calendar's year, a statistics year): a plausible year.
pub fn year(field: &str, y: i32, today: NaiveDate) -> Result<i32, Invalid> {
    let range = plausible_days(today);
    if (range.start().year()..=range.end().year()).contains(&y) {
        return Ok(y);
    }
    Err(Invalid::new(
        field,
        format!("must be between {} and {}", range.start().year(), range.end().year()),
    )
    .because(
        ProblemReason::DateOutOfRange,
        json!({"min": range.start().year(), "max": range.end().year()}),
    ))
}

/// A count or amount within its bounds (both included).
pub fn count(field: &str, n: i64, range: RangeInclusive<i64>) -> Result<i64, Invalid> {
    if range.contains(&n) {
        return Ok(n);
    }
    Err(Invalid::out_of_range(field, range.start(), range.end()))
}

/// A required line of text: trimmed, not empty, at most `max` characters as sent (the white
/// space around it counted: the limit is what the OpenAPI document's `maxLength` says), no
/// control characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::required(field));
    }
    if value.chars().count() > max {
        return Err(Invalid::too_long(field, max));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(Invalid::new(field, "must not contain control characters")
            .because(ProblemReason::ControlCharacters, json!({})));
    }
    Ok(v.to_string())
}

/// Required free text that may run over several lines: like `text`, but line breaks and tabs
/// are allowed (`\r\n` is stored as `\n`); `max` counts the characters as sent, as `text` does.
pub fn multiline(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim().replace("\r\n", "\n");
    if v.is_empty() {
        return Err(Invalid::required(field));
    }
    if value.chars().count() > max {
        return Err(Invalid::too_long(field, max));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Invalid::new(field, "must not contain control characters")
            .because(ProblemReason::ControlCharacters, json!({})));
    }
    Ok(v)
}

/// 3-64 characters of letters, digits, `.`, `_`, `-`; stored lower-case.
pub fn username(value: &str) -> Result<String, Invalid> {
    let v = value.trim().to_lowercase();
    if !(3..=64).contains(&v.chars().count()) {
        return Err(Invalid::new("username", "must be 3 to 64 characters").because(
            if v.chars().count() < 3 {
                ProblemReason::TooShort
            } else {
                ProblemReason::TooLong
            },
            json!({"min": 3, "max": 64}),
        ));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Invalid::format(
            "username",
            "may hold only letters, digits, '.', '_' and '-'",
        ));
    }
    Ok(v)
}

pub const MIN_PASSWORD_CHARS: usize = 12;

/// At least 12 characters, at most 256, not only white space.
pub fn password(field: &str, value: &str) -> Result<(), Invalid> {
    let n = value.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Invalid::too_short(field, MIN_PASSWORD_CHARS));
    }
    if n > 256 {
        return Err(Invalid::too_long(field, 256));
    }
    if value.trim().is_empty() {
        return Err(Invalid::new(field, "must not be only white space").because(ProblemReason::Required, json!({})));
    }
    Ok(())
}

/// A plain `local@domain.tld` address, at most 254 characters; stored as given (trimmed).
pub fn email(field: &str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let bad = || {
        Invalid::new(field, format!("`{v}` is not an e-mail address")).because(ProblemReason::InvalidEmail, json!({}))
    };
    if v.len() > 254
        || v.chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
    {
        return Err(bad());
    }
    let (local, domain) = v.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return Err(bad());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || l.len() > 63
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    {
        return Err(bad());
    }
    Ok(v.to_string())
}

/// Digits with an optional leading `+` and the usual separators; 5 to 20 digits.
pub fn phone(field: &str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    let allowed = v
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.') || (c == '+' && i == 0));
    if !allowed || !(5..=20).contains(&digits) {
        return Err(
            Invalid::new(field, format!("`{v}` is not a phone number")).because(ProblemReason::InvalidPhone, json!({}))
        );
    }
    Ok(v.to_string())
}

/// An optional value run through a rule; `None` and blank stay `None`.
pub fn optional(
    value: Option<&str>,
    rule: impl FnOnce(&str) -> Result<String, Invalid>,
) -> Result<Option<String>, Invalid> {
    match value {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        // The rule trims, and counts the characters as sent.
        Some(v) => rule(v).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_plausible_from_2000_to_ten_years_ahead() {
        let today = day(2026, 12, 3);
        assert_eq!(date("day", day(2000, 1, 1), today), Ok(day(2000, 1, 1)));
        assert_eq!(date("day", day(2036, 12, 3), today), Ok(day(2036, 12, 3)));
        for bad in [day(1, 1, 1), day(1999, 12, 31), day(2036, 12, 4), day(9999, 12, 31)] {
            let e = date("holiday.day", bad, today).unwrap_err();
            assert_eq!(e.field, "holiday.day");
            assert!(
                e.reason.contains("2000-01-01") && e.reason.contains("2036-12-03"),
                "{}",
                e.reason
            );
        }
        // 29 February ten years on from a leap day falls back to the 28th.
        assert_eq!(*plausible_days(day(2028, 2, 29)).end(), day(2038, 2, 28));
    }

    #[test]
    fn moments_and_years_share_the_range() {
        let now = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z").unwrap().to_utc();
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert!(moment("at", at("2000-01-01T00:00:00Z"), now).is_ok());
        assert!(moment("at", at("1999-12-31T23:59:59Z"), now).is_err());
        assert!(moment("at", at("0001-01-01T00:00:00Z"), now).is_err());
        assert!(moment("at", at("2036-12-03T23:59:59Z"), now).is_ok());
        assert!(moment("at", at("2036-12-04T00:00:00Z"), now).is_err());
        let today = now.date_naive();
        assert_eq!(year("year", 2026, today), Ok(2026));
        assert_eq!(year("year", 1, today).unwrap_err().field, "year");
        assert!(year("year", 2037, today).is_err());
    }

    #[test]
    fn counts_are_bounded_both_ways() {
        assert_eq!(count("n", 0, 0..=10), Ok(0));
        assert_eq!(count("n", 10, 0..=10), Ok(10));
        assert_eq!(count("n", -1, 0..=10).unwrap_err().reason, "must be between 0 and 10");
        assert!(count("n", 11, 0..=10).is_err());
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("name", "  Acme  ", 10).unwrap(), "Acme");
        assert_eq!(text("name", "   ", 10).unwrap_err().field, "name");
        assert!(text("name", "abcdefghijk", 10).is_err());
        assert!(text("name", "a\u{0}b", 10).is_err());
        assert!(text("name", "上海电力", 4).is_ok());
        // The limit counts what was sent, as the document's maxLength does.
        assert!(text("name", " 上海电力", 4).is_err());
    }

    #[test]
    fn multiline_text_keeps_its_lines() {
        assert_eq!(multiline("plan", " a\r\nb\tc ", 10).unwrap(), "a\nb\tc");
        assert_eq!(multiline("plan", "\n\n", 10).unwrap_err().field, "plan");
        assert!(multiline("plan", "a\u{7}b", 10).is_err());
        assert!(multiline("plan", "abcdefghijk", 10).is_err());
        assert!(multiline("plan", "a\r\nbcdefgh ", 10).is_err());
    }

    #[test]
    fn usernames() {
        assert_eq!(username(" Li.Wei ").unwrap(), "li.wei");
        assert!(username("ab").is_err());
        assert!(username("li wei").is_err());
    }

    #[test]
    fn passwords() {
        assert!(password("password", "short").is_err());
        assert!(password("password", "            ").is_err());
        assert!(password("password", "correct horse battery").is_ok());
    }

    #[test]
    fn emails() {
        assert!(email("email", "li.wei@example.com").is_ok());
        for bad in ["", "a", "a@", "@b.c", "a@b", "a b@c.d", "a@-b.c", "a@b..c", "a@b.c>"] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_rule_gives_its_reason_and_params() {
        let today = day(2026, 12, 3);
        let e = date("day", day(1999, 1, 1), today).unwrap_err();
        assert_eq!(e.code, ProblemReason::DateOutOfRange);
        assert_eq!(e.params, json!({"min": "2000-01-01", "max": "2036-12-03"}));
        let e = count("n", 11, 0..=10).unwrap_err();
        assert_eq!(
            (e.code, e.params),
            (ProblemReason::OutOfRange, json!({"min": 0, "max": 10}))
        );
        assert_eq!(text("t", " ", 5).unwrap_err().code, ProblemReason::Required);
        let e = text("t", "abcdef", 5).unwrap_err();
        assert_eq!((e.code, e.params), (ProblemReason::TooLong, json!({"max": 5})));
        assert_eq!(
            text("t", "a\u{1}b", 5).unwrap_err().code,
            ProblemReason::ControlCharacters
        );
        assert_eq!(multiline("t", "", 5).unwrap_err().code, ProblemReason::Required);
        let e = password("password", "short").unwrap_err();
        assert_eq!((e.code, e.params), (ProblemReason::TooShort, json!({"min": 12})));
        assert_eq!(username("li wei").unwrap_err().code, ProblemReason::InvalidFormat);
        assert_eq!(username("ab").unwrap_err().code, ProblemReason::TooShort);
        assert_eq!(email("email", "a@b").unwrap_err().code, ProblemReason::InvalidEmail);
        assert_eq!(phone("phone", "12").unwrap_err().code, ProblemReason::InvalidPhone);
        // The English text stays as it was.
        assert_eq!(
            text("t", "abcdef", 5).unwrap_err().reason,
            "must be at most 5 characters"
        );
    }

    #[test]
    fn phones() {
        assert!(phone("phone", "+86 571 8888-1234").is_ok());
        assert!(phone("phone", "123").is_err());
        assert!(phone("phone", "12a45678").is_err());
        assert!(phone("phone", "86+5718888").is_err());
    }
}
