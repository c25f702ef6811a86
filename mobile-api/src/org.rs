//! Who leads whom: teams with their lead, each user's team, supervisor and level, and the grants
//! held on top of a role.

use crate::ids::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// A right held on top of a role: `reviewer` reviews handled tickets for quality and decides
    /// disputes; `editor` edits the knowledge base.
    StaffGrant {
        Reviewer => "reviewer",
        Editor => "editor",
    }
);

wire_enum!(
    /// What a team is: a hotline shift (its lead is the shift lead), the remote engineers, or the
    /// technicians of a field region.
    TeamKind {
        HotlineShift => "hotline_shift",
        Remote => "remote",
        FieldRegion => "field_region",
    }
);

/// The lowest and highest level a user can have.
pub const LEVELS: std::ops::RangeInclusive<i32> = 1..=5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub kind: TeamKind,
    pub lead_id: Option<UserId>,
    /// The lead's display name.
    pub lead_name: Option<String>,
    pub active: bool,
    /// Active members (users whose team this is).
    pub members: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A team as created (`POST /teams`) or replaced whole (`PUT /teams/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 100))]
    pub name: String,
    pub kind: TeamKind,
    /// An active staff member other than a technician; null: no lead yet.
    #[serde(default)]
    pub lead_id: Option<UserId>,
    /// Left out: active.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Where a user stands in the organisation, replaced whole (`PUT /users/{id}/organisation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserOrganisation {
    /// An active team; null: none.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// An active user other than the user themself, and not one who reports to them; null: none
    /// (the SLA alerts and unanswered chases then go to every supervisor).
    #[serde(default)]
    pub supervisor_id: Option<UserId>,
    /// 1 (junior) to 5. Left out: 1.
    #[serde(default = "first_level")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub level: i32,
    /// Each grant at most once.
    #[serde(default)]
    pub grants: Vec<StaffGrant>,
}

fn first_level() -> i32 {
    1
}
