//! Quotes for paid work (seed 003: "收费标准合理公正，并提前向客户说明" — the charge is told to the
//! customer beforehand). Out of warranty, the technician (from the phone) or the office (agents,
//! dispatchers) makes a quote on a repair visit still to be worked; the customer's approval or
//! decline is recorded with who, when and how. Completing billable work needs the approved quote
//! (`visit_steps`). A decline that ends the visit leaves it declined by the customer without
//! work: the technician is freed, the on-site registration goes back to open, and the ticket
//! stays open at the on-site tier for its owner, who is told, to agree the next step.
//!
//! Making or answering a quote changes the visit (a new version), so the phone sees it; the
//! phone sends `If-Match` as with its other steps (the office may).

use super::phone::{idempotency_key, once, Answer, PhonePost};
use super::visit_steps::precondition_failed;
use super::visits::visit_event_with;
use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::visits::{self as visit_store, VisitRow};
use crate::db::quotes::{self as store, QuoteRow};
use crate::db::{notifications, tickets as ticket_store, warranty_terms, write, DbConn};
use crate::domain::quote::{self as rules, QuoteRefused};
use crate::domain::validate;
use crate::domain::visit as visit_rules;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use chrono::{DateTime, NaiveDate, Utc};
use fieldline_mobile_api::{
    NewQuote, OnsiteRequestStatus, Quote, QuoteAnswerVia, QuoteApproval, QuoteDecline, QuoteStatus, VisitStatus,
};
use serde_json::json;

/// The last day of the warranty of the ticket's asset: the asset's own end, or its model's terms
/// counted from its acceptance or purchase; None without an asset or a known warranty.
pub(crate) fn warranty_end_of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<NaiveDate>> {
    match ticket_store::get(c, ticket_id)?.asset_id {
        Some(asset) => Ok(visit_rules::warranty_end(warranty_terms::of_asset(c, asset)?)),
        None => Ok(None),
    }
}

/// Whether work on the ticket at `at` is under warranty, on the business calendar's date.
pub(crate) fn ticket_under_warranty(c: &mut DbConn, ticket_id: i64, at: DateTime<Utc>) -> AppResult<bool> {
    let end = warranty_end_of_ticket(c, ticket_id)?;
    let tz = crate::db::sla::calendar(c)?.tz;
    Ok(visit_rules::under_warranty(end, at, tz))
}

/// The visit's approved quote, if it has one (the latest, since one is open at a time).
pub(crate) fn approved_of_visit(c: &mut DbConn, visit: i64) -> AppResult<Option<QuoteRow>> {
    Ok(store::latest_of_visit(c, visit)?.filter(|q| q.status == QuoteStatus::Approved.as_str()))
}

fn refused(r: QuoteRefused) -> AppError {
    AppError::InvalidTransition(r.to_string())
}

fn wire(c: &mut DbConn, q: &QuoteRow, visit_version: i32) -> AppResult<Quote> {
    let items = store::items(c, q.id)?;
    q.to_wire(items, visit_version)
}

/// The visit's quotes, oldest first (whoever may read the visit).
pub fn list(c: &mut DbConn, who: &Who, visit: i64) -> AppResult<Vec<Quote>> {
    let v = visit_store::get_visit(c, visit)?;
    policy::require_on_visit(&who.caller, Act::ReadVisit, visit, v.technician_id)?;
    of_visit(c, &v)
}

/// The visit's quotes, oldest first, with its version now.
pub(crate) fn of_visit(c: &mut DbConn, v: &VisitRow) -> AppResult<Vec<Quote>> {
    let rows = store::of_visit(c, v.id)?;
    rows.iter().map(|q| wire(c, q, v.version)).collect()
}

/// Who acts on the visit, and how the version they saw is checked.
#[derive(Clone, Copy)]
enum By {
    /// The office: `MakeQuote` / `RecordQuoteAnswer`, checked before; `If-Match` optional.
    Office(Option<i32>),
    /// The technician holding the visit, from the phone; `If-Match` required.
    Phone(i32),
}

/// Reads the visit under lock and checks who acts and the version they saw.
fn visit_for(c: &mut DbConn, who: &Who, visit: i64, by: By, act: Act) -> AppResult<VisitRow> {
    crate::db::lock_visit(c, visit)?;
    let v = visit_store::get_visit(c, visit)?;
    let expected = match by {
        By::Phone(version) => {
            policy::require_phone_visit(&who.caller, act, visit, v.technician_id)?;
            Some(version)
        }
        By::Office(expected) => expected,
    };
    if expected.is_some_and(|e| e != v.version) {
        return Err(precondition_failed(&v)?);
    }
    Ok(v)
}

/// A quote's values, checked: its lines and currency.
struct Checked {
    lines: Vec<rules::Line>,
    amount: f64,
    currency: String,
}

fn check(b: &NewQuote, default_currency: &str) -> AppResult<Checked> {
    let items: Vec<(String, f64, f64)> = b
        .items
        .iter()
        .map(|i| (i.description.clone(), i.quantity, i.unit_price))
        .collect();
    let (lines, amount) = rules::lines(&items)?;
    let currency = rules::currency(b.currency.as_deref().unwrap_or(default_currency))?;
    Ok(Checked {
        lines,
        amount,
        currency,
    })
}

fn make_in_tx(c: &mut DbConn, who: &Who, (visit, by): (i64, By), q: &Checked) -> AppResult<Quote> {
    let actor = who.actor();
    let v = visit_for(c, who, visit, by, Act::QuoteOnPhone)?;
    let Some(ticket) = v.ticket_id else {
        return Err(AppError::InvalidTransition(
            "an inspection visit is not billed: nothing to quote".into(),
        ));
    };
    let status = v.status()?;
    let under_warranty = ticket_under_warranty(c, ticket, actor.at)?;
    let latest = store::latest_of_visit(c, visit)?.map(|q| q.status()).transpose()?;
    rules::may_make(status, under_warranty, latest).map_err(refused)?;
    let row = store::insert(
        c,
        &store::NewQuote {
            visit_id: visit,
            ticket_id: Some(ticket),
            currency: &q.currency,
            amount: q.amount,
            lines: &q.lines,
            made_by: who.caller.id.0,
            at: actor.at,
        },
    )?;
    if !visit_store::touch(c, &v, actor.at)? {
        return Err(precondition_failed(&visit_store::get_visit(c, visit)?)?);
    }
    let out = wire(c, &row, v.version + 1)?;
    let data = json!({"quote_id": row.id, "amount": row.amount, "currency": row.currency});
    visit_event_with(c, &v, &actor, "quote_made", (None, Some("proposed")), None, data)?;
    audit::record(c, &actor, "quote", row.id, "create", None, snapshot(&out))?;
    Ok(out)
}

/// Makes a quote on a repair visit still to be worked, out of warranty (office: agents,
/// dispatchers). `expected` is the version of `If-Match`, if sent.
pub fn make(
    c: &mut DbConn,
    who: &Who,
    (visit, expected): (i64, Option<i32>),
    b: NewQuote,
    default_currency: &str,
) -> AppResult<Quote> {
    policy::require(&who.caller, Act::MakeQuote)?;
    let q = check(&b, default_currency)?;
    write(c, |c| make_in_tx(c, who, (visit, By::Office(expected)), &q))
}

/// A quote or an answer to one, from the phone.
pub struct PhoneQuote<T> {
    pub visit: i64,
    /// The version of the `If-Match` header, as the API read it.
    pub if_match: AppResult<Option<i32>>,
    pub post: PhonePost<T>,
}

/// Makes a quote on the technician's visit from the phone, once per idempotency key; needs
/// `If-Match` (428 without, 412 when older).
pub fn make_on_phone(c: &mut DbConn, who: &Who, r: PhoneQuote<NewQuote>, default_currency: &str) -> AppResult<Answer> {
    policy::require_phone(&who.caller, Act::QuoteOnPhone)?;
    let key = idempotency_key(r.post.key.as_deref())?;
    let expected = r.if_match?;
    let post = r.post;
    once(c, who, &key, &post.hash, |c| {
        let expected = expected.ok_or(AppError::PreconditionRequired)?;
        let b = (post.read)(post.body)?;
        let q = check(&b, default_currency)?;
        let out = make_in_tx(c, who, (r.visit, By::Phone(expected)), &q)?;
        serde_json::to_string(&out).map_err(AppError::internal)
    })
}

/// The customer's answer, checked.
pub enum Reply {
    Approve(QuoteApproval),
    Decline(QuoteDecline),
}

struct CheckedReply {
    status: QuoteStatus,
    by: String,
    at: DateTime<Utc>,
    via: QuoteAnswerVia,
    reason: Option<String>,
    ends_visit: bool,
}

fn check_reply(r: Reply, now: DateTime<Utc>) -> AppResult<CheckedReply> {
    let dated = |field: &str, at| visit_rules::agreed_at(at, now).map_err(|e| Invalid::new(field, e.reason));
    Ok(match r {
        Reply::Approve(a) => CheckedReply {
            status: QuoteStatus::Approved,
            by: validate::text("approved_by", &a.approved_by, 200)?,
            at: dated("approved_at", a.approved_at)?,
            via: a.via,
            reason: None,
            ends_visit: false,
        },
        Reply::Decline(d) => CheckedReply {
            status: QuoteStatus::Declined,
            by: validate::text("declined_by", &d.declined_by, 200)?,
            at: dated("declined_at", d.declined_at)?,
            via: d.via,
            reason: Some(validate::text("reason", &d.reason, 2000)?),
            ends_visit: d.ends_visit,
        },
    })
}

fn answer_in_tx(c: &mut DbConn, who: &Who, (visit, quote, by): (i64, i64, By), r: &CheckedReply) -> AppResult<Quote> {
    let v = visit_for(c, who, visit, by, Act::RecordQuoteAnswerOnPhone)?;
    record_answer(c, &who.actor(), Some(who.caller.id.0), (&v, quote), r)
}

/// Records the answer on the visit read under lock; `recorder` is the staff member who records
/// it (None: the customer's own, in the portal).
fn record_answer(
    c: &mut DbConn,
    actor: &Actor,
    recorder: Option<i64>,
    (v, quote): (&VisitRow, i64),
    r: &CheckedReply,
) -> AppResult<Quote> {
    let (actor, visit) = (*actor, v.id);
    let before = store::get(c, quote)?;
    if before.visit_id != visit {
        return Err(AppError::not_found("quote", quote));
    }
    let status = v.status()?;
    rules::may_answer(status, before.status()?).map_err(refused)?;
    let answer = store::Answer {
        status: r.status,
        by: &r.by,
        at: r.at,
        via: r.via,
        reason: r.reason.as_deref(),
        recorded_by: recorder,
        recorded_at: actor.at,
    };
    if !store::answer(c, quote, &answer)? {
        return Err(AppError::Conflict("the quote was answered meanwhile; reload it".into()));
    }
    let ends = r.status == QuoteStatus::Declined && r.ends_visit;
    let changed = if ends {
        let why = r.reason.as_deref().unwrap_or("declined the quote");
        visit_store::end_declined(c, v, why, actor.at)?
    } else {
        visit_store::touch(c, v, actor.at)?
    };
    if !changed {
        return Err(precondition_failed(&visit_store::get_visit(c, visit)?)?);
    }
    let after = store::get(c, quote)?;
    let out = wire(c, &after, v.version + 1)?;
    let kind = match r.status {
        QuoteStatus::Approved => "quote_approved",
        _ => "quote_declined",
    };
    let data = json!({"quote_id": quote, "answered_by": r.by, "answered_at": r.at, "answered_via": r.via,
        "amount": after.amount, "currency": after.currency});
    let step = (Some(QuoteStatus::Proposed.as_str()), Some(r.status.as_str()));
    visit_event_with(c, v, &actor, kind, step, r.reason.as_deref(), data)?;
    let was = wire(c, &before, v.version)?;
    audit::record(
        c,
        &actor,
        "quote",
        quote,
        r.status.as_str(),
        snapshot(&was),
        snapshot(&out),
    )?;
    if ends {
        declined_by_customer(c, &actor, v, r)?;
    }
    Ok(out)
}

/// Records a contact's own answer through the customer portal, in the caller's transaction
/// (the portal checked that the quote is their customer's): approved, or declined with a
/// reason, which ends the visit as declined by the customer.
pub fn answer_by_contact(c: &mut DbConn, actor: &Actor, (visit, quote): (i64, i64), reply: Reply) -> AppResult<Quote> {
    let r = check_reply(reply, actor.at)?;
    crate::db::lock_visit(c, visit)?;
    let v = visit_store::get_visit(c, visit)?;
    record_answer(c, actor, None, (&v, quote), &r)
}

/// The visit ended as declined by the customer: its registration goes back to open, the
/// ticket's owner is told to agree the next step with the customer (the ticket stays open at
/// the on-site tier), and the technician, freed, is told when someone else recorded it.
fn declined_by_customer(c: &mut DbConn, actor: &Actor, v: &VisitRow, r: &CheckedReply) -> AppResult<()> {
    if let Some(request) = v.onsite_request_id {
        visit_store::set_onsite_request_status(c, request, OnsiteRequestStatus::Open, actor.at)?;
    }
    let reason = r.reason.as_deref().unwrap_or("");
    let from = v.status()?;
    let to = VisitStatus::DeclinedByCustomer;
    visit_event_with(
        c,
        v,
        actor,
        "visit_declined_by_customer",
        (Some(from.as_str()), Some(to.as_str())),
        Some(reason),
        json!({"declined_by": r.by}),
    )?;
    let after = visit_store::get_visit(c, v.id)?.to_wire()?;
    audit::record(
        c,
        actor,
        "visit",
        v.id,
        "declined_by_customer",
        snapshot(&v.to_wire()?),
        snapshot(&after),
    )?;
    if let Some(ticket_id) = v.ticket_id {
        let t = ticket_store::get(c, ticket_id)?;
        let msg = format!(
            "{} declined the quote for visit {} of ticket {} ({reason}): agree the next step with the customer",
            r.by, v.id, t.number
        );
        notifications::notify(c, &[t.owner_id], Some(ticket_id), "quote_declined", &msg, actor.at)?;
    }
    if let Some(tech) = v.technician_id.filter(|t| Some(*t) != actor.id.map(|u| u.0)) {
        let msg = format!("Visit {} ended: the customer declined the quote ({reason})", v.id);
        notifications::notify(c, &[tech], v.ticket_id, "visit_declined_by_customer", &msg, actor.at)?;
    }
    Ok(())
}

/// Records the customer's answer to a quote on the visit (office). `expected` is the version of
/// `If-Match`, if sent.
pub fn answer(
    c: &mut DbConn,
    who: &Who,
    (visit, quote, expected): (i64, i64, Option<i32>),
    reply: Reply,
) -> AppResult<Quote> {
    policy::require(&who.caller, Act::RecordQuoteAnswer)?;
    let r = check_reply(reply, who.at)?;
    write(c, |c| answer_in_tx(c, who, (visit, quote, By::Office(expected)), &r))
}

/// Records the customer's answer to a quote on the technician's visit from the phone, once per
/// idempotency key; needs `If-Match`.
pub fn answer_on_phone(c: &mut DbConn, who: &Who, quote: i64, r: PhoneQuote<Reply>) -> AppResult<Answer> {
    policy::require_phone(&who.caller, Act::RecordQuoteAnswerOnPhone)?;
    let key = idempotency_key(r.post.key.as_deref())?;
    let expected = r.if_match?;
    let post = r.post;
    once(c, who, &key, &post.hash, |c| {
        let expected = expected.ok_or(AppError::PreconditionRequired)?;
        let reply = check_reply((post.read)(post.body)?, who.at)?;
        let out = answer_in_tx(c, who, (r.visit, quote, By::Phone(expected)), &reply)?;
        serde_json::to_string(&out).map_err(AppError::internal)
    })
}
