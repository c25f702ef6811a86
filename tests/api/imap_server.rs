//! A real IMAP server for the e-mail intake tests: Debian's Dovecot, run as the test's own
//! instance (its own configuration, temporary folders, a free port on 127.0.0.1, a passwd-file
//! user and a Maildir owned by `dovecot`), plain or TLS with a certificate the test makes. Tests
//! put messages in with IMAP APPEND and look at their flags afterwards.

use fieldline::config::{ImapMailbox, ImapTls};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const USER: &str = "support";
pub const PASSWORD: &str = "imap-secret";

pub struct Dovecot {
    pub dir: PathBuf,
    pub port: u16,
    config: PathBuf,
    /// The CA file a TLS client trusts (TLS servers only).
    pub ca_file: Option<PathBuf>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .unwrap()
        .port()
}

/// Whether Dovecot is installed (the tests skip with a message when not).
pub fn available() -> bool {
    Command::new("dovecot")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A CA and a server certificate for `127.0.0.1`/`localhost` signed by it: (ca.pem, cert.pem, key.pem).
fn certificates() -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Fieldline test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    (ca.pem(), cert.pem(), key.serialize_pem())
}

impl Dovecot {
    /// Starts a server; `tls` makes it IMAPS-only with a certificate of a CA of its own.
    pub fn start(tls: bool) -> Dovecot {
        let dir = std::env::temp_dir().join(format!("fieldline-imap-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(dir.join("mail")).unwrap();
        let port = free_port();
        std::fs::write(dir.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let mut ssl = "ssl = no\n".to_string();
        let mut ca_file = None;
        let listener = if tls {
            let (ca, cert, key) = certificates();
            std::fs::write(dir.join("ca.pem"), ca).unwrap();
            std::fs::write(dir.join("cert.pem"), cert).unwrap();
            std::fs::write(dir.join("key.pem"), key).unwrap();
            ca_file = Some(dir.join("ca.pem"));
            ssl = format!(
                "ssl = required\nssl_cert = <{d}/cert.pem\nssl_key = <{d}/key.pem\n",
                d = dir.display()
            );
            format!("inet_listener imap {{\n port = 0\n }}\n inet_listener imaps {{\n address = 127.0.0.1\n port = {port}\n ssl = yes\n }}")
        } else {
            format!("inet_listener imap {{\n address = 127.0.0.1\n port = {port}\n }}\n inet_listener imaps {{\n port = 0\n }}")
        };
        let d = dir.display();
        let config = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\n\
             log_path = {d}/dovecot.log\ninfo_log_path = {d}/dovecot.log\n{ssl}\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             default_internal_user = dovecot\ndefault_login_user = dovenull\nfirst_valid_uid = 1\n\
             mail_location = maildir:{d}/mail/%u\n\
             passdb {{\n driver = passwd-file\n args = scheme=PLAIN {d}/passwd\n}}\n\
             userdb {{\n driver = static\n args = uid=dovecot gid=dovecot home={d}/mail/%u\n}}\n\
             service imap-login {{\n {listener}\n}}\n"
        );
        let path = dir.join("dovecot.conf");
        std::fs::write(&path, config).unwrap();
        let chown = Command::new("chown")
            .args(["-R", "dovecot:dovecot"])
            .arg(dir.join("mail"))
            .status()
            .expect("chown");
        assert!(chown.success());
        let status = Command::new("dovecot")
            .arg("-c")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("dovecot starts");
        assert!(
            status.success(),
            "dovecot did not start; see {}",
            dir.join("dovecot.log").display()
        );
        let server = Dovecot {
            dir,
            port,
            config: path,
            ca_file,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "dovecot does not listen on {port}; see its log in {}",
            server.dir.display()
        );
    }

    /// The mailbox setting a Fieldline node polls this server with.
    pub fn mailbox(&self, owner: &str) -> ImapMailbox {
        ImapMailbox {
            name: "support".into(),
            host: if self.ca_file.is_some() {
                "localhost"
            } else {
                "127.0.0.1"
            }
            .into(),
            port: self.port,
            user: USER.into(),
            password: fieldline::config::Secret(PASSWORD.into()),
            tls: if self.ca_file.is_some() {
                ImapTls::Tls
            } else {
                ImapTls::Plain
            },
            folder: "INBOX".into(),
            ca_file: self.ca_file.clone(),
            owner: owner.into(),
        }
    }

    async fn session(&self) -> async_imap::Session<Box<dyn fieldline::mail::imap::Stream>> {
        use tokio_rustls::rustls;
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.unwrap();
        let stream: Box<dyn fieldline::mail::imap::Stream> = match &self.ca_file {
            None => Box::new(tcp),
            Some(ca) => {
                use rustls_pki_types::pem::PemObject;
                let mut roots = rustls::RootCertStore::empty();
                for cert in rustls_pki_types::CertificateDer::pem_file_iter(ca).unwrap() {
                    roots.add(cert.unwrap()).unwrap();
                }
                let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_root_certificates(roots)
                    .with_no_client_auth();
                let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
                let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
                Box::new(connector.connect(name, tcp).await.unwrap())
            }
        };
        let mut client = async_imap::Client::new(stream);
        client.read_response().await.unwrap().expect("a greeting");
        let mut s = client.login(USER, PASSWORD).await.map_err(|(e, _)| e).unwrap();
        s.select("INBOX").await.unwrap();
        s
    }

    /// Puts a message in the inbox, received by the server at `internaldate`
    /// (`"05-Dec-2026 09:30:00 +0800"`), unseen.
    pub async fn append(&self, raw: &str, internaldate: &str) {
        let mut s = self.session().await;
        let raw = raw.replace("\r\n", "\n").replace('\n', "\r\n");
        s.append("INBOX", None, Some(&format!("\"{internaldate}\"")), raw.as_bytes())
            .await
            .unwrap();
        s.logout().await.unwrap();
    }

    /// The UIDs of the unseen messages.
    pub async fn unseen(&self) -> Vec<u32> {
        let mut s = self.session().await;
        let mut v: Vec<u32> = s.uid_search("UNSEEN").await.unwrap().into_iter().collect();
        v.sort_unstable();
        s.logout().await.unwrap();
        v
    }

    /// Marks every message unseen again (as if the service stopped between storing and flagging).
    pub async fn mark_all_unseen(&self) {
        use futures::StreamExt;
        let mut s = self.session().await;
        {
            let mut st = s.uid_store("1:*", "-FLAGS.SILENT (\\Seen)").await.unwrap();
            while let Some(r) = st.next().await {
                r.unwrap();
            }
        }
        s.logout().await.unwrap();
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(&self.config)
            .arg("stop")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
