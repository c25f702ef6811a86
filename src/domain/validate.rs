//! Rules for the text people type: names, usernames, passwords, e-mail addresses, phone numbers.

use super::Invalid;

/// A required line of text: trimmed, not empty, at most `max` characters, no control characters.
pub fn text(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(v.to_string())
}

/// Required free text that may run over several lines: like `text`, but line breaks and tabs
/// are allowed (`\r\n` is stored as `\n`).
pub fn multiline(field: &str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim().replace("\r\n", "\n");
    if v.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if v.chars().count() > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters")));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(v)
}

/// 3-64 characters of letters, digits, `.`, `_`, `-`; stored lower-case.
pub fn username(value: &str) -> Result<String, Invalid> {
    let v = value.trim().to_lowercase();
    if !(3..=64).contains(&v.chars().count()) {
        return Err(Invalid::new("username", "must be 3 to 64 characters"));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Invalid::new(
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
        return Err(Invalid::new(
            field,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > 256 {
        return Err(Invalid::new(field, "must be at most 256 characters"));
    }
    if value.trim().is_empty() {
        return Err(Invalid::new(field, "must not be only white space"));
    }
    Ok(())
}

/// A plain `local@domain.tld` address, at most 254 characters; stored as given (trimmed).
pub fn email(field: &str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let bad = || Invalid::new(field, format!("`{v}` is not an e-mail address"));
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
        return Err(Invalid::new(field, format!("`{v}` is not a phone number")));
    }
    Ok(v.to_string())
}

/// An optional value run through a rule; `None` and blank stay `None`.
pub fn optional(
    value: Option<&str>,
    rule: impl FnOnce(&str) -> Result<String, Invalid>,
) -> Result<Option<String>, Invalid> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => rule(v).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("name", "  Acme  ", 10).unwrap(), "Acme");
        assert_eq!(text("name", "   ", 10).unwrap_err().field, "name");
        assert!(text("name", "abcdefghijk", 10).is_err());
        assert!(text("name", "a\u{0}b", 10).is_err());
        assert!(text("name", "上海电力", 4).is_ok());
    }

    #[test]
    fn multiline_text_keeps_its_lines() {
        assert_eq!(multiline("plan", " a\r\nb\tc ", 10).unwrap(), "a\nb\tc");
        assert_eq!(multiline("plan", "\n\n", 10).unwrap_err().field, "plan");
        assert!(multiline("plan", "a\u{7}b", 10).is_err());
        assert!(multiline("plan", "abcdefghijk", 10).is_err());
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
    fn phones() {
        assert!(phone("phone", "+86 571 8888-1234").is_ok());
        assert!(phone("phone", "123").is_err());
        assert!(phone("phone", "12a45678").is_err());
        assert!(phone("phone", "86+5718888").is_err());
    }
}
