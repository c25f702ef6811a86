//! Going live from spreadsheets: a CSV file of customers, contacts, sites, assets or technicians
//! is written row by row through the same create operations the API offers (their checks, their
//! audit events), all in one transaction. A dry run, or a file with any problem, is rolled back:
//! an import writes every row or none, and reports every row's problems by line and column.

use super::{customers, sites, technicians, users, Who};
use crate::db::{imports as store, users as user_store, write, DbConn};
use crate::domain::import::{self, Record, Table};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use fieldline_mobile_api::{
    CustomerId, ErrorCode, ImportKind, ImportProblem, ImportReport, NewCustomer, NewSite, SiteId, UserId,
};

/// Why the import's transaction ends without a commit: a dry run or a row's problem (with the
/// rows that were valid), or a failure of the service itself.
enum Stop {
    RolledBack(u32, Vec<ImportProblem>),
    Failed(AppError),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Failed(e.into())
    }
}

/// Reads `bytes` as a file of `kind` and writes its rows (unless `dry_run`), or reports why not.
/// A problem of the whole file (its encoding, its header, too many rows) is a validation error;
/// the rows' problems are the report's.
pub fn run(c: &mut DbConn, who: &Who, kind: ImportKind, bytes: &[u8], dry_run: bool) -> AppResult<ImportReport> {
    policy::require(&who.caller, Action::Admin(Act::ImportData))?;
    let table = import::read(bytes, kind)?;
    let rows = table.rows.len() as u32;
    let report = |valid_rows, written, problems| ImportReport {
        kind,
        dry_run,
        encoding: table.encoding.into(),
        rows,
        valid_rows,
        written,
        problems,
    };
    let outcome = write(c, |c| {
        let (valid, problems) = write_rows(c, who, kind, &table)?;
        if dry_run || !problems.is_empty() {
            return Err(Stop::RolledBack(valid, problems));
        }
        Ok(valid)
    });
    match outcome {
        Ok(valid) => Ok(report(valid, true, Vec::new())),
        Err(Stop::RolledBack(valid, problems)) => Ok(report(valid, false, problems)),
        Err(Stop::Failed(e)) => Err(e),
    }
}

/// Writes each row in a savepoint of its own; the rows written and every row's problems.
fn write_rows(c: &mut DbConn, who: &Who, kind: ImportKind, table: &Table) -> Result<(u32, Vec<ImportProblem>), Stop> {
    let mut valid = 0;
    let mut problems = Vec::new();
    for row in &table.rows {
        let record = match &row.cells {
            Ok(cells) => import::parse(kind, &table.columns, cells),
            Err(e) => Err(vec![e.clone()]),
        };
        let errors = match record {
            Ok(record) => match write(c, |c| create(c, who, record)) {
                Ok(()) => Vec::new(),
                Err(e) if e.code() == ErrorCode::Internal => return Err(Stop::Failed(e)),
                Err(e) => vec![e],
            },
            Err(invalid) => invalid.into_iter().map(AppError::from).collect(),
        };
        if errors.is_empty() {
            valid += 1;
        }
        problems.extend(errors.into_iter().map(|e| {
            let problem = e.problem();
            let column = problem.field.as_deref().and_then(|f| import::column_of(kind, f));
            ImportProblem {
                line: row.line,
                column: column.map(str::to_owned),
                problem,
            }
        }));
    }
    Ok((valid, problems))
}

/// Writes one row through the create operation of its kind, after finding what it names.
fn create(c: &mut DbConn, who: &Who, record: Record) -> AppResult<()> {
    match record {
        Record::Customer {
            name,
            tier,
            account_manager,
        } => {
            if !store::customers_named(c, &name)?.is_empty() {
                return Err(AppError::duplicate("name", format!("a customer named `{name}` exists")));
            }
            let account_manager_id = match account_manager {
                Some(username) => Some(UserId(
                    user_store::by_username(c, &username)?
                        .ok_or_else(|| named("account_manager", "no user", &username))?
                        .id,
                )),
                None => None,
            };
            customers::create(
                c,
                who,
                NewCustomer {
                    name,
                    tier,
                    account_manager_id,
                },
            )?;
        }
        Record::Contact { customer, contact } => {
            let customer = customer_named(c, &customer)?;
            if !store::contacts_named(c, customer, &contact.name)?.is_empty() {
                return Err(AppError::duplicate("name", "the customer has a contact of this name"));
            }
            customers::add_contact(c, who, customer, contact)?;
        }
        Record::Site {
            customer,
            name,
            address,
            latitude,
            longitude,
        } => {
            let customer_id = customer_named(c, &customer)?;
            if !store::sites_named(c, customer_id, &name)?.is_empty() {
                return Err(AppError::duplicate("name", "the customer has a site of this name"));
            }
            let site = NewSite {
                customer_id: CustomerId(customer_id),
                name,
                address,
                latitude,
                longitude,
            };
            sites::create(c, who, site)?;
        }
        Record::Asset {
            customer,
            site,
            mut asset,
        } => {
            let customer = customer_named(c, &customer)?;
            asset.site_id = SiteId(one("site", "site", &site, store::sites_named(c, customer, &site)?)?);
            sites::create_asset(c, who, asset)?;
        }
        Record::Technician { user, profile } => {
            let user = users::create(c, who, user.with_role(policy::dispatch::TECHNICIAN))?;
            technicians::put_profile(c, who, user.id.0, profile)?;
        }
    }
    Ok(())
}

fn customer_named(c: &mut DbConn, name: &str) -> AppResult<i64> {
    one("customer", "customer", name, store::customers_named(c, name)?)
}

/// The one id a name found, or why not: none, or several.
fn one(column: &str, what: &str, name: &str, ids: Vec<i64>) -> AppResult<i64> {
    match ids[..] {
        [id] => Ok(id),
        [] => Err(named(column, &format!("no {what}"), name).into()),
        _ => Err(Invalid::new(column, format!("names more than one {what}: `{name}`")).into()),
    }
}

fn named(column: &str, what: &str, name: &str) -> Invalid {
    Invalid::new(column, format!("{what} named `{name}`")).because(
        fieldline_mobile_api::ProblemReason::NotFound,
        serde_json::json!({ "name": name }),
    )
}

/// The template of a kind's file: its header and an example row.
pub fn template(who: &Who, kind: ImportKind) -> AppResult<String> {
    policy::require(&who.caller, Action::Admin(Act::ImportData))?;
    Ok(import::template(kind))
}

/// A kind as the address names it.
pub fn kind(name: &str) -> AppResult<ImportKind> {
    ImportKind::parse(name).ok_or_else(|| {
        let allowed: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
        Invalid::new("kind", format!("must be one of {}", allowed.join(", ")))
            .because(
                fieldline_mobile_api::ProblemReason::UnknownValue,
                serde_json::json!({ "allowed": allowed }),
            )
            .into()
    })
}
