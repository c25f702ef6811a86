//! The technician's phone: positions, their visits and the job of each, the steps of a visit,
//! and the findings of an inspection visit.
//!
//! The phone works over a flaky network, so every POST carries an `Idempotency-Key`: a request
//! sent again gets the first answer back and changes nothing (the same key with a different body
//! is refused). Visit steps carry `If-Match` with the version the phone last saw.

use super::inspections::FindingOn;
use super::surveys::ClosingMail;
use super::visit_steps;
use super::Who;
use crate::db::dispatch::visits as store;
use crate::db::inspections;
use crate::db::pings::PingRequest;
use crate::db::{idempotency, tickets as ticket_store, write, DbConn, Paging};
use crate::domain::geo::Location;
use crate::domain::inspection::Finding;
use crate::domain::validate;
use crate::domain::visit::{Done, StepData};
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use base64::Engine;
use chrono::Duration;
use fieldline_mobile_api::{
    CheckInRequest, CompleteRequest, DeclineRequest, FailRequest, NewFinding, Page, PingBatch, Priority, Visit,
    VisitDetail, VisitStatus,
};

/// The most positions one request may carry.
pub const MAX_PINGS: usize = 100;
/// The largest signature image accepted.
pub const MAX_SIGNATURE_BYTES: usize = 256 * 1024;

/// A POST from the phone as it came: its `Idempotency-Key` header, the hash of the request (a
/// resend has the same), and its body with the way the API reads the body's type.
pub struct PhonePost<T> {
    pub key: Option<String>,
    pub hash: String,
    pub body: serde_json::Value,
    pub read: fn(serde_json::Value) -> AppResult<T>,
}

impl<T> PhonePost<T> {
    fn key(&self) -> AppResult<String> {
        idempotency_key(self.key.as_deref())
    }
}

/// The `Idempotency-Key` of a POST from the phone, checked: 1 to 200 characters.
pub(crate) fn idempotency_key(key: Option<&str>) -> AppResult<String> {
    let key = key.map(str::trim).unwrap_or("");
    if key.is_empty() || key.len() > 200 {
        return Err(AppError::validation(
            "Idempotency-Key",
            "every POST from the phone needs a key of 1 to 200 characters",
        ));
    }
    Ok(key.to_string())
}

/// The answer of a phone's POST: its status and JSON body (the first answer, for a resend).
pub type Answer = (u16, String);

/// Answers with the stored response of an earlier identical request, or runs `work` and stores
/// its response in the same transaction.
pub(crate) fn once<F>(c: &mut DbConn, who: &Who, key: &str, hash: &str, work: F) -> AppResult<Answer>
where
    F: FnOnce(&mut DbConn) -> AppResult<String>,
{
    let user = who.caller.id.0;
    if let Some(stored) = idempotency::lookup(c, user, key, hash)? {
        return Ok(stored);
    }
    let res = write(c, |c| idempotency::answer_once(c, user, key, hash, who.at, work));
    match res {
        // The same request, sent twice at once: the other one stored its answer first.
        Err(AppError::Duplicate { .. }) => {
            idempotency::lookup(c, user, key, hash)?.ok_or_else(|| AppError::Conflict("try again".into()))
        }
        other => other,
    }
}

/// Checks a batch of the phone's positions (1-100): each on the earth, with an accuracy of
/// 0-10,000 m, at a time not in the future and not older than seven days. The batch is then
/// written by the position writer, which keeps the request's idempotency key beside it.
pub fn ping_request(who: &Who, post: PhonePost<PingBatch>) -> AppResult<PingRequest> {
    policy::require_phone(&who.caller, Act::SendPositions)?;
    let key = post.key()?;
    let batch = (post.read)(post.body)?.pings;
    if batch.is_empty() || batch.len() > MAX_PINGS {
        return Err(AppError::validation(
            "pings",
            format!("send 1 to {MAX_PINGS} positions"),
        ));
    }
    let now = who.at;
    for (i, p) in batch.iter().enumerate() {
        Location::parse(p.latitude, p.longitude)
            .map_err(|e| AppError::validation(format!("pings[{i}].{}", e.field), e.reason))?;
        if !(0.0..=10_000.0).contains(&p.accuracy_m) {
            return Err(AppError::validation(
                format!("pings[{i}].accuracy_m"),
                "must be between 0 and 10000",
            ));
        }
        if p.at > now + Duration::minutes(5) {
            return Err(AppError::validation(
                format!("pings[{i}].at"),
                "must not be in the future",
            ));
        }
        if p.at < now - Duration::days(7) {
            return Err(AppError::validation(
                format!("pings[{i}].at"),
                "is older than seven days",
            ));
        }
    }
    Ok(PingRequest {
        user: who.caller.id.0,
        idempotency_key: key,
        request_hash: post.hash,
        pings: batch,
        now,
    })
}

/// The technician's own visits, soonest window first.
pub fn my_visits(
    c: &mut DbConn,
    who: &Who,
    status: Option<VisitStatus>,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<Visit>> {
    policy::require_phone(&who.caller, Act::ListOwnVisits)?;
    let paging = Paging::new(limit, offset)?;
    store::technician_visits(c, who.caller.id.0, status, paging)
}

/// One of the technician's visits with what the job needs: the site, and the ticket's details
/// (contact, asset, warranty) or, for an inspection, the plan's name, notes and the assets to
/// inspect.
pub fn my_visit(c: &mut DbConn, who: &Who, id: i64) -> AppResult<VisitDetail> {
    policy::require_phone(&who.caller, Act::ReadOwnVisit)?;
    let v = store::get_visit(c, id)?;
    policy::require_phone_visit(&who.caller, Act::ReadOwnVisit, id, v.technician_id)?;
    let site = match v.site_id {
        Some(s) => Some(store::site_of(c, s)?),
        None => None,
    };
    let parts = store::parts_of(c, id)?;
    let mut detail = VisitDetail {
        visit: v.to_wire()?,
        ticket_number: None,
        title: String::new(),
        description: String::new(),
        priority: crate::domain::inspection::BOARD_PRIORITY,
        site_name: site.as_ref().map(|s| s.0.clone()),
        site_address: site.as_ref().map(|s| s.1.clone()),
        site_latitude: site.as_ref().map(|s| s.2),
        site_longitude: site.as_ref().map(|s| s.3),
        contact_name: None,
        contact_phone: None,
        product_model: None,
        serial_number: None,
        warranty_end: None,
        parts,
        assets: Vec::new(),
        quotes: Vec::new(),
    };
    match (v.ticket_id, v.inspection_id) {
        (Some(ticket_id), _) => {
            let t = ticket_store::get(c, ticket_id)?;
            detail.warranty_end = super::quotes::warranty_end_of_ticket(c, ticket_id)?;
            detail.quotes = super::quotes::of_visit(c, &v)?;
            detail.priority =
                Priority::parse(&t.priority).ok_or_else(|| AppError::internal("stored priority is unknown"))?;
            detail.ticket_number = Some(t.number);
            detail.title = t.title;
            detail.description = t.description;
            detail.contact_name = t.contact_name;
            detail.contact_phone = t.contact_phone;
            detail.product_model = t.product_model;
            detail.serial_number = t.serial_number;
        }
        (None, Some(inspection)) => {
            let brief = inspections::visit_brief(c, inspection)?;
            detail.title = brief.title;
            detail.description = brief.description;
            detail.assets = brief.assets;
        }
        (None, None) => {
            return Err(AppError::internal(format!(
                "visit {id} has neither a ticket nor an inspection"
            )))
        }
    }
    Ok(detail)
}

/// A step's body, as the API read it.
pub enum StepInput {
    Accept,
    Decline(DeclineRequest),
    EnRoute,
    CheckIn(CheckInRequest),
    Complete(CompleteRequest),
    Fail(FailRequest),
}

impl StepKind {
    /// The action a step of this kind is.
    fn act(self) -> Act {
        match self {
            StepKind::Accept => Act::AcceptVisit,
            StepKind::Decline => Act::DeclineVisit,
            StepKind::EnRoute => Act::SetOff,
            StepKind::CheckIn => Act::CheckIn,
            StepKind::Complete => Act::CompleteVisit,
            StepKind::Fail => Act::FailVisit,
        }
    }
}

/// Which step the phone asks for (known from the path, before the body is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Accept,
    Decline,
    EnRoute,
    CheckIn,
    Complete,
    Fail,
}

/// A step of a visit as the phone sent it.
pub struct StepRequest {
    pub visit: i64,
    pub kind: StepKind,
    /// The version of the `If-Match` header, as the API read it.
    pub if_match: AppResult<Option<i32>>,
    pub post: PhonePost<StepInput>,
}

/// One step of the technician's visit (accept, decline, en route, check in, complete, fail),
/// once per idempotency key. A step without `If-Match` is refused (428); an older version gets
/// the current visit back (412).
pub fn step(
    c: &mut DbConn,
    who: &Who,
    r: StepRequest,
    settings: &crate::config::Settings,
    closing: ClosingMail<'_>,
) -> AppResult<Answer> {
    let act = r.kind.act();
    policy::require_phone(&who.caller, act)?;
    let key = r.post.key()?;
    let expected = r.if_match?;
    let (visit, post) = (r.visit, r.post);
    once(c, who, &key, &post.hash, |c| {
        let expected = expected.ok_or(AppError::PreconditionRequired)?;
        let data = step_data((post.read)(post.body)?)?;
        let v = visit_steps::take(c, who, act, (visit, expected), data, (settings, closing))?;
        serde_json::to_string(&v).map_err(AppError::internal)
    })
}

/// The step's values, checked.
fn step_data(input: StepInput) -> AppResult<StepData> {
    Ok(match input {
        StepInput::Accept => StepData::Accept,
        StepInput::Decline(b) => StepData::Decline {
            reason: validate::text("reason", &b.reason, 2000)?,
        },
        StepInput::EnRoute => StepData::EnRoute,
        StepInput::CheckIn(b) => StepData::CheckIn {
            at: Location::parse(b.latitude, b.longitude)?,
            reason: validate::optional(b.reason.as_deref(), |r| validate::text("reason", r, 2000))?,
        },
        StepInput::Complete(b) => completion(b)?,
        StepInput::Fail(b) => StepData::Fail {
            reason: validate::text("reason", &b.reason, 2000)?,
            needs_revisit: b.needs_revisit,
        },
    })
}

/// A completion's values, checked: time spent, quote, parts, and the signature (a PNG).
fn completion(b: CompleteRequest) -> AppResult<StepData> {
    if !(1..=1440).contains(&b.time_spent_minutes) {
        return Err(AppError::validation("time_spent_minutes", "must be between 1 and 1440"));
    }
    // `quote_amount` is the older name of `amount_charged`.
    let (charged, field) = match (b.amount_charged, b.quote_amount) {
        (Some(v), _) => (Some(v), "amount_charged"),
        (None, v) => (v, "quote_amount"),
    };
    let max = crate::domain::quote::MAX_AMOUNT;
    if charged.is_some_and(|q| !(q.is_finite() && (0.0..=max).contains(&q))) {
        return Err(AppError::validation(field, format!("must be between 0 and {max}")));
    }
    let reason = validate::optional(b.charge_difference_reason.as_deref(), |r| {
        validate::text("charge_difference_reason", r, 2000)
    })?;
    for (i, p) in b.parts.iter().enumerate() {
        validate::text(&format!("parts[{i}].part_number"), &p.part_number, 64)?;
        if !(1..=1000).contains(&p.quantity) {
            return Err(AppError::validation(
                format!("parts[{i}].quantity"),
                "must be between 1 and 1000",
            ));
        }
    }
    let png = base64::engine::general_purpose::STANDARD
        .decode(b.signature_png_base64.trim())
        .map_err(|_| AppError::validation("signature_png_base64", "is not base64"))?;
    if png.len() > MAX_SIGNATURE_BYTES {
        return Err(AppError::validation(
            "signature_png_base64",
            format!("the image is larger than {MAX_SIGNATURE_BYTES} bytes"),
        ));
    }
    if !crate::domain::visit::is_png(&png) {
        return Err(AppError::validation("signature_png_base64", "is not a PNG image"));
    }
    Ok(StepData::Complete(Done {
        work_notes: validate::text("work_notes", &b.work_notes, 10_000)?,
        parts: b.parts,
        time_spent_minutes: b.time_spent_minutes,
        amount_charged: charged.map(crate::domain::quote::cents),
        charge_difference_reason: reason,
        signoff_name: validate::text("signoff_name", &b.signoff_name, 200)?,
        signature_png: png,
        satisfied: b.satisfied,
    }))
}

/// Reports a problem found on the technician's inspection visit (on site, or once it has
/// ended): it becomes a ticket linked to the visit, once per idempotency key.
pub fn record_finding(
    c: &mut DbConn,
    who: &Who,
    visit: i64,
    post: PhonePost<NewFinding>,
    step_interval: Duration,
) -> AppResult<Answer> {
    policy::require_phone(&who.caller, Act::RecordFinding)?;
    let key = post.key()?;
    let b = (post.read)(post.body)?;
    let f = Finding::parse(&b.title, &b.description, b.priority)?;
    let on = FindingOn::Visit {
        id: visit,
        technician: who.caller.id.0,
    };
    let (actor, asset) = (who.actor(), b.asset_id.map(|a| a.0));
    once(c, who, &key, &post.hash, |c| {
        let found = super::inspections::record_finding_in_tx(c, &actor, on, f, asset, step_interval)?;
        serde_json::to_string(&found).map_err(AppError::internal)
    })
}
