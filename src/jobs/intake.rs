//! E-mail intake as a job: each configured mailbox's unseen messages are fetched, stored by the
//! service in one transaction each, and only then flagged `\Seen` on the server. A message whose
//! storing fails stays unseen and is read again at the next run; one stored but not flagged
//! (the service stopped in between) is recognised by its Message-ID and only flagged.

use crate::config::ImapMailbox;
use crate::error::{AppError, AppResult};
use crate::mail::imap::{Folder, ImapError};
use crate::service::mail_intake::{self as intake, Fetched, Stored};
use crate::startup::{blocking, AppState};
use actix_web::web;

pub const NAME: &str = "mail_intake";

/// Returns (messages read, messages that opened, joined or queued something new).
pub async fn run(state: &web::Data<AppState>) -> AppResult<(i64, i64)> {
    let (mut examined, mut actions) = (0i64, 0i64);
    let mut failed: Vec<String> = Vec::new();
    for m in &state.settings.intake.mailboxes {
        match poll(state, m).await {
            Ok((e, a)) => {
                examined += e;
                actions += a;
            }
            Err(e) => {
                tracing::warn!(mailbox = %m.name, error = %e.why, "mailbox not read");
                failed.push(m.name.clone());
            }
        }
    }
    if !failed.is_empty() {
        return Err(AppError::MailboxUnreachable(failed));
    }
    Ok((examined, actions))
}

async fn poll(state: &web::Data<AppState>, m: &ImapMailbox) -> Result<(i64, i64), ImapError> {
    let cfg = &state.settings.intake;
    let mut folder = Folder::open(m, cfg.timeout).await?;
    let uids = folder.unseen(cfg.batch).await?;
    let (mut examined, mut actions) = (0i64, 0i64);
    for uid in uids {
        let Some(f) = folder.fetch(uid, state.clock.now()).await? else {
            continue;
        };
        examined += 1;
        let fetched = Fetched {
            mailbox: m.name.clone(),
            owner: m.owner.clone(),
            uidvalidity: folder.uidvalidity,
            uid,
            received_at: f.internal_date,
            raw: f.raw,
        };
        let stored = blocking(state, move |c, st| {
            intake::receive(c, &st.settings, &fetched, st.clock.now())
        })
        .await;
        match stored {
            Ok(s) => {
                if s != Stored::Duplicate {
                    actions += 1;
                }
                folder.mark_seen(uid).await?;
            }
            Err(e) => tracing::warn!(mailbox = %m.name, uid, error = %e, "message not stored; read again next run"),
        }
    }
    folder.close().await;
    Ok((examined, actions))
}
