//! What becomes of an e-mail that arrives (docs/rules/mail-intake.md).
//!
//! - **No mail loops**: automatic mail never opens a ticket nor joins one. A message is ignored,
//!   with the reason, when it says it was sent automatically (`Auto-Submitted` other than `no`,
//!   `X-Autoreply`, `X-Autorespond`, `Precedence: bulk | junk | list | auto_reply`), comes from
//!   a mailing list (`List-Id`, `List-Unsubscribe`), is a bounce (`Return-Path: <>`, a
//!   `MAILER-DAEMON` sender, a `multipart/report`), or is the service's own (its Message-ID on
//!   the service's id domain, or from the service's own address).
//! - **A reply** names a message of a ticket's thread in `In-Reply-To` / `References`, or the
//!   ticket number (`FL-2026-000123`) in its subject: it joins that ticket's timeline.
//! - **A staff reply** threads back: `Re: <subject> [FL-…]`, `In-Reply-To` the last message of
//!   the thread and `References` its chain.

/// The header facts the rules read, as the MIME reader found them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    pub message_id: Option<String>,
    pub from: String,
    pub subject: String,
    pub auto_submitted: Option<String>,
    /// `X-Autoreply` or `X-Autorespond` present.
    pub x_autoreply: bool,
    pub precedence: Option<String>,
    pub list_id: bool,
    pub list_unsubscribe: bool,
    /// The `Return-Path` as written (`<>` for a bounce); None when absent.
    pub return_path: Option<String>,
    /// The top-level content type is `multipart/report` (a delivery or read report).
    pub report: bool,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
}

/// Why a message is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopReason {
    AutoSubmitted,
    AutoReply,
    Precedence,
    MailingList,
    Bounce,
    Report,
    OwnMessage,
}

impl LoopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LoopReason::AutoSubmitted => "auto_submitted",
            LoopReason::AutoReply => "auto_reply",
            LoopReason::Precedence => "precedence",
            LoopReason::MailingList => "mailing_list",
            LoopReason::Bounce => "bounce",
            LoopReason::Report => "report",
            LoopReason::OwnMessage => "own_message",
        }
    }
}

/// The domain part of a Message-ID (`<local@domain>` → `domain`), lower-cased.
fn id_domain(message_id: &str) -> Option<String> {
    let inner = message_id.trim().trim_start_matches('<').trim_end_matches('>');
    inner.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase())
}

/// Why the message must not open or join a ticket, if it must not. `own_domain` is the domain of
/// the service's Message-IDs; `own_address` its From address.
pub fn loop_reason(h: &Headers, own_domain: &str, own_address: &str) -> Option<LoopReason> {
    if let Some(id) = &h.message_id {
        if id_domain(id).is_some_and(|d| d.eq_ignore_ascii_case(own_domain)) {
            return Some(LoopReason::OwnMessage);
        }
    }
    if !own_address.is_empty() && h.from.trim().eq_ignore_ascii_case(own_address.trim()) {
        return Some(LoopReason::OwnMessage);
    }
    if h.auto_submitted
        .as_deref()
        .is_some_and(|v| !v.trim().to_ascii_lowercase().starts_with("no"))
    {
        return Some(LoopReason::AutoSubmitted);
    }
    if h.x_autoreply {
        return Some(LoopReason::AutoReply);
    }
    if h.precedence.as_deref().is_some_and(|p| {
        matches!(
            p.trim().to_ascii_lowercase().as_str(),
            "bulk" | "junk" | "list" | "auto_reply" | "auto-reply"
        )
    }) {
        return Some(LoopReason::Precedence);
    }
    if h.list_id || h.list_unsubscribe {
        return Some(LoopReason::MailingList);
    }
    let local = h.from.split('@').next().unwrap_or("").to_ascii_lowercase();
    let empty_path = h
        .return_path
        .as_deref()
        .is_some_and(|p| p.trim().trim_start_matches('<').trim_end_matches('>').trim().is_empty());
    if empty_path || local == "mailer-daemon" || local == "postmaster" || h.from.trim().is_empty() {
        return Some(LoopReason::Bounce);
    }
    if h.report {
        return Some(LoopReason::Report);
    }
    None
}

/// The Message-IDs a reply names, `In-Reply-To` first, each once, in `<…>` form.
pub fn thread_ids(h: &Headers) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in h.in_reply_to.iter().chain(h.references.iter().rev()) {
        let id = bracketed(id);
        if id.len() > 2 && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// A Message-ID in its `<…>` form.
pub fn bracketed(id: &str) -> String {
    let inner = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{inner}>")
}

/// The first ticket number in a subject: `FL-` four digits `-` six digits.
pub fn ticket_number_in(subject: &str) -> Option<String> {
    let b = subject.as_bytes();
    let digits = |from: usize, n: usize| b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit);
    (0..b.len()).find_map(|i| {
        let fits = b.len() >= i + 14
            && b[i..i + 3].eq_ignore_ascii_case(b"FL-")
            && digits(i + 3, 4)
            && b[i + 7] == b'-'
            && digits(i + 8, 6)
            && !(b.len() > i + 14 && b[i + 14].is_ascii_digit());
        fits.then(|| subject[i..i + 14].to_ascii_uppercase())
    })
}

/// The subject of a staff reply: `Re: <subject> [FL-…]`, without stacking `Re:` prefixes or a
/// second copy of the number.
pub fn reply_subject(subject: &str, number: &str) -> String {
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let cut = ["re:", "aw:", "fw:", "fwd:", "回复:", "回复：", "答复:", "答复："]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => break,
        }
    }
    let base = if s.is_empty() {
        number.to_string()
    } else {
        s.to_string()
    };
    if ticket_number_in(&base).as_deref() == Some(number) {
        format!("Re: {base}")
    } else {
        format!("Re: {base} [{number}]")
    }
}

/// The body of a staff reply: the text and, under it, how to answer, in the contact's language.
pub fn reply_body(text: &str, number: &str, lang: fieldline_mobile_api::Language) -> String {
    let footer = match lang {
        fieldline_mobile_api::Language::Zh => {
            format!("如需补充，请直接回复本邮件，并保留主题中的工单号 {number}。")
        }
        fieldline_mobile_api::Language::En => {
            format!("To add to this request, reply to this e-mail and keep the ticket number {number} in the subject.")
        }
    };
    format!("{}\n\n-- \n{footer}\n", text.trim_end())
}

/// The `References` of a message answering one with `parent_id` whose own references were
/// `parent_refs`: the parent's chain and the parent, at most `max` ids (the first one and the
/// latest ones are kept, as RFC 5322 §3.6.4 suggests).
pub fn references_after(parent_refs: &[String], parent_id: &str, max: usize) -> Vec<String> {
    let mut chain: Vec<String> = parent_refs.iter().map(|r| bracketed(r)).collect();
    chain.push(bracketed(parent_id));
    chain.dedup();
    if chain.len() > max && max >= 2 {
        let first = chain[0].clone();
        let tail = chain.split_off(chain.len() - (max - 1));
        chain = std::iter::once(first).chain(tail).collect();
    }
    chain
}

/// The first `max` characters of a text, cut at a character boundary, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let t = text.trim();
    match t.char_indices().nth(max) {
        None => t.to_string(),
        Some((i, _)) => format!("{}…", &t[..i]),
    }
}

/// What an attachment part is, for the bound check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub filename: String,
    pub size: usize,
}

/// Why a part is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLarge,
    TooMany,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::TooLarge => "too_large",
            Refusal::TooMany => "too_many",
        }
    }
}

/// Which parts are kept and which refused: a part over `max_bytes` is refused, and after
/// `max_count` kept ones the rest are. Answers, per part in order, None (kept) or the refusal.
pub fn bound_parts(parts: &[Part], max_bytes: usize, max_count: usize) -> Vec<Option<Refusal>> {
    let mut kept = 0;
    parts
        .iter()
        .map(|p| {
            if p.size > max_bytes {
                Some(Refusal::TooLarge)
            } else if kept >= max_count {
                Some(Refusal::TooMany)
            } else {
                kept += 1;
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(addr: &str) -> Headers {
        Headers {
            message_id: Some("<abc@customer.example>".into()),
            from: addr.into(),
            subject: "UPS alarm".into(),
            ..Headers::default()
        }
    }

    const OWN: &str = "fieldline.example";
    const OWN_ADDR: &str = "service@fieldline.example";

    #[test]
    fn a_person_writing_is_no_loop() {
        assert_eq!(loop_reason(&from("li.wei@customer.example"), OWN, OWN_ADDR), None);
        let mut h = from("li.wei@customer.example");
        h.auto_submitted = Some("no".into());
        h.precedence = Some("normal".into());
        h.return_path = Some("<li.wei@customer.example>".into());
        assert_eq!(loop_reason(&h, OWN, OWN_ADDR), None);
    }

    #[test]
    fn automatic_mail_is_ignored_with_its_reason() {
        let case = |f: fn(&mut Headers)| {
            let mut h = from("li.wei@customer.example");
            f(&mut h);
            loop_reason(&h, OWN, OWN_ADDR)
        };
        assert_eq!(
            case(|h| h.auto_submitted = Some("auto-replied".into())),
            Some(LoopReason::AutoSubmitted)
        );
        assert_eq!(case(|h| h.x_autoreply = true), Some(LoopReason::AutoReply));
        for p in ["bulk", "junk", "list", "auto_reply", "Bulk"] {
            let mut h = from("a@b.example");
            h.precedence = Some(p.into());
            assert_eq!(loop_reason(&h, OWN, OWN_ADDR), Some(LoopReason::Precedence), "{p}");
        }
        assert_eq!(case(|h| h.list_id = true), Some(LoopReason::MailingList));
        assert_eq!(case(|h| h.list_unsubscribe = true), Some(LoopReason::MailingList));
        assert_eq!(case(|h| h.return_path = Some("<>".into())), Some(LoopReason::Bounce));
        assert_eq!(
            case(|h| h.from = "MAILER-DAEMON@mx.example".into()),
            Some(LoopReason::Bounce)
        );
        assert_eq!(case(|h| h.report = true), Some(LoopReason::Report));
        assert_eq!(
            case(|h| h.message_id = Some("<1@Fieldline.Example>".into())),
            Some(LoopReason::OwnMessage)
        );
        assert_eq!(case(|h| h.from = OWN_ADDR.into()), Some(LoopReason::OwnMessage));
    }

    #[test]
    fn a_ticket_number_is_found_in_a_subject() {
        assert_eq!(
            ticket_number_in("Re: UPS alarm [FL-2026-000123]").as_deref(),
            Some("FL-2026-000123")
        );
        assert_eq!(
            ticket_number_in("回复：fl-2026-000001 故障").as_deref(),
            Some("FL-2026-000001")
        );
        assert_eq!(ticket_number_in("FL-2026-0001234"), None, "too many digits");
        assert_eq!(ticket_number_in("FL-26-000123"), None);
        assert_eq!(ticket_number_in("no number"), None);
    }

    #[test]
    fn a_reply_subject_carries_the_number_once() {
        assert_eq!(
            reply_subject("UPS alarm", "FL-2026-000123"),
            "Re: UPS alarm [FL-2026-000123]"
        );
        assert_eq!(
            reply_subject("Re: RE: UPS alarm [FL-2026-000123]", "FL-2026-000123"),
            "Re: UPS alarm [FL-2026-000123]"
        );
        assert_eq!(
            reply_subject("回复：机房断电", "FL-2026-000001"),
            "Re: 机房断电 [FL-2026-000001]"
        );
        assert_eq!(reply_subject("  ", "FL-2026-000001"), "Re: FL-2026-000001");
    }

    #[test]
    fn thread_ids_and_references() {
        let h = Headers {
            in_reply_to: vec!["a@x".into()],
            references: vec!["<r1@x>".into(), "<a@x>".into()],
            ..Headers::default()
        };
        assert_eq!(thread_ids(&h), ["<a@x>", "<r1@x>"]);
        assert_eq!(references_after(&["<r1@x>".into()], "a@x", 10), ["<r1@x>", "<a@x>"]);
        let long: Vec<String> = (0..30).map(|i| format!("<{i}@x>")).collect();
        let r = references_after(&long, "<30@x>", 10);
        assert_eq!(r.len(), 10);
        assert_eq!(r[0], "<0@x>");
        assert_eq!(r[9], "<30@x>");
    }

    #[test]
    fn parts_over_the_bounds_are_refused() {
        let p = |size| Part {
            filename: "f".into(),
            size,
        };
        let out = bound_parts(&[p(10), p(2000), p(20), p(30)], 1000, 2);
        assert_eq!(out, [None, Some(Refusal::TooLarge), None, Some(Refusal::TooMany)]);
    }

    #[test]
    fn a_reply_body_says_how_to_answer_in_the_contacts_language() {
        use fieldline_mobile_api::Language;
        let zh = reply_body("已安排工程师。", "FL-2026-000001", Language::Zh);
        assert!(zh.starts_with("已安排工程师。\n\n-- \n"), "{zh}");
        assert!(zh.contains("保留主题中的工单号 FL-2026-000001"), "{zh}");
        let en = reply_body("On our way.\n", "FL-2026-000001", Language::En);
        assert!(en.contains("keep the ticket number FL-2026-000001"), "{en}");
    }

    #[test]
    fn an_excerpt_cuts_at_a_character() {
        assert_eq!(excerpt("机房断电了", 2), "机房…");
        assert_eq!(excerpt(" short ", 10), "short");
    }
}
