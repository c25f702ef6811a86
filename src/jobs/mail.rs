//! The outbox relay: sends the e-mails that are due, outside any database transaction.
//!
//! Each round leases a batch of due messages (`service::outbox::claim`: the per-customer hourly bound
//! holds the excess back), sends them one by one, and records each outcome (`service::outbox`) in its own short
//! transaction: sent, or a failed attempt retried with backoff, or dead after the last attempt.
//! A lease keeps other relays (other nodes, an overlapping run) off a message while it is being
//! sent; a relay that cannot finish a message before its lease runs out gives the rest back.
//! Delivery is at least once: should the database fail right after the server took a message,
//! the message is sent again when its lease has run out, with the same Message-ID, which
//! receivers use to drop the copy.

use crate::error::AppResult;
use crate::mail::SendError;
use crate::service::outbox::{self as workflow, Attempt};
use crate::startup::blocking;
use crate::startup::AppState;
use actix_web::web;

pub const NAME: &str = "mail_relay";

/// Messages leased at a time.
const BATCH: i64 = 50;
/// Rounds per run at most (a run sends at most `BATCH * ROUNDS` messages).
const ROUNDS: usize = 20;
/// How long a relay holds the messages it leased.
const LEASE_MINUTES: i64 = 10;

/// Returns (messages looked at: sent, failed or held back; messages sent).
pub async fn run(state: &web::Data<AppState>) -> AppResult<(i64, i64)> {
    let cfg = &state.settings.mail;
    let per_hour = cfg.per_customer_per_hour;
    let max_attempts = cfg.max_attempts;
    // One message may take this long at most: several steps of the SMTP conversation.
    let budget = cfg.smtp_timeout.saturating_mul(4);
    let budget_chrono = chrono::Duration::from_std(budget).unwrap_or(chrono::Duration::minutes(2));
    let (mut examined, mut sent) = (0i64, 0i64);
    for _ in 0..ROUNDS {
        let now = state.clock.now();
        let claim = blocking(state, move |c, _| {
            workflow::claim(c, now, BATCH, per_hour, chrono::Duration::minutes(LEASE_MINUTES))
        })
        .await?;
        let looked_at = claim.claimed.len() as i64 + claim.deferred;
        examined += looked_at;
        let mut queue = claim.claimed.into_iter();
        while let Some(m) = queue.next() {
            if state.clock.now() + budget_chrono >= m.lease_until {
                // Not enough lease left to be sure no other relay takes it over mid-send.
                let mut ids = vec![m.id];
                ids.extend(queue.map(|q| q.id));
                let token = m.lease_token.clone();
                blocking(state, move |c, _| workflow::release(c, &ids, &token)).await?;
                return Ok((examined, sent));
            }
            let mut mail = m.mail;
            mail.date = state.clock.now();
            let outcome = match tokio::time::timeout(budget, state.mailer.send(&mail)).await {
                Ok(r) => r,
                Err(_) => Err(SendError::Transport(format!(
                    "the mail server did not finish within {} s",
                    budget.as_secs()
                ))),
            };
            let at = state.clock.now();
            let (id, token) = (m.id, m.lease_token);
            match outcome {
                Ok(()) => {
                    let kept = blocking(state, move |c, _| workflow::mark_sent(c, id, &token, at)).await?;
                    if kept {
                        sent += 1;
                    } else {
                        tracing::warn!(
                            outbox = id,
                            "sent after its lease ran out; another relay may send it again"
                        );
                    }
                }
                Err(e) => {
                    let hopeless = matches!(e, SendError::Invalid(_));
                    let error = e.to_string();
                    tracing::warn!(outbox = id, message_id = %mail.message_id, %error, "e-mail not sent");
                    blocking(state, move |c, _| {
                        let attempt = Attempt {
                            id,
                            lease_token: &token,
                            at,
                            error: &error,
                            max_attempts,
                            hopeless,
                        };
                        workflow::mark_failed(c, &attempt)
                    })
                    .await?;
                }
            }
        }
        if looked_at < BATCH {
            break;
        }
    }
    Ok((examined, sent))
}
