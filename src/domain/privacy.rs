//! Personal data of a customer's contact: the values that identify them (their name, phone
//! number and e-mail address, as they are now and as they were), found in stored text and
//! replaced by a mark.
//!
//! A value is found without regard to ASCII case (an address typed `Zhou.Jie@…` is the same
//! address), and only where it stands as a whole word: a contact named `Li` is not found inside
//! `Line 1 depot`. Chinese text has no spaces between words, so a value is found next to any
//! character that is not an ASCII letter or digit. In JSON (the audit trail's payloads, a
//! timeline event's data, recipient lists) only the string values are changed, so the document
//! stays valid JSON.

use serde_json::Value;

/// What a found value is replaced with.
pub const ERASED: &str = "[erased]";

/// Values shorter than this (in characters) are not looked for: they would be found everywhere.
pub const MIN_CHARS: usize = 2;

/// The name an erased contact keeps, so lists and tickets still show that someone was there.
pub fn erased_contact_name(id: i64) -> String {
    format!("erased contact #{id}")
}

/// The values that identify one person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identifiers(Vec<String>);

impl Identifiers {
    /// The values given, trimmed, without blanks, values too short to look for and repeats
    /// (any ASCII case); the longest first, so that a full name is replaced before a part of it.
    pub fn new<I, S>(values: I) -> Identifiers
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out: Vec<String> = Vec::new();
        for v in values {
            let v = v.as_ref().trim();
            if v.chars().count() < MIN_CHARS || v == ERASED {
                continue;
            }
            if !out.iter().any(|o| o.eq_ignore_ascii_case(v)) {
                out.push(v.to_string());
            }
        }
        out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Identifiers(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn values(&self) -> &[String] {
        &self.0
    }

    /// Whether any of the values stands in the text.
    pub fn occur_in(&self, text: &str) -> bool {
        self.0.iter().any(|v| !matches(text, v).is_empty())
    }

    /// The text with every value replaced by [`ERASED`]; None when none stood in it.
    pub fn scrub(&self, text: &str) -> Option<String> {
        let mut out = text.to_string();
        let mut changed = false;
        for v in &self.0 {
            let found = matches(&out, v);
            if found.is_empty() {
                continue;
            }
            changed = true;
            let mut next = String::with_capacity(out.len());
            let mut last = 0;
            for (start, end) in found {
                next.push_str(&out[last..start]);
                next.push_str(ERASED);
                last = end;
            }
            next.push_str(&out[last..]);
            out = next;
        }
        changed.then_some(out)
    }

    /// A JSON text with the values replaced in its strings (keys included); a text that is not
    /// JSON is scrubbed as text. None when nothing changed.
    pub fn scrub_json(&self, text: &str) -> Option<String> {
        let Ok(mut doc) = serde_json::from_str::<Value>(text) else {
            return self.scrub(text);
        };
        if self.scrub_value(&mut doc) {
            Some(doc.to_string())
        } else {
            None
        }
    }

    fn scrub_value(&self, v: &mut Value) -> bool {
        match v {
            Value::String(s) => match self.scrub(s) {
                Some(new) => {
                    *s = new;
                    true
                }
                None => false,
            },
            Value::Array(items) => {
                // Every item is scrubbed: no short cut once one has changed.
                let mut changed = false;
                for item in items.iter_mut() {
                    changed |= self.scrub_value(item);
                }
                changed
            }
            Value::Object(map) => {
                let old = std::mem::take(map);
                let mut changed = false;
                for (k, mut item) in old {
                    changed |= self.scrub_value(&mut item);
                    let key = match self.scrub(&k) {
                        Some(new) => {
                            changed = true;
                            new
                        }
                        None => k,
                    };
                    map.insert(key, item);
                }
                changed
            }
            _ => false,
        }
    }
}

/// Where `needle` stands in `hay` as a whole word, any ASCII case: byte ranges, in order,
/// not overlapping.
fn matches(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    // ASCII lower-casing keeps every byte offset, so ranges found in the copies hold in `hay`.
    let (h, n) = (hay.to_ascii_lowercase(), needle.to_ascii_lowercase());
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let (first, last) = (needle.chars().next(), needle.chars().next_back());
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = h[from..].find(&n) {
        let (start, end) = (from + i, from + i + n.len());
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let joined = (word(first) && word(before)) || (word(last) && word(after));
        if joined {
            // Step past the first character of this place only.
            from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
        } else {
            out.push((start, end));
            from = end;
        }
    }
    out
}

/// A JSON text with the string values under any of `keys` (at any depth) replaced by
/// [`ERASED`]: a copy of a text written by the person (an e-mail's subject and excerpt, a file's
/// name) is removed whether or not it names them. None when nothing changed (or not JSON).
pub fn blank_keys(text: &str, keys: &[&str]) -> Option<String> {
    fn walk(v: &mut Value, keys: &[&str]) -> bool {
        let mut changed = false;
        match v {
            Value::Array(items) => {
                for item in items.iter_mut() {
                    changed |= walk(item, keys);
                }
            }
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    match item {
                        Value::String(s) if keys.contains(&k.as_str()) => {
                            if s != ERASED {
                                *s = ERASED.to_string();
                                changed = true;
                            }
                        }
                        _ => changed |= walk(item, keys),
                    }
                }
            }
            _ => {}
        }
        changed
    }
    let mut doc = serde_json::from_str::<Value>(text).ok()?;
    walk(&mut doc, keys).then(|| doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Identifiers {
        Identifiers::new(v.iter().copied())
    }

    #[test]
    fn values_are_cleaned_and_the_longest_comes_first() {
        let i = ids(&[" Zhou ", "Zhou Jie", "", "x", "ZHOU", "13800138000", ERASED]);
        assert_eq!(i.values(), ["13800138000", "Zhou Jie", "Zhou"]);
        assert!(ids(&["", " "]).is_empty());
    }

    #[test]
    fn a_value_is_found_as_a_whole_word_in_any_ascii_case() {
        let i = ids(&["Li", "zhou.jie@metro.example"]);
        assert_eq!(i.scrub("Line 1 depot"), None, "not inside a word");
        assert_eq!(i.scrub("Called Li today").as_deref(), Some("Called [erased] today"));
        assert_eq!(
            i.scrub("To: <Zhou.Jie@Metro.example>, li").as_deref(),
            Some("To: <[erased]>, [erased]")
        );
        assert!(i.occur_in("mail zhou.jie@metro.example."));
        assert!(!i.occur_in("mail xzhou.jie@metro.example"));
    }

    #[test]
    fn chinese_text_is_matched_without_spaces() {
        let i = ids(&["王芳", "138 0013 8000"]);
        assert_eq!(
            i.scrub("联系人王芳，电话138 0013 8000。").as_deref(),
            Some("联系人[erased]，电话[erased]。")
        );
    }

    #[test]
    fn the_full_name_goes_before_its_parts() {
        let i = ids(&["Zhou", "Zhou Jie"]);
        assert_eq!(i.scrub("Zhou Jie and Zhou").as_deref(), Some("[erased] and [erased]"));
    }

    #[test]
    fn json_stays_json_and_only_its_strings_change() {
        let i = ids(&["Wang \"Fang\"", "+86 571 1234 5678"]);
        let doc = serde_json::json!({"contact_name": "Wang \"Fang\"", "n": 3, "list": ["+86 571 1234 5678", "keep"],
            "Wang \"Fang\"": true});
        let out = i.scrub_json(&doc.to_string()).expect("changed");
        let v: Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(
            v,
            serde_json::json!({"contact_name": ERASED, "n": 3, "list": [ERASED, "keep"], ERASED: true})
        );
        assert_eq!(i.scrub_json(r#"{"a":"b"}"#), None);
        assert_eq!(
            i.scrub_json("not json, Wang \"Fang\"").as_deref(),
            Some("not json, [erased]")
        );
    }

    #[test]
    fn blank_keys_removes_the_named_strings_at_any_depth_once() {
        let doc = r#"{"subject":"Help","n":3,"attachments":[{"filename":"a.pdf","size":2}],"to":"x"}"#;
        let out = blank_keys(doc, &["subject", "filename"]).unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["subject"], ERASED);
        assert_eq!(v["attachments"][0]["filename"], ERASED);
        assert_eq!((v["n"].as_i64(), v["to"].as_str()), (Some(3), Some("x")));
        assert_eq!(
            blank_keys(&out, &["subject", "filename"]),
            None,
            "nothing more to blank"
        );
        assert_eq!(blank_keys("not json", &["subject"]), None);
    }
}
