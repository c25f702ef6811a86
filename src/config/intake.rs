//! E-mail intake settings: the IMAP mailboxes polled, when, and the bounds on attachments.
//!
//! Mailboxes are named in `FIELDLINE_IMAP_MAILBOXES` (`support,sales`); each name's settings
//! are read from `FIELDLINE_IMAP_<NAME>_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_TLS`, `_FOLDER`,
//! `_CA_FILE` and `_OWNER` (see docs/configuration.md).

use super::{parse, var, ConfigError, Environment, Secret};
use std::path::PathBuf;
use std::time::Duration;

/// How the IMAP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapTls {
    /// TLS from the first byte (IMAPS, port 993 by default).
    Tls,
    /// No encryption (port 143 by default): tests and a server on the same host only.
    Plain,
}

/// One mailbox polled for new messages.
#[derive(Debug, Clone)]
pub struct ImapMailbox {
    /// The name it is configured under (kept on every message read from it).
    pub name: String,
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Secret,
    pub tls: ImapTls,
    /// The folder polled (`INBOX` by default).
    pub folder: String,
    /// A PEM file of the certificate authorities to trust (a private CA); the public web roots
    /// when unset.
    pub ca_file: Option<PathBuf>,
    /// The login of the staff member who owns the tickets opened from this mailbox (their first
    /// responder).
    pub owner: String,
}

#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub mailboxes: Vec<ImapMailbox>,
    /// When the mailboxes are polled (cron with seconds); empty disables it.
    pub cron: String,
    /// One attachment's size at most; a larger part is refused (noted on the message).
    pub attachment_max_bytes: usize,
    /// Attachments kept per message at most; the parts after them are refused.
    pub attachments_max: usize,
    /// Messages read per mailbox and run at most (the rest wait for the next run).
    pub batch: usize,
    /// The IMAP client's timeout for each step (connect, login, fetch, store).
    pub timeout: Duration,
}

/// The poll schedule when mailboxes are configured and no schedule is given: every two minutes.
pub const DEFAULT_CRON: &str = "0 */2 * * * *";

impl Default for IntakeSettings {
    fn default() -> Self {
        IntakeSettings {
            mailboxes: Vec::new(),
            cron: String::new(),
            attachment_max_bytes: 10 * 1024 * 1024,
            attachments_max: 10,
            batch: 100,
            timeout: Duration::from_secs(30),
        }
    }
}

fn invalid<T>(why: String) -> Result<T, ConfigError> {
    Err(ConfigError::Invalid {
        name: "FIELDLINE_IMAP_MAILBOXES",
        why,
    })
}

fn mailbox_from_env(name: &str) -> Result<ImapMailbox, ConfigError> {
    let prefix = format!("FIELDLINE_IMAP_{}_", name.to_ascii_uppercase());
    let required = |key: &str| match var(&format!("{prefix}{key}")) {
        Some(v) => Ok(v.trim().to_string()),
        None => invalid(format!("{prefix}{key} must be set for mailbox `{name}`")),
    };
    let tls = match var(&format!("{prefix}TLS"))
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("tls") => ImapTls::Tls,
        Some("plain") => ImapTls::Plain,
        Some(other) => return invalid(format!("{prefix}TLS `{other}` is neither tls nor plain")),
    };
    let port = match var(&format!("{prefix}PORT")) {
        None => match tls {
            ImapTls::Tls => 993,
            ImapTls::Plain => 143,
        },
        Some(v) => match v.trim().parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => return invalid(format!("{prefix}PORT `{v}` is not a port")),
        },
    };
    Ok(ImapMailbox {
        name: name.to_string(),
        host: required("HOST")?,
        port,
        user: required("USER")?,
        password: Secret(std::env::var(format!("{prefix}PASSWORD")).unwrap_or_default()),
        tls,
        folder: var(&format!("{prefix}FOLDER"))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "INBOX".into()),
        ca_file: var(&format!("{prefix}CA_FILE")).map(|v| PathBuf::from(v.trim())),
        owner: required("OWNER")?,
    })
}

pub(super) fn from_env(d: IntakeSettings) -> Result<IntakeSettings, ConfigError> {
    let mut mailboxes = Vec::new();
    for name in var("FIELDLINE_IMAP_MAILBOXES")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        mailboxes.push(mailbox_from_env(name)?);
    }
    let cron = match std::env::var("FIELDLINE_MAIL_INTAKE_CRON") {
        Ok(v) => v.trim().to_string(),
        Err(_) if mailboxes.is_empty() => String::new(),
        Err(_) => DEFAULT_CRON.into(),
    };
    Ok(IntakeSettings {
        mailboxes,
        cron,
        attachment_max_bytes: parse("FIELDLINE_MAIL_INTAKE_ATTACHMENT_MAX_BYTES", d.attachment_max_bytes)?,
        attachments_max: parse("FIELDLINE_MAIL_INTAKE_ATTACHMENTS_MAX", d.attachments_max)?,
        batch: parse("FIELDLINE_MAIL_INTAKE_BATCH", d.batch)?,
        timeout: Duration::from_secs(parse("FIELDLINE_IMAP_TIMEOUT_SECONDS", d.timeout.as_secs())?),
    })
}

impl IntakeSettings {
    pub(super) fn validate(&self, environment: Environment) -> Result<(), ConfigError> {
        for (i, m) in self.mailboxes.iter().enumerate() {
            let prefix = format!("FIELDLINE_IMAP_{}_", m.name.to_ascii_uppercase());
            if m.name.is_empty() || !m.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return invalid(format!("`{}`: a mailbox name is letters, digits and `_`", m.name));
            }
            if self.mailboxes[..i].iter().any(|o| o.name.eq_ignore_ascii_case(&m.name)) {
                return invalid(format!("mailbox `{}` is named twice", m.name));
            }
            if m.host.is_empty() || m.user.is_empty() || m.owner.is_empty() {
                return invalid(format!("{prefix}HOST, _USER and _OWNER must be set"));
            }
            if m.folder.is_empty() || m.folder.chars().any(char::is_control) {
                return invalid(format!("{prefix}FOLDER must be a folder name"));
            }
            if environment == Environment::Production && m.tls == ImapTls::Plain {
                return invalid(format!("{prefix}TLS: plain IMAP is refused in production"));
            }
            if let Some(ca) = &m.ca_file {
                if !ca.is_file() {
                    return invalid(format!("{prefix}CA_FILE `{}` is not a file", ca.display()));
                }
            }
        }
        let bad = |name: &'static str| {
            Err(ConfigError::Invalid {
                name,
                why: "must be at least 1".into(),
            })
        };
        if self.attachment_max_bytes == 0 {
            return bad("FIELDLINE_MAIL_INTAKE_ATTACHMENT_MAX_BYTES");
        }
        if self.batch == 0 {
            return bad("FIELDLINE_MAIL_INTAKE_BATCH");
        }
        if self.timeout.is_zero() {
            return bad("FIELDLINE_IMAP_TIMEOUT_SECONDS");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(name: &str) -> ImapMailbox {
        ImapMailbox {
            name: name.into(),
            host: "imap.example.com".into(),
            port: 993,
            user: "support".into(),
            password: Secret("pw".into()),
            tls: ImapTls::Tls,
            folder: "INBOX".into(),
            ca_file: None,
            owner: "agent".into(),
        }
    }

    #[test]
    fn mailboxes_are_checked() {
        let ok = IntakeSettings {
            mailboxes: vec![mailbox("support")],
            ..IntakeSettings::default()
        };
        assert!(ok.validate(Environment::Production).is_ok());
        let twice = IntakeSettings {
            mailboxes: vec![mailbox("support"), mailbox("SUPPORT")],
            ..IntakeSettings::default()
        };
        assert!(twice.validate(Environment::Development).is_err());
        let mut plain = mailbox("support");
        plain.tls = ImapTls::Plain;
        let plain = IntakeSettings {
            mailboxes: vec![plain],
            ..IntakeSettings::default()
        };
        assert!(plain.validate(Environment::Development).is_ok());
        assert!(
            plain.validate(Environment::Production).is_err(),
            "no plain IMAP in production"
        );
        let mut bad = mailbox("sup port");
        bad.owner = String::new();
        assert!(IntakeSettings {
            mailboxes: vec![bad],
            ..IntakeSettings::default()
        }
        .validate(Environment::Development)
        .is_err());
    }
}
