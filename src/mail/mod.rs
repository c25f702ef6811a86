//! Outgoing e-mail: the mailer the relay hands messages to (SMTP, one `.eml` file per message,
//! or memory for tests), how a stored message becomes a MIME message, recipient addresses, and
//! the templates of the notices.
//!
//! Nothing here is called from a request: a request writes an outbox row
//! (`service::outbox::enqueue`) in its own transaction, and the relay (`jobs::mail`) sends it.

pub mod ics;
pub mod imap;
pub mod inbound;
pub mod templates;

#[cfg(test)]
mod snapshot_tests;

use crate::config::{MailSettings, MailTransport, SmtpSecurity};
use crate::domain::Invalid;
use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// At most this many recipients per message.
pub const MAX_RECIPIENTS: usize = 50;

/// Checks e-mail addresses as given by a user: each must parse as an address (lettre's rules);
/// duplicates (ignoring case) are dropped. A bad one is named by its position: `field[2]`.
pub fn parse_recipients(field: &str, given: &[String]) -> Result<Vec<String>, Invalid> {
    if given.len() > MAX_RECIPIENTS {
        return Err(Invalid::new(field, format!("at most {MAX_RECIPIENTS} addresses")));
    }
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for (i, raw) in given.iter().enumerate() {
        let address = parse_address(raw).map_err(|why| Invalid::new(format!("{field}[{i}]"), why))?;
        if !out.iter().any(|a| a.eq_ignore_ascii_case(&address)) {
            out.push(address);
        }
    }
    Ok(out)
}

/// One address, trimmed and checked; the reason when it is not one.
pub fn parse_address(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err("must not be empty".into());
    }
    v.parse::<Address>()
        .map(|a| a.to_string())
        .map_err(|e| format!("`{v}` is not an e-mail address ({e})"))
}

/// A file sent with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub filename: String,
    /// A MIME type, e.g. `application/pdf` or `text/html; charset=utf-8`.
    pub content_type: String,
    pub content: Vec<u8>,
}

impl Attachment {
    /// Checks the name and the content type (a bad one names `field`).
    pub fn new(field: &str, filename: &str, content_type: &str, content: Vec<u8>) -> Result<Attachment, Invalid> {
        let name = filename.trim();
        if name.is_empty()
            || name.chars().count() > 200
            || name.chars().any(|c| c.is_control() || matches!(c, '/' | '\\' | '"'))
        {
            return Err(Invalid::new(
                format!("{field}.filename"),
                "must be 1 to 200 characters without control characters, slashes or quotes",
            ));
        }
        ContentType::parse(content_type.trim()).map_err(|e| {
            Invalid::new(
                format!("{field}.content_type"),
                format!("`{content_type}` is not a MIME type ({e})"),
            )
        })?;
        Ok(Attachment {
            filename: name.to_string(),
            content_type: content_type.trim().to_string(),
            content,
        })
    }
}

/// A message as the relay hands it to the mailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// `<uuid@domain>`, the same on every attempt.
    pub message_id: String,
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// The `Date` header.
    pub date: DateTime<Utc>,
    /// `In-Reply-To`: the Message-ID this message answers.
    pub in_reply_to: Option<String>,
    /// `References`: the conversation's Message-IDs before it, oldest first.
    pub references: Vec<String>,
}

impl Outgoing {
    /// The MIME message: text (and HTML as its alternative) and the attachments after them.
    pub fn build(&self, from: &Mailbox) -> Result<Message, String> {
        let mut builder = Message::builder()
            .from(from.clone())
            .subject(self.subject.clone())
            .message_id(Some(self.message_id.clone()))
            .date(self.date.into());
        if let Some(parent) = &self.in_reply_to {
            builder = builder.in_reply_to(parent.clone());
        }
        if !self.references.is_empty() {
            builder = builder.references(self.references.join(" "));
        }
        for to in &self.to {
            let address: Address = to.parse().map_err(|e| format!("recipient `{to}`: {e}"))?;
            builder = builder.to(Mailbox::new(None, address));
        }
        let body = match &self.html {
            Some(html) => MultiPart::alternative_plain_html(self.text.clone(), html.clone()),
            None if self.attachments.is_empty() => {
                return builder
                    .singlepart(SinglePart::plain(self.text.clone()))
                    .map_err(|e| e.to_string())
            }
            None => MultiPart::mixed().singlepart(SinglePart::plain(self.text.clone())),
        };
        let body = if self.attachments.is_empty() {
            body
        } else {
            let mut mixed = if self.html.is_some() {
                MultiPart::mixed().multipart(body)
            } else {
                body
            };
            for a in &self.attachments {
                let ct = ContentType::parse(&a.content_type)
                    .map_err(|e| format!("attachment `{}`: content type: {e}", a.filename))?;
                mixed = mixed.singlepart(MimeAttachment::new(a.filename.clone()).body(a.content.clone(), ct));
            }
            mixed
        };
        builder.multipart(body).map_err(|e| e.to_string())
    }
}

/// Why a message was not handed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The message cannot be built from what is stored: trying again would not help.
    #[error("the message cannot be built: {0}")]
    Invalid(String),
    /// The transport failed (server down, refused, timed out): try again later.
    #[error("{0}")]
    Transport(String),
}

/// A message kept by the memory mailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub message_id: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

/// Where messages go, chosen by `FIELDLINE_MAIL_TRANSPORT`.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// One `.eml` file per message, named after its Message-ID (a message sent again replaces
    /// its file).
    File { dir: PathBuf, from: Mailbox },
    /// Kept in memory (tests).
    Memory {
        sent: Arc<Mutex<Vec<Delivered>>>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { .. } => f.write_str("Mailer::Smtp"),
            Mailer::File { dir, .. } => write!(f, "Mailer::File({})", dir.display()),
            Mailer::Memory { .. } => f.write_str("Mailer::Memory"),
        }
    }
}

impl Mailer {
    /// The mailer the settings describe (they were validated).
    pub fn from_settings(m: &MailSettings) -> anyhow::Result<Mailer> {
        let from: Mailbox = m
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("FIELDLINE_MAIL_FROM `{}`: {e}", m.from))?;
        Ok(match m.transport {
            MailTransport::File => Mailer::File {
                dir: m.dir.clone(),
                from,
            },
            MailTransport::Memory => Mailer::memory(from),
            MailTransport::Smtp => {
                let host = m.smtp_host.trim();
                let builder = match m.smtp_security {
                    SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                    SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
                    SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                };
                let mut builder = builder.port(m.port()).timeout(Some(m.smtp_timeout));
                if let (Some(user), Some(password)) = (&m.smtp_username, &m.smtp_password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.0.clone()));
                }
                Mailer::Smtp {
                    transport: builder.build(),
                    from,
                }
            }
        })
    }

    /// A memory mailer (its store is shared by its clones).
    pub fn memory(from: Mailbox) -> Mailer {
        Mailer::Memory {
            sent: Arc::new(Mutex::new(Vec::new())),
            from,
        }
    }

    /// What the memory mailer holds (empty for the others).
    pub fn delivered(&self) -> Vec<Delivered> {
        match self {
            Mailer::Memory { sent, .. } => sent.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            _ => Vec::new(),
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::File { from, .. } | Mailer::Memory { from, .. } => from,
        }
    }

    /// Hands one message over.
    pub async fn send(&self, mail: &Outgoing) -> Result<(), SendError> {
        let message = mail.build(self.from()).map_err(SendError::Invalid)?;
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| SendError::Transport(e.to_string())),
            Mailer::File { dir, .. } => {
                let (dir, name, raw) = (dir.clone(), eml_name(&mail.message_id), message.formatted());
                tokio::task::spawn_blocking(move || write_eml(&dir, &name, &raw))
                    .await
                    .map_err(|e| SendError::Transport(e.to_string()))?
                    .map_err(|e| SendError::Transport(e.to_string()))
            }
            Mailer::Memory { sent, .. } => {
                sent.lock().unwrap_or_else(|e| e.into_inner()).push(Delivered {
                    message_id: mail.message_id.clone(),
                    to: mail.to.clone(),
                    raw: message.formatted(),
                });
                Ok(())
            }
        }
    }
}

/// The file name of a message: its Message-ID without the brackets, other characters than
/// letters, digits, `.`, `-`, `_` and `@` replaced.
fn eml_name(message_id: &str) -> String {
    let core: String = message_id
        .trim_matches(|c| c == '<' || c == '>')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{core}.eml")
}

/// Writes the file whole or not at all (a temporary file renamed into place).
fn write_eml(dir: &Path, name: &str, raw: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, raw)?;
    std::fs::rename(&tmp, dir.join(name))
}

/// A new Message-ID on the domain: `<uuid@domain>`.
pub fn new_message_id(domain: &str) -> String {
    format!("<{}@{domain}>", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail() -> Outgoing {
        Outgoing {
            message_id: "<7d1c9a52-1b8e-4d0f-9a3e-4c2f1e0b9a11@fieldline.example>".into(),
            to: vec!["li.wei@example.com".into(), "zhang.min@example.com".into()],
            subject: "Major fault: FL-2026-000001, Hangzhou Metro - UPS alarm".into(),
            text: "The UPS at Line 1 depot is down.".into(),
            html: Some("<p>The UPS at <b>Line 1 depot</b> is down.</p>".into()),
            attachments: vec![],
            date: "2026-11-20T08:50:00Z".parse().unwrap(),
            in_reply_to: None,
            references: vec![],
        }
    }

    fn from() -> Mailbox {
        "Fieldline <service@fieldline.example>".parse().unwrap()
    }

    /// Not text: sent base64-encoded.
    const PDF: &[u8] = b"%PDF-1.7\n\x00\xff\xfe binary";

    fn raw_text(m: &Mailer) -> String {
        String::from_utf8(m.delivered()[0].raw.clone()).unwrap()
    }

    #[test]
    fn recipients_are_checked_and_named_by_position() {
        let ok = parse_recipients(
            "to",
            &[" a@example.com ".into(), "A@example.com".into(), "b@example.org".into()],
        );
        assert_eq!(ok.unwrap(), ["a@example.com", "b@example.org"]);
        let e = parse_recipients("to", &["a@example.com".into(), "not an address".into()]).unwrap_err();
        assert_eq!(e.field, "to[1]");
        assert_eq!(parse_recipients("to", &["".into()]).unwrap_err().field, "to[0]");
        assert!(parse_recipients("to", &["a@b.c, d@e.f".into()]).is_err());
        assert!(parse_recipients("to", &["<a@b.c>".into()]).is_err());
        let many: Vec<String> = (0..=MAX_RECIPIENTS).map(|i| format!("u{i}@example.com")).collect();
        assert_eq!(parse_recipients("to", &many).unwrap_err().field, "to");
    }

    #[test]
    fn attachments_are_checked() {
        assert!(Attachment::new("a", "report.pdf", "application/pdf", vec![1]).is_ok());
        assert_eq!(
            Attachment::new("a", "../x.pdf", "application/pdf", vec![])
                .unwrap_err()
                .field,
            "a.filename"
        );
        assert_eq!(
            Attachment::new("a", "x.pdf", "no type", vec![]).unwrap_err().field,
            "a.content_type"
        );
    }

    #[tokio::test]
    async fn a_message_has_its_id_both_parts_and_every_recipient() {
        let m = Mailer::memory(from());
        m.send(&mail()).await.unwrap();
        let d = &m.delivered()[0];
        assert_eq!(d.to, ["li.wei@example.com", "zhang.min@example.com"]);
        let raw = raw_text(&m);
        assert!(
            raw.contains("Message-ID: <7d1c9a52-1b8e-4d0f-9a3e-4c2f1e0b9a11@fieldline.example>"),
            "{raw}"
        );
        assert!(raw.contains("From: Fieldline <service@fieldline.example>"), "{raw}");
        assert!(raw.contains("To: li.wei@example.com, zhang.min@example.com"), "{raw}");
        assert!(raw.contains("Date: Fri, 20 Nov 2026 08:50:00 +0000"), "{raw}");
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("Content-Type: text/plain; charset=utf-8"), "{raw}");
        assert!(raw.contains("Content-Type: text/html; charset=utf-8"), "{raw}");
        assert!(!raw.contains("multipart/mixed"), "no attachment, no mixed part");
    }

    #[tokio::test]
    async fn attachments_follow_the_text_in_a_mixed_message() {
        let m = Mailer::memory(from());
        let mut with = mail();
        with.attachments = vec![Attachment::new(
            "attachments[0]",
            "FL-2026-000001 report.pdf",
            "application/pdf",
            PDF.to_vec(),
        )
        .unwrap()];
        m.send(&with).await.unwrap();
        let raw = raw_text(&m);
        let mixed = raw.find("multipart/mixed").expect("a mixed message");
        let alternative = raw.find("multipart/alternative").expect("with the alternative inside");
        assert!(mixed < alternative, "{raw}");
        assert!(raw.contains("Content-Type: application/pdf"), "{raw}");
        assert!(
            raw.contains("Content-Disposition: attachment; filename=\"FL-2026-000001 report.pdf\""),
            "{raw}"
        );
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(PDF);
        assert!(raw.contains(&encoded), "the bytes, base64-encoded: {raw}");

        let m = Mailer::memory(from());
        let mut text_only = with.clone();
        text_only.html = None;
        m.send(&text_only).await.unwrap();
        let raw = raw_text(&m);
        assert!(
            raw.contains("multipart/mixed") && !raw.contains("multipart/alternative"),
            "{raw}"
        );
    }

    #[tokio::test]
    async fn a_plain_message_is_a_single_part() {
        let m = Mailer::memory(from());
        let mut plain = mail();
        plain.html = None;
        m.send(&plain).await.unwrap();
        let raw = raw_text(&m);
        assert!(!raw.contains("multipart"), "{raw}");
        assert!(raw.contains("The UPS at Line 1 depot is down."), "{raw}");
    }

    #[tokio::test]
    async fn a_stored_bad_address_cannot_be_built() {
        let m = Mailer::memory(from());
        let mut bad = mail();
        bad.to = vec!["nobody".into()];
        assert!(matches!(m.send(&bad).await, Err(SendError::Invalid(_))));
    }

    #[tokio::test]
    async fn the_file_mailer_writes_one_eml_per_message_id() {
        let dir = std::env::temp_dir().join(format!("fieldline-mail-{}", uuid::Uuid::new_v4()));
        let m = Mailer::File {
            dir: dir.clone(),
            from: from(),
        };
        m.send(&mail()).await.unwrap();
        m.send(&mail()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).collect();
        assert_eq!(files.len(), 1, "sent again, the same file");
        let name = files[0].file_name().to_string_lossy().into_owned();
        assert_eq!(name, "7d1c9a52-1b8e-4d0f-9a3e-4c2f1e0b9a11@fieldline.example.eml");
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(text.contains("Subject: Major fault: FL-2026-000001"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn a_reply_carries_its_thread() {
        let m = Mailer::memory(from());
        let mut reply = mail();
        reply.in_reply_to = Some("<in-2@customer.example>".into());
        reply.references = vec!["<out-1@fieldline.example>".into(), "<in-2@customer.example>".into()];
        m.send(&reply).await.unwrap();
        let raw = raw_text(&m);
        assert!(raw.contains("In-Reply-To: <in-2@customer.example>"), "{raw}");
        assert!(
            raw.contains("References: <out-1@fieldline.example> <in-2@customer.example>"),
            "{raw}"
        );
        let m = Mailer::memory(from());
        m.send(&mail()).await.unwrap();
        assert!(!raw_text(&m).contains("In-Reply-To"));
    }

    #[test]
    fn message_ids_are_unique_and_on_the_domain() {
        let a = new_message_id("fieldline.example");
        assert!(a.starts_with('<') && a.ends_with("@fieldline.example>"));
        assert_ne!(a, new_message_id("fieldline.example"));
    }
}
