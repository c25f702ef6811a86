//! Reading an e-mail that arrives: the header facts the intake rules need, the text (every
//! charset decoded — GB18030/GBK, Big5, UTF-8 —, encoded-word subjects, quoted-printable and
//! base64 bodies, an HTML-only message turned into text) and the attachment parts.
//!
//! `mail-parser` does the MIME work, with its `full_encoding` feature so that charsets outside
//! its built-in set are decoded by `encoding_rs` instead of lossily.

use crate::domain::inbound_mail::Headers;
use chrono::{DateTime, Utc};
use mail_parser::{Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

/// The text kept of a message, at most (characters).
pub const TEXT_MAX: usize = 100_000;

/// One attachment part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundPart {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An e-mail as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub headers: Headers,
    pub from_name: Option<String>,
    /// The sender's `Date` header.
    pub date: Option<DateTime<Utc>>,
    pub text: String,
    pub attachments: Vec<InboundPart>,
}

/// The value of the first header with this name, unfolded and trimmed.
fn raw_header(m: &Message, name: &str) -> Option<String> {
    let raw = m.raw_message();
    m.headers()
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .map(|h| {
            let bytes = raw
                .get(h.offset_start() as usize..h.offset_end() as usize)
                .unwrap_or(&[]);
            String::from_utf8_lossy(bytes)
                .split(['\r', '\n'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
}

fn id_list(v: &mail_parser::HeaderValue) -> Vec<String> {
    v.as_text_list()
        .map(|l| l.iter().map(|s| format!("<{}>", s.trim_matches(['<', '>']))).collect())
        .unwrap_or_default()
}

/// A file name that is safe to store and offer: no path, no control characters or quotes,
/// at most 200 characters; `attachment-N` when none is left.
pub fn safe_filename(name: Option<&str>, n: usize) -> String {
    let base = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '/' | '\\'))
        .take(200)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        format!("attachment-{n}")
    } else {
        clean
    }
}

/// Reads a message; None when the bytes are not a message at all.
pub fn parse(raw: &[u8]) -> Option<Inbound> {
    let m = MessageParser::default().parse(raw)?;
    let from = m.from().and_then(|a| a.first());
    let address = from
        .and_then(|a| a.address.as_deref())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let from_name = from
        .and_then(|a| a.name.as_deref())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let report = m.root_part().content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart") && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let headers = Headers {
        message_id: m.message_id().map(|id| format!("<{}>", id.trim_matches(['<', '>']))),
        from: address,
        subject: m.subject().unwrap_or("").trim().to_string(),
        auto_submitted: raw_header(&m, "Auto-Submitted"),
        x_autoreply: raw_header(&m, "X-Autoreply").is_some() || raw_header(&m, "X-Autorespond").is_some(),
        precedence: raw_header(&m, "Precedence"),
        list_id: raw_header(&m, "List-Id").is_some(),
        list_unsubscribe: raw_header(&m, "List-Unsubscribe").is_some(),
        return_path: raw_header(&m, "Return-Path"),
        report,
        in_reply_to: id_list(m.in_reply_to()),
        references: id_list(m.references()),
    };
    let text = m.body_text(0).map(|t| t.trim().to_string()).unwrap_or_default();
    let text = crate::domain::inbound_mail::excerpt(&text.replace("\r\n", "\n"), TEXT_MAX);
    let attachments = m
        .attachments()
        .enumerate()
        .map(|(i, p)| InboundPart {
            filename: safe_filename(p.attachment_name(), i + 1),
            content_type: p
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .filter(|t| lettre::message::header::ContentType::parse(t).is_ok())
                .unwrap_or_else(|| "application/octet-stream".into())
                .to_ascii_lowercase(),
            content: p.contents().to_vec(),
        })
        .collect();
    Some(Inbound {
        headers,
        from_name,
        date: m.date().and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        text,
        attachments,
    })
}

/// A stable Message-ID for a message that has none: the hash of the mailbox, the folder's
/// UIDVALIDITY and the UID (the same message read again gets the same one).
pub fn synthetic_message_id(mailbox: &str, uidvalidity: u32, uid: u32, domain: &str) -> String {
    let digest = Sha256::digest(format!("{mailbox}\n{uidvalidity}\n{uid}").as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<intake-{hex}@{domain}.invalid>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str) -> Inbound {
        parse(s.replace('\n', "\r\n").as_bytes()).expect("a message")
    }

    #[test]
    fn a_gbk_encoded_word_subject_and_a_gbk_body_are_read() {
        // "机房断电" in GBK, base64: subject as an encoded word, body base64 in GBK.
        let (subject, body) = ("u/q3v7bPtec=", "x+u+ob/stKbA7aOsu/q3v7bPteejoQ==");
        let m = msg(&format!(
            "From: =?GBK?B?wO7OsA==?= <Li.Wei@Customer.example>\nTo: support@fieldline.example\n\
             Subject: =?GBK?B?{subject}?=\nMessage-ID: <a1@customer.example>\nMIME-Version: 1.0\n\
             Content-Type: text/plain; charset=GBK\nContent-Transfer-Encoding: base64\n\n{body}\n"
        ));
        assert_eq!(m.headers.subject, "机房断电");
        assert_eq!(m.text, "请尽快处理，机房断电！");
        assert_eq!(m.headers.from, "li.wei@customer.example");
        assert_eq!(m.from_name.as_deref(), Some("李伟"));
        assert_eq!(m.headers.message_id.as_deref(), Some("<a1@customer.example>"));
    }

    #[test]
    fn a_gb2312_quoted_printable_body_and_a_gb18030_subject_are_read() {
        let m = msg(
            "From: a@b.example\nSubject: =?GB2312?Q?=BB=FA=B7=BF?=\nMIME-Version: 1.0\n\
             Content-Type: text/plain; charset=gb18030\nContent-Transfer-Encoding: quoted-printable\n\n\
             =B6=CF=B5=E7\n",
        );
        assert_eq!(m.headers.subject, "机房");
        assert_eq!(m.text, "断电");
    }

    #[test]
    fn utf8_quoted_printable_and_an_html_only_message_become_text() {
        let m = msg(
            "From: a@b.example\nSubject: =?UTF-8?Q?UPS_=E5=91=8A=E8=AD=A6?=\nMIME-Version: 1.0\n\
             Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n\
             <html><body><p>The UPS at <b>depot</b> =E5=91=8A=E8=AD=A6.</p></body></html>\n",
        );
        assert_eq!(m.headers.subject, "UPS 告警");
        assert!(m.text.contains("The UPS at depot 告警."), "{}", m.text);
        assert!(!m.text.contains('<'), "{}", m.text);
    }

    #[test]
    fn attachments_threading_and_loop_headers_are_read() {
        let m = msg(
            "From: a@b.example\nSubject: Re: x\nIn-Reply-To: <o1@fieldline.example>\n\
             References: <o0@fieldline.example> <o1@fieldline.example>\nAuto-Submitted: auto-replied\n\
             Precedence: bulk\nList-Id: <list.example>\nReturn-Path: <>\nMIME-Version: 1.0\n\
             Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhello\n\
             --b\nContent-Type: application/pdf; name=\"../../r.pdf\"\nContent-Disposition: attachment; filename=\"../../r.pdf\"\n\
             Content-Transfer-Encoding: base64\n\nJVBERi0xLjcK\n--b--\n",
        );
        assert_eq!(m.headers.in_reply_to, ["<o1@fieldline.example>"]);
        assert_eq!(
            m.headers.references,
            ["<o0@fieldline.example>", "<o1@fieldline.example>"]
        );
        assert_eq!(m.headers.auto_submitted.as_deref(), Some("auto-replied"));
        assert_eq!(m.headers.precedence.as_deref(), Some("bulk"));
        assert!(m.headers.list_id);
        assert_eq!(m.headers.return_path.as_deref(), Some("<>"));
        assert_eq!(m.text, "hello");
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].filename, "r.pdf");
        assert_eq!(m.attachments[0].content_type, "application/pdf");
        assert_eq!(m.attachments[0].content, b"%PDF-1.7\n");
    }

    #[test]
    fn a_delivery_report_is_marked() {
        let m = msg(
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered\nMIME-Version: 1.0\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n\
             --b\nContent-Type: text/plain\n\nfailed\n--b--\n",
        );
        assert!(m.headers.report);
        assert_eq!(m.headers.message_id, None);
    }

    #[test]
    fn file_names_are_made_safe_and_synthetic_ids_stable() {
        assert_eq!(safe_filename(Some("C:\\x\\报告.pdf"), 1), "报告.pdf");
        assert_eq!(safe_filename(Some("..\"\u{7}"), 2), "attachment-2");
        assert_eq!(safe_filename(None, 3), "attachment-3");
        let a = synthetic_message_id("support", 7, 42, "fieldline.example");
        assert_eq!(a, synthetic_message_id("support", 7, 42, "fieldline.example"));
        assert_ne!(a, synthetic_message_id("support", 7, 43, "fieldline.example"));
    }
}
