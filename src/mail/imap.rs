//! The IMAP side of e-mail intake: a session on a configured mailbox (TLS by rustls, trusting
//! the public web roots or a private CA file), the unseen messages with their arrival time on
//! the server (INTERNALDATE), and the `\Seen` flag set once a message is safely stored.
//!
//! `async-imap` speaks the protocol on tokio; `tokio-rustls` (rustls with ring, as the SMTP
//! client already uses) protects the connection.

use crate::config::{ImapMailbox, ImapTls};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::rustls;

/// A connection, plain or TLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

type Session = async_imap::Session<Box<dyn Stream>>;

/// Why a mailbox could not be read.
#[derive(Debug, thiserror::Error)]
#[error("mailbox `{mailbox}`: {why}")]
pub struct ImapError {
    pub mailbox: String,
    pub why: String,
}

/// A message fetched from the server.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub uid: u32,
    /// When the server received it (INTERNALDATE); the fetch time when the server gave none.
    pub internal_date: DateTime<Utc>,
    pub raw: Vec<u8>,
}

/// An open session on a mailbox's folder.
pub struct Folder {
    session: Session,
    mailbox: String,
    pub uidvalidity: u32,
    timeout: Duration,
}

fn tls_config(m: &ImapMailbox) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    match &m.ca_file {
        Some(path) => {
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| format!("CA file {}: {e}", path.display()))? {
                let cert = cert.map_err(|e| format!("CA file {}: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("CA file {}: {e}", path.display()))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

async fn within<T, E: std::fmt::Display>(
    timeout: Duration,
    step: &str,
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(format!("{step}: {e}")),
        Err(_) => Err(format!("{step}: no answer within {} s", timeout.as_secs())),
    }
}

impl Folder {
    /// Connects, logs in and selects the mailbox's folder.
    pub async fn open(m: &ImapMailbox, timeout: Duration) -> Result<Folder, ImapError> {
        let err = |why: String| ImapError {
            mailbox: m.name.clone(),
            why,
        };
        let tcp = within(timeout, "connect", TcpStream::connect((m.host.as_str(), m.port)))
            .await
            .map_err(err)?;
        let stream: Box<dyn Stream> = match m.tls {
            ImapTls::Plain => Box::new(tcp),
            ImapTls::Tls => {
                let config = tls_config(m).map_err(err)?;
                let name = ServerName::try_from(m.host.clone()).map_err(|e| err(format!("host: {e}")))?;
                let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
                Box::new(
                    within(timeout, "TLS", connector.connect(name, tcp))
                        .await
                        .map_err(err)?,
                )
            }
        };
        let mut client = async_imap::Client::new(stream);
        let greeting = within(timeout, "greeting", client.read_response()).await.map_err(err)?;
        if greeting.is_none() {
            return Err(err("the server closed the connection".into()));
        }
        let login = client.login(&m.user, &m.password.0);
        let mut session = match tokio::time::timeout(timeout, login).await {
            Ok(Ok(s)) => s,
            Ok(Err((e, _))) => return Err(err(format!("login: {e}"))),
            Err(_) => return Err(err("login: no answer".into())),
        };
        let selected = within(timeout, "select", session.select(&m.folder))
            .await
            .map_err(err)?;
        Ok(Folder {
            session,
            mailbox: m.name.clone(),
            uidvalidity: selected.uid_validity.unwrap_or(0),
            timeout,
        })
    }

    fn err(&self, why: String) -> ImapError {
        ImapError {
            mailbox: self.mailbox.clone(),
            why,
        }
    }

    /// The UIDs of the messages not yet seen, lowest first, at most `limit`.
    pub async fn unseen(&mut self, limit: usize) -> Result<Vec<u32>, ImapError> {
        let found = within(self.timeout, "search", self.session.uid_search("UNSEEN"))
            .await
            .map_err(|e| self.err(e))?;
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable();
        uids.truncate(limit);
        Ok(uids)
    }

    /// One message with its INTERNALDATE, without setting `\Seen` (BODY.PEEK); None when it is
    /// gone (expunged meanwhile).
    pub async fn fetch(&mut self, uid: u32, now: DateTime<Utc>) -> Result<Option<Fetched>, ImapError> {
        let timeout = self.timeout;
        let fetched = tokio::time::timeout(timeout, async {
            let mut stream = self
                .session
                .uid_fetch(uid.to_string(), "(UID INTERNALDATE BODY.PEEK[])")
                .await?;
            let mut out = None;
            while let Some(f) = stream.next().await {
                let f = f?;
                if f.uid == Some(uid) {
                    if let Some(body) = f.body() {
                        out = Some(Fetched {
                            uid,
                            internal_date: f.internal_date().map(|d| d.with_timezone(&Utc)).unwrap_or(now),
                            raw: body.to_vec(),
                        });
                    }
                }
            }
            Ok::<_, async_imap::error::Error>(out)
        })
        .await;
        match fetched {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.err(format!("fetch {uid}: {e}"))),
            Err(_) => Err(self.err(format!("fetch {uid}: no answer"))),
        }
    }

    /// Marks a message `\Seen`: done, it is not read again.
    pub async fn mark_seen(&mut self, uid: u32) -> Result<(), ImapError> {
        let timeout = self.timeout;
        let done = tokio::time::timeout(timeout, async {
            let mut stream = self
                .session
                .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")
                .await?;
            while let Some(r) = stream.next().await {
                r?;
            }
            Ok::<_, async_imap::error::Error>(())
        })
        .await;
        match done {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(self.err(format!("store {uid}: {e}"))),
            Err(_) => Err(self.err(format!("store {uid}: no answer"))),
        }
    }

    /// Logs out (errors are of no consequence then).
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.session.logout()).await;
    }
}
