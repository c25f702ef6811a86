//! The customer portal's sign-in: a one-time link e-mailed to a contact's address, exchanged
//! once for a portal session, and the session's end.
//!
//! Asking for a link always gets the same answer, whether the address is a contact's or not,
//! so the portal tells nobody which addresses are known. A link is a signed token
//! (`auth::tokens::PortalLinkClaims`, the portal's own audience and purpose) naming the stored
//! link by its `jti`; it expires (`FIELDLINE_PORTAL_LINK_MINUTES`) and is used once. At most
//! `FIELDLINE_PORTAL_LINKS_PER_HOUR` links go to one address an hour; further requests send
//! nothing (counted in `fieldline_portal_sign_in_requests_total{outcome="limited"}`). The
//! session is a bearer token of its own purpose naming the link that opened it, so signing out
//! (or removing the contact) ends it at once.

use crate::auth::tokens::TokenKeys;
use crate::db::audit::{self, Actor};
use crate::db::customers::{self as customer_store, ContactRow};
use crate::db::outbox::OutboxMail;
use crate::db::portal::{self as store, LinkRow};
use crate::db::{sla, ts, utc, write, DbConn};
use crate::domain::language;
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use crate::policy::portal::Contact;
use crate::service::outbox;
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{ContactId, CustomerId, MailKind, PortalContact, PortalSession};

/// The most contacts one address signs in to (the same person at several customers).
const CONTACTS_PER_ADDRESS: usize = 5;

/// What sending a sign-in link needs.
#[derive(Clone, Copy)]
pub struct LinkMail<'a> {
    pub keys: &'a TokenKeys,
    /// `settings.public_url`, without a trailing slash.
    pub public_url: &'a str,
    pub link_ttl: Duration,
    pub per_hour: u32,
    /// The right-hand side of Message-IDs.
    pub id_domain: &'a str,
}

/// What became of a request for a link (the caller answers 202 whatever it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requested {
    /// Links were written to the outbox, one per contact with the address.
    Sent(usize),
    /// No contact has the address: nothing sent.
    Unknown,
    /// The address had its links for the hour: nothing sent.
    Limited,
}

impl Requested {
    /// The outcome's label in the metrics.
    pub fn label(self) -> &'static str {
        match self {
            Requested::Sent(_) => "sent",
            Requested::Unknown => "unknown",
            Requested::Limited => "limited",
        }
    }
}

/// The page a link opens, carrying its token.
fn link_address(public_url: &str, token: &str) -> String {
    format!("{public_url}/portal/#/sign-in?token={token}")
}

/// E-mails a sign-in link to every contact whose address is `email` (any case), unless the
/// address had its links for the hour. The address is checked for form only (422 `email`).
pub fn request_link(c: &mut DbConn, s: LinkMail<'_>, email: &str, now: DateTime<Utc>) -> AppResult<Requested> {
    let address = mail::parse_address(email)
        .map_err(|why| AppError::validation("email", why))?
        .to_lowercase();
    let contacts = store::contacts_by_email(c, &address)?;
    if contacts.is_empty() {
        return Ok(Requested::Unknown);
    }
    write(c, |c| {
        if store::links_since(c, &address, now - Duration::hours(1))? >= i64::from(s.per_hour) {
            return Ok(Requested::Limited);
        }
        let mut sent = 0;
        for k in contacts.iter().take(CONTACTS_PER_ADDRESS) {
            send_link(c, s, k, &address, now)?;
            sent += 1;
        }
        Ok(Requested::Sent(sent))
    })
}

/// Stores one link for the contact and writes its e-mail to the outbox, in the contact's
/// language, in the caller's transaction.
fn send_link(c: &mut DbConn, s: LinkMail<'_>, k: &ContactRow, address: &str, now: DateTime<Utc>) -> AppResult<()> {
    // The service writes it: whoever asked typed an address, and is nobody yet.
    let actor = Actor::system(now);
    let jti = uuid::Uuid::new_v4().to_string();
    let expires_at = now + s.link_ttl;
    let link = store::insert_link(c, &jti, k.id, address, (now, expires_at))?;
    audit::record(c, &actor, "portal_link", link.id, "create", None, Some(link.trail()))?;
    let token = s.keys.issue_portal_link(k.id, &jti, now, expires_at)?;
    let tz = sla::calendar(c)?.tz;
    let lang = k.language();
    let customer = customer_store::get(c, k.customer_id)?;
    let rendered = templates::portal_sign_in(
        &templates::PortalSignIn {
            contact_name: Some(k.name.clone()),
            customer_name: customer.name,
            link: link_address(s.public_url, &token),
            expires_at: language::datetime(expires_at, tz, lang),
        },
        lang,
    )
    .map_err(|e| AppError::internal(format!("portal sign-in template: {e}")))?;
    // Urgent: a sign-in link does not wait behind the customer's hourly bound.
    let m = OutboxMail::new(
        s.id_domain,
        MailKind::PortalSignIn,
        vec![address.to_string()],
        rendered.subject,
        rendered.text,
    )
    .html(rendered.html)
    .customer(k.customer_id)
    .urgent();
    outbox::enqueue(c, &actor, m)?;
    Ok(())
}

/// The stored link a verified token names; "not found" when there is none.
fn link_of(c: &mut DbConn, keys: &TokenKeys, token: &str, now: DateTime<Utc>) -> AppResult<LinkRow> {
    let claims = keys.verify_portal_link(token, now)?;
    store::link(c, &claims.registered.jti)?
        .filter(|l| l.contact_id == claims.contact)
        .ok_or_else(|| AppError::NotFound("no such sign-in link".into()))
}

/// Exchanges an unused, unexpired link for a portal session (410 `link_expired`, 409
/// `link_used`, 404 for a token that is not a link of ours).
pub fn open_session(
    c: &mut DbConn,
    keys: &TokenKeys,
    token: &str,
    session_ttl: Duration,
    now: DateTime<Utc>,
) -> AppResult<PortalSession> {
    write(c, |c| {
        let link = link_of(c, keys, token, now)?;
        if link.used_at.is_some() {
            return Err(AppError::LinkUsed(
                "the sign-in link was used already: ask for a new one".into(),
            ));
        }
        if utc(link.expires_at) <= now {
            return Err(AppError::LinkExpired(
                "the sign-in link expired: ask for a new one".into(),
            ));
        }
        let until = now + session_ttl;
        if !store::use_link(c, link.id, now, until)? {
            return Err(AppError::LinkUsed("the sign-in link was used already".into()));
        }
        let actor = Actor::contact(link.contact_id, now);
        let mut after = link.clone();
        after.used_at = Some(ts(now));
        after.session_expires_at = Some(ts(until));
        audit::record(
            c,
            &actor,
            "portal_link",
            link.id,
            "sign_in",
            Some(link.trail()),
            Some(after.trail()),
        )?;
        let access_token = keys.issue_portal_session(link.contact_id, &link.jti, now, until)?;
        let contact = contact_of(c, link.contact_id)?;
        Ok(PortalSession {
            access_token,
            token_type: "Bearer".into(),
            expires_in: session_ttl.num_seconds(),
            contact,
        })
    })
}

/// The contact as the portal shows them.
pub fn contact_of(c: &mut DbConn, id: i64) -> AppResult<PortalContact> {
    let k = customer_store::get_contact(c, id)?;
    let customer = customer_store::get(c, k.customer_id)?;
    let tz = sla::calendar(c)?.tz;
    Ok(PortalContact {
        id: ContactId(k.id),
        name: k.name.clone(),
        email: k.email.clone(),
        language: k.language(),
        customer_id: CustomerId(k.customer_id),
        customer_name: customer.name,
        time_zone: tz.name().to_string(),
    })
}

/// The contact a session's token speaks for, as they are now: the session must be open (its
/// link used, not signed out, not past its end) and the contact must still exist.
pub fn session_contact(c: &mut DbConn, contact: i64, sid: &str, now: DateTime<Utc>) -> AppResult<Contact> {
    let ended = || AppError::TokenInvalid("the portal session ended; sign in again".into());
    let link = store::link(c, sid)?.ok_or_else(ended)?;
    let open = link.contact_id == contact
        && link.used_at.is_some()
        && link.ended_at.is_none()
        && link.session_expires_at.is_some_and(|e| utc(e) > now);
    if !open {
        return Err(ended());
    }
    let k = match customer_store::get_contact(c, contact) {
        Ok(k) => k,
        Err(AppError::NotFound(_)) => return Err(ended()),
        Err(e) => return Err(e),
    };
    Ok(Contact {
        id: k.id,
        customer_id: k.customer_id,
    })
}

/// Ends the session (signing out); a session that had ended stays ended.
pub fn sign_out(c: &mut DbConn, contact: &Contact, sid: &str, now: DateTime<Utc>) -> AppResult<()> {
    write(c, |c| {
        let Some(link) = store::link(c, sid)? else {
            return Ok(());
        };
        if store::end_session(c, link.id, now)? {
            let actor = Actor::contact(contact.id, now);
            let mut after = link.clone();
            after.ended_at = Some(ts(now));
            audit::record(
                c,
                &actor,
                "portal_link",
                link.id,
                "sign_out",
                Some(link.trail()),
                Some(after.trail()),
            )?;
        }
        Ok(())
    })
}
