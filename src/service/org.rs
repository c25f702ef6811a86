//! Who leads whom: the teams and their leads, and where each user stands (team, supervisor,
//! level, grants). Admins set them; every office role reads the teams (to name them on screens).

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::org::{self as store, Standing, TeamFields};
use crate::db::users::{self, grants_text};
use crate::db::{write, DbConn};
use crate::domain::{org as rules, validate};
use crate::error::{AppError, AppResult};
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use fieldline_mobile_api::{Team, TeamInput, User, UserOrganisation};

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Admin(act))
}

/// The supervisors looked at above a proposed supervisor to refuse a loop; a real line is short.
const CHAIN_LIMIT: usize = 64;

/// Every team, by name, with its lead's name and its active members.
pub fn teams(c: &mut DbConn, who: &Who) -> AppResult<Vec<Team>> {
    require(who, Act::ReadTeams)?;
    let rows = store::all_teams(c)?;
    let counts = store::member_counts(c)?;
    let leads: Vec<i64> = rows.iter().filter_map(|t| t.lead_id).collect();
    let names = users::display_names(c, &leads)?;
    rows.iter()
        .map(|t| {
            let lead = t.lead_id.and_then(|l| names.get(&l).cloned());
            t.to_wire(lead, counts.get(&t.id).copied().unwrap_or(0))
        })
        .collect()
}

/// Checks a team's fields: the name (unique), the lead (an active user who may lead this kind).
fn fields(c: &mut DbConn, id: Option<i64>, b: &TeamInput) -> AppResult<TeamFields> {
    let name = validate::text("name", &b.name, 100)?;
    if let Some(other) = store::team_named(c, &name)? {
        if Some(other) != id {
            return Err(AppError::duplicate("name", format!("a team is named `{name}` already")));
        }
    }
    if let Some(lead) = b.lead_id {
        let row = users::find(c, lead.0)?
            .filter(|u| u.active)
            .ok_or_else(|| AppError::validation("lead_id", "no active user has this id"))?;
        if !policy::admin::may_lead(b.kind, row.role()?) {
            let (role, kind) = (
                row.role()?.as_str().replace('_', " "),
                b.kind.as_str().replace('_', " "),
            );
            return Err(AppError::validation(
                "lead_id",
                format!("a {role} cannot lead a {kind}"),
            ));
        }
    }
    Ok(TeamFields {
        name,
        kind: b.kind.as_str().into(),
        lead_id: b.lead_id.map(|l| l.0),
        active: b.active,
    })
}

fn wire(c: &mut DbConn, row: &store::TeamRow) -> AppResult<Team> {
    let lead = match row.lead_id {
        Some(l) => users::display_names(c, &[l])?.remove(&l),
        None => None,
    };
    let members = store::member_counts(c)?.get(&row.id).copied().unwrap_or(0);
    row.to_wire(lead, members)
}

/// Creates a team, with its audit event.
pub fn create_team(c: &mut DbConn, who: &Who, b: TeamInput) -> AppResult<Team> {
    require(who, Act::ManageTeams)?;
    create_team_as(c, &who.actor(), b)
}

/// Creates a team in the name of `actor` (the data generators act as the service itself).
pub fn create_team_as(c: &mut DbConn, actor: &Actor, b: TeamInput) -> AppResult<Team> {
    write(c, |c| {
        let f = fields(c, None, &b)?;
        let row = store::insert_team(c, &f, actor.at)?;
        let team = wire(c, &row)?;
        audit::record(c, actor, "team", row.id, "create", None, snapshot(&team))?;
        Ok(team)
    })
}

/// Replaces a team's name, kind, lead and whether it is active, with its audit event.
pub fn replace_team(c: &mut DbConn, who: &Who, id: i64, b: TeamInput) -> AppResult<Team> {
    require(who, Act::ManageTeams)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_team(c, id)?;
        let before = wire(c, &before)?;
        let f = fields(c, Some(id), &b)?;
        let row = store::replace_team(c, id, &f, actor.at)?;
        let after = wire(c, &row)?;
        audit::record(c, &actor, "team", id, "update", snapshot(&before), snapshot(&after))?;
        Ok(after)
    })
}

/// Sets where a user stands: team, supervisor, level and grants, with its audit event.
pub fn set_organisation(c: &mut DbConn, who: &Who, id: i64, b: UserOrganisation) -> AppResult<User> {
    require(who, Act::SetOrganisation)?;
    set_organisation_as(c, &who.actor(), id, b)
}

/// Sets where a user stands in the name of `actor`.
pub fn set_organisation_as(c: &mut DbConn, actor: &Actor, id: i64, b: UserOrganisation) -> AppResult<User> {
    let level = rules::check_level(b.level)?;
    let grants = rules::grants(&b.grants);
    write(c, |c| {
        let before = users::get(c, id)?.to_wire()?;
        if let Some(team) = b.team_id {
            store::find_team(c, team.0)?
                .filter(|t| t.active)
                .ok_or_else(|| AppError::validation("team_id", "no active team has this id"))?;
        }
        if let Some(sup) = b.supervisor_id {
            users::find(c, sup.0)?
                .filter(|u| u.active)
                .ok_or_else(|| AppError::validation("supervisor_id", "no active user has this id"))?;
            let above = store::chain_above(c, sup.0, CHAIN_LIMIT)?;
            rules::check_supervisor(id, sup.0, &above)?;
        }
        let standing = Standing {
            team_id: b.team_id.map(|t| t.0),
            supervisor_id: b.supervisor_id.map(|s| s.0),
            level,
            grants: grants_text(&grants),
        };
        store::set_standing(c, id, &standing, actor.at)?;
        let after = users::get(c, id)?.to_wire()?;
        audit::record(
            c,
            actor,
            "user",
            id,
            "set_organisation",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(after)
    })
}
