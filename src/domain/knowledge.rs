//! The knowledge base's rules: the editing flow of an article, the bounds of a rating, and the
//! preparation of text for search.
//!
//! **Flow.** An article is written as a draft; its editor submits it for review; a reviewer who
//! is not the last one to change its text (a second editor, or a supervisor) approves it, which
//! publishes it, or sends it back to draft with a note. A published article can be retired (and a
//! retired one brought back as a draft). Changing the text of an article in review or published
//! makes it a draft again: no text reaches the readers without a second pair of eyes.
//!
//! **Search text.** Chinese has no spaces, so it is segmented with jieba (`cut_for_search`: a
//! long word is given with the dictionary words inside it too, so 断电 is found inside
//! 突然断电); English words are lower-cased and reduced to their stem (Snowball, so "restarting"
//! and "restarts" are both `restart`). The same preparation makes the index's tokens and the
//! query's, in one pass over the text; the database's own full-text index (SQLite FTS5,
//! PostgreSQL tsvector) then only splits at the spaces and ranks.

use fieldline_mobile_api::ArticleStatus;
use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::LazyLock;

/// What an editor or a reviewer does to an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    Reject,
    Retire,
    Reopen,
}

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// The status after `step` from `from`, or why not. `own_text` is true when the reviewer is the
/// one who last changed the text (who may not approve it).
pub fn next(from: ArticleStatus, step: Step, own_text: bool) -> Result<ArticleStatus, Refused> {
    use ArticleStatus::*;
    let refuse = |what: &str| Err(Refused(format!("an article in {} cannot be {what}", from.as_str())));
    match (step, from) {
        (Step::Submit, Draft) => Ok(Review),
        (Step::Submit, _) => refuse("submitted for review"),
        (Step::Approve, Review) if own_text => Err(Refused(
            "the article must be reviewed by someone other than its last editor".into(),
        )),
        (Step::Approve, Review) => Ok(Published),
        (Step::Reject, Review) => Ok(Draft),
        (Step::Approve | Step::Reject, _) => refuse("reviewed"),
        (Step::Retire, Published) => Ok(Retired),
        (Step::Retire, _) => refuse("retired"),
        (Step::Reopen, Retired) => Ok(Draft),
        (Step::Reopen, _) => refuse("reopened"),
    }
}

/// The status after the text is changed: a draft stays one, anything else goes back to draft.
pub fn after_edit(_from: ArticleStatus) -> ArticleStatus {
    ArticleStatus::Draft
}

/// The bounds of a rating's marks.
pub const MARKS: std::ops::RangeInclusive<i32> = 1..=5;

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);
static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Words too common to help: left out of the index and of queries.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "is", "are", "be", "it", "its", "with", "by",
    "as", "from", "this", "that", "do", "does", "how", "what", "i", "my", "we", "our", "you", "your", "的", "了", "是",
    "在", "和", "与", "或", "吗", "呢", "吧", "啊", "就", "都", "也", "把", "被",
];

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Prepares text for the index or a query: Chinese segmented for search, English and other
/// words lower-cased and stemmed, punctuation and common words left out. Tokens are in text
/// order, repeats kept (the index counts them).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in JIEBA.cut_for_search(text, true) {
        let word = piece.trim();
        if word.is_empty() {
            continue;
        }
        if word.chars().any(is_han) {
            // jieba may hand a mix of Han and other characters: keep the Han and the alphanumerics.
            let w: String = word.chars().filter(|c| is_han(*c) || c.is_alphanumeric()).collect();
            if !w.is_empty() && !STOP.contains(&w.as_str()) {
                out.push(w);
            }
            continue;
        }
        // Not Chinese: split at anything that is not a letter or a digit, then stem.
        for part in word.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty()) {
            let lower = part.to_lowercase();
            if STOP.contains(&lower.as_str()) {
                continue;
            }
            out.push(STEMMER.stem(&lower).into_owned());
        }
    }
    out
}

/// The tokens joined by spaces, as the index stores them.
pub fn indexed(text: &str) -> String {
    tokens(text).join(" ")
}

/// A query's distinct tokens, in order, at most `max` of them.
pub fn query_terms(text: &str, max: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for t in tokens(text) {
        if !seen.contains(&t) {
            seen.push(t);
        }
        if seen.len() == max {
            break;
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArticleStatus::*;

    #[test]
    fn the_flow_goes_through_review_by_someone_else() {
        assert_eq!(next(Draft, Step::Submit, false), Ok(Review));
        assert_eq!(next(Review, Step::Approve, false), Ok(Published));
        assert!(next(Review, Step::Approve, true).is_err());
        assert_eq!(next(Review, Step::Reject, true), Ok(Draft));
        assert!(next(Draft, Step::Approve, false).is_err());
        assert_eq!(next(Published, Step::Retire, false), Ok(Retired));
        assert!(next(Draft, Step::Retire, false).is_err());
        assert_eq!(next(Retired, Step::Reopen, false), Ok(Draft));
        assert_eq!(after_edit(Published), Draft);
    }

    #[test]
    fn a_two_character_chinese_word_is_found_inside_a_longer_phrase() {
        let doc = tokens("机房突然断电后UPS报警");
        assert!(doc.contains(&"断电".to_string()), "{doc:?}");
        // English words are stemmed alike in the text and the query ("UPS" as "up").
        assert!(doc.contains(&query_terms("UPS", 1)[0]), "{doc:?}");
        assert_eq!(query_terms("断电", 8), vec!["断电".to_string()]);
    }

    #[test]
    fn english_words_meet_their_other_forms() {
        assert_eq!(query_terms("restarting", 8), query_terms("restarts", 8));
        assert_eq!(
            query_terms("Restart the router", 8),
            vec!["restart".to_string(), "router".to_string()]
        );
    }

    #[test]
    fn mixed_text_is_prepared_in_one_pass() {
        let t = tokens("How to restart the UPS 如何重启不间断电源?");
        assert!(t.contains(&"restart".to_string()), "{t:?}");
        assert!(t.contains(&"重启".to_string()), "{t:?}");
        assert!(!t.iter().any(|w| w == "?" || w == "the"), "{t:?}");
    }
}
