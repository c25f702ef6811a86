//! Service reports: whose customers a caller's report covers, the report of a period, and the
//! job `report_mailing` that e-mails the weekly and monthly reports to the managers and, for
//! their customers, to the account managers.
//!
//! A mailing is recorded with its outbox row and audit event in one transaction; the record is
//! unique per (kind, period, recipient), so no second run, second node or catch-up sends a
//! report twice.

use super::Who;
use crate::db::audit::{self, Actor};
use crate::db::outbox::OutboxMail;
use crate::db::reports::{self as store, NewMailing, RecipientRow};
use crate::db::revisits::today;
use crate::db::{sla, users, write, DbConn};
use crate::domain::language::Language;
use crate::domain::report::{self as rules, Period};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use crate::policy::followup as policy;
use crate::service::outbox;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{MailKind, ReportKind, ServiceReport};
use serde_json::json;
use std::collections::HashMap;

/// Past periods of a kind the mailing job catches up at most after downtime.
pub const MAX_CATCH_UP: usize = 8;

/// Whose customers a report covers, as the policy allowed it for the caller: one account
/// manager's, or (none) every customer.
#[derive(Debug, Clone, Copy)]
pub struct Scope(Option<i64>);

/// The scope of the report a caller asked for (`asked`: one account manager's customers). Asked
/// before the request's other checks (its format), as the policy comes first.
pub fn scope(who: &Who, asked: Option<i64>) -> AppResult<Scope> {
    policy::report_scope(&who.caller, asked).map(Scope)
}

/// The report of a period (None: the last complete one of `kind`) within the scope.
pub fn report(
    c: &mut DbConn,
    scope: Scope,
    kind: ReportKind,
    period: Option<Period>,
    now: DateTime<Utc>,
) -> AppResult<ServiceReport> {
    let Scope(am) = scope;
    if let Some(a) = am {
        if !store::user_has_role(c, a, policy::REPORT_SCOPE_ROLE)? {
            return Err(AppError::validation(
                "account_manager_id",
                format!("no account manager with id {a}"),
            ));
        }
    }
    let period = match period {
        Some(p) => p,
        None => Period::previous(kind, today(c, now)?),
    };
    store::service_report(c, &period, am, now)
}

// ---------------------------------------------------------------- the mailing job

/// Someone the reports go to.
#[derive(Debug, Clone)]
struct Recipient {
    id: i64,
    name: String,
    email: String,
    /// Set for an account manager: the report covers their customers.
    account_manager: Option<i64>,
    /// The language their e-mail is written in.
    language: Language,
}

impl From<RecipientRow> for Recipient {
    fn from(r: RecipientRow) -> Recipient {
        Recipient {
            account_manager: policy::report_of_own_customers(&r.role).then_some(r.id),
            id: r.id,
            name: r.name,
            email: r.email,
            language: Language::default(),
        }
    }
}

/// What the mailing job needs from the settings.
#[derive(Debug, Clone)]
pub struct MailingSettings {
    pub id_domain: String,
}

/// For the weekly and the monthly report, every period owed (`domain::report::due_periods`: the
/// last complete one, and after downtime the ones missed since the latest sent), to every
/// recipient who has not had it: an HTML e-mail through the outbox and its mailing row, in one
/// transaction each. Returns (recipient-periods examined, reports queued).
pub fn mail_due(c: &mut DbConn, now: DateTime<Utc>, s: &MailingSettings) -> AppResult<(i64, i64)> {
    let today = sla::calendar(c)?.local_date(now);
    let mut people: Vec<Recipient> =
        store::recipients(c, policy::REPORT_RECIPIENTS_ALL, policy::REPORT_RECIPIENTS_OWN)?
            .into_iter()
            .map(Recipient::from)
            .collect();
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let languages = users::mail_languages(c, &ids)?;
    for p in &mut people {
        p.language = languages.get(&p.id).copied().unwrap_or_default();
    }
    let (mut examined, mut queued) = (0i64, 0i64);
    if people.is_empty() {
        return Ok((0, 0));
    }
    for kind in [ReportKind::Weekly, ReportKind::Monthly] {
        let last = store::last_mailed(c, kind)?;
        for period in rules::due_periods(kind, today, last, MAX_CATCH_UP) {
            let label = period.label();
            let had = store::mailed_to(c, kind, &label)?;
            let mut reports: HashMap<Option<i64>, ServiceReport> = HashMap::new();
            for r in &people {
                examined += 1;
                if had.contains(&r.id) {
                    continue;
                }
                let report = match reports.get(&r.account_manager) {
                    Some(rep) => rep.clone(),
                    None => {
                        let rep = store::service_report(c, &period, r.account_manager, now)?;
                        reports.insert(r.account_manager, rep.clone());
                        rep
                    }
                };
                match send(c, now, s, &period, r, &report) {
                    Ok(true) => queued += 1,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(
                        report = %label, recipient = r.id, error = %e,
                        "service report not queued; the next run tries again"
                    ),
                }
            }
        }
    }
    Ok((examined, queued))
}

/// Queues one report to one recipient with its mailing row; false when another run got there first.
fn send(
    c: &mut DbConn,
    now: DateTime<Utc>,
    s: &MailingSettings,
    period: &Period,
    r: &Recipient,
    report: &ServiceReport,
) -> AppResult<bool> {
    let audience = r.account_manager.map(|_| r.name.as_str());
    let rendered = templates::service_report(report, audience, r.language)
        .map_err(|e| AppError::internal(format!("service report template: {e}")))?;
    let actor = Actor::system(now);
    let label = period.label();
    let res = write(c, |c| {
        let mail = OutboxMail::new(
            &s.id_domain,
            MailKind::ServiceReport,
            vec![r.email.clone()],
            rendered.subject.clone(),
            rendered.text.clone(),
        )
        .html(rendered.html.clone());
        let outbox_id = outbox::enqueue(c, &actor, mail)?;
        let mailing = NewMailing {
            period,
            label: &label,
            recipient_id: r.id,
            account_manager_id: r.account_manager,
            outbox_id: outbox_id.0,
            at: now,
        };
        let id = store::insert_mailing(c, &mailing)?;
        let after = json!({
            "kind": period.kind, "period": label, "recipient_id": r.id,
            "account_manager_id": r.account_manager, "outbox_id": outbox_id.0,
        });
        audit::record(c, &actor, "report_mailing", id, "create", None, Some(after))?;
        Ok::<_, AppError>(())
    });
    match res {
        Ok(()) => Ok(true),
        Err(AppError::Duplicate { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}
