//! Who may do what: the one place where roles are named.
//!
//! Every action of the product is an [`Action`]. [`grant`] says, for a role and an action, whether
//! the role may take it always, never, or only on objects it is tied to (the ticket it owns, the
//! report it wrote, the customer it manages, ...). The services ask [`check`] with the facts of
//! the object in hand; the lists ask the scope functions of each area for the rows a caller may
//! see. The role sets are defined here once; no other module matches on a role (CI checks it).
//!
//! The matrix of every role × action is written out in `docs/permissions.md`, generated from
//! [`matrix_markdown`] (a test keeps the file in step), and a test compares every cell with a table
//! written by hand.
//!
//! To add an action: a variant in the area's `Act`, its line in the area's `grant`, its row in the
//! hand-written table of the tests, then regenerate the docs. To add a role or an attribute of the
//! caller (a customer contact's customer, a team lead's team): a field of [`Caller`] and the
//! [`Tie`] that reads it.

pub mod admin;
pub mod complaints;
pub mod customers;
pub mod desk;
pub mod dispatch;
pub mod fault_reports;
pub mod followup;
pub mod handover;
pub mod knowledge;
pub mod portal;
pub mod quality;
pub mod supervision;
pub mod tickets;

use crate::error::AppError;
use fieldline_mobile_api::{Role, StaffGrant, UserId};

/// Who asks: a signed-in user, their role and the grants they hold on top of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub id: UserId,
    pub role: Role,
    pub grants: Grants,
}

/// A set of [`StaffGrant`]s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Grants(u8);

impl Grants {
    pub fn of(grants: &[StaffGrant]) -> Grants {
        Grants(grants.iter().fold(0, |bits, g| bits | Grants::bit(*g)))
    }

    fn bit(g: StaffGrant) -> u8 {
        1 << StaffGrant::ALL.iter().position(|x| *x == g).unwrap_or(0)
    }

    pub fn has(self, g: StaffGrant) -> bool {
        self.0 & Grants::bit(g) != 0
    }
}

impl Caller {
    /// A caller holding no grant.
    pub fn new(id: UserId, role: Role) -> Caller {
        Caller {
            id,
            role,
            grants: Grants::default(),
        }
    }

    pub fn with_grants(self, grants: Grants) -> Caller {
        Caller { grants, ..self }
    }

    /// Whether the caller holds the grant.
    pub fn holds(&self, g: StaffGrant) -> bool {
        self.grants.has(g)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the caller is a technician (who sees only what their own work needs).
    pub fn is_technician(&self) -> bool {
        self.role == Role::Technician
    }
}

/// Every role, in the order the matrix shows them.
pub const ALL_ROLES: &[Role] = &[
    Role::Admin,
    Role::Agent,
    Role::RemoteEngineer,
    Role::Dispatcher,
    Role::Technician,
    Role::Supervisor,
    Role::AccountManager,
    Role::Manager,
];

/// The staff who read customer records (everyone but technicians, who see what their visits need).
pub const OFFICE: &[Role] = &[
    Role::Agent,
    Role::RemoteEngineer,
    Role::Dispatcher,
    Role::Supervisor,
    Role::AccountManager,
    Role::Manager,
];

/// What a role may do with an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Never.
    No,
    /// Only on an object the caller is tied to in this way.
    Tied(Tie),
    /// Always.
    Yes,
    /// Only when the caller holds this grant (a reviewer, an editor).
    With(StaffGrant),
}

/// How a caller can be tied to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tie {
    /// The object's owner (a ticket's first responder).
    Owner,
    /// The owner or the assignee.
    OwnerOrAssignee,
    /// The owner, the assignee, or the technician holding an open visit on it (a ticket's
    /// on-site visit: assigned, accepted, en route or on site).
    OwnerAssigneeOrVisit,
    /// The one the object is assigned to (a revisit's agent, a visit's technician).
    Assignee,
    /// The author (a fault report's writer).
    Author,
    /// The account manager of the object's customer.
    AccountManager,
    /// A lead of the object's holder: the holder is a member of a team the caller leads or
    /// reports to the caller directly (`org::led_by`).
    Lead,
    /// A shift lead (the lead of an active hotline shift team) standing in the place the object
    /// asks for (rostered on the shift, or any shift lead), as looked up for the caller.
    ShiftLead,
}

impl Tie {
    pub fn describe(self) -> &'static str {
        match self {
            Tie::Owner => "own",
            Tie::OwnerOrAssignee => "own or assigned",
            Tie::OwnerAssigneeOrVisit => "own, assigned, or on their visit",
            Tie::Assignee => "assigned",
            Tie::Author => "written by them",
            Tie::AccountManager => "their customers'",
            Tie::Lead => "of people they lead",
            Tie::ShiftLead => "as a shift lead",
        }
    }
}

/// The facts of an object that ties are read from; what an object does not have stays `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub owner: Option<i64>,
    pub assignee: Option<i64>,
    pub author: Option<i64>,
    pub account_manager: Option<i64>,
    /// The technician holding an open visit on the object, as looked up for the caller (None
    /// when the caller holds none).
    pub visit_holder: Option<i64>,
    /// Whether the caller leads the object's holder, as looked up for the caller (`org::led_by`).
    pub led: bool,
    /// Whether the caller is a shift lead in the place the object asks for (`db::roster`).
    pub shift_lead: bool,
}

impl Facts {
    /// Whether `user` is tied to the object in the way `tie` names.
    pub fn ties(&self, user: UserId, tie: Tie) -> bool {
        let me = Some(user.0);
        match tie {
            Tie::Owner => self.owner == me,
            Tie::OwnerOrAssignee => self.owner == me || self.assignee == me,
            Tie::OwnerAssigneeOrVisit => self.owner == me || self.assignee == me || self.visit_holder == me,
            Tie::Assignee => self.assignee == me,
            Tie::Author => self.author == me,
            Tie::AccountManager => self.account_manager == me,
            Tie::Lead => self.led,
            Tie::ShiftLead => self.shift_lead,
        }
    }
}

/// Every action of the product, by area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Admin(admin::Act),
    Customers(customers::Act),
    Tickets(tickets::Act),
    Dispatch(dispatch::Act),
    FaultReports(fault_reports::Act),
    Followup(followup::Act),
    Complaints(complaints::Act),
    Supervision(supervision::Act),
    Quality(quality::Act),
    Knowledge(knowledge::Act),
    Desk(desk::Act),
    Handover(handover::Act),
}

impl Action {
    /// Every action, in the order the matrix shows them.
    pub fn all() -> Vec<Action> {
        let mut all = Vec::new();
        all.extend(admin::Act::ALL.iter().map(|a| Action::Admin(*a)));
        all.extend(customers::Act::ALL.iter().map(|a| Action::Customers(*a)));
        all.extend(tickets::Act::ALL.iter().map(|a| Action::Tickets(*a)));
        all.extend(dispatch::Act::ALL.iter().map(|a| Action::Dispatch(*a)));
        all.extend(fault_reports::Act::ALL.iter().map(|a| Action::FaultReports(*a)));
        all.extend(followup::Act::ALL.iter().map(|a| Action::Followup(*a)));
        all.extend(complaints::Act::ALL.iter().map(|a| Action::Complaints(*a)));
        all.extend(supervision::Act::ALL.iter().map(|a| Action::Supervision(*a)));
        all.extend(quality::Act::ALL.iter().map(|a| Action::Quality(*a)));
        all.extend(knowledge::Act::ALL.iter().map(|a| Action::Knowledge(*a)));
        all.extend(desk::Act::ALL.iter().map(|a| Action::Desk(*a)));
        all.extend(handover::Act::ALL.iter().map(|a| Action::Handover(*a)));
        all
    }

    /// What the action is, in a few words (the matrix's row heading).
    pub fn describe(self) -> &'static str {
        match self {
            Action::Admin(a) => a.describe(),
            Action::Customers(a) => a.describe(),
            Action::Tickets(a) => a.describe(),
            Action::Dispatch(a) => a.describe(),
            Action::FaultReports(a) => a.describe(),
            Action::Followup(a) => a.describe(),
            Action::Complaints(a) => a.describe(),
            Action::Supervision(a) => a.describe(),
            Action::Quality(a) => a.describe(),
            Action::Knowledge(a) => a.describe(),
            Action::Desk(a) => a.describe(),
            Action::Handover(a) => a.describe(),
        }
    }

    /// The area heading of the matrix.
    pub fn area(self) -> &'static str {
        match self {
            Action::Admin(_) => admin::AREA,
            Action::Customers(_) => customers::AREA,
            Action::Tickets(_) => tickets::AREA,
            Action::Dispatch(_) => dispatch::AREA,
            Action::FaultReports(_) => fault_reports::AREA,
            Action::Followup(_) => followup::AREA,
            Action::Complaints(_) => complaints::AREA,
            Action::Supervision(_) => supervision::AREA,
            Action::Quality(_) => quality::AREA,
            Action::Knowledge(_) => knowledge::AREA,
            Action::Desk(_) => desk::AREA,
            Action::Handover(_) => handover::AREA,
        }
    }
}

/// What `role` may do with `action`. An admin may do everything an area does not say otherwise.
pub fn grant(role: Role, action: Action) -> Grant {
    match action {
        Action::Admin(a) => admin::grant(role, a),
        Action::Customers(a) => customers::grant(role, a),
        Action::Tickets(a) => tickets::grant(role, a),
        Action::Dispatch(a) => dispatch::grant(role, a),
        Action::FaultReports(a) => fault_reports::grant(role, a),
        Action::Followup(a) => followup::grant(role, a),
        Action::Complaints(a) => complaints::grant(role, a),
        Action::Supervision(a) => supervision::grant(role, a),
        Action::Quality(a) => quality::grant(role, a),
        Action::Knowledge(a) => knowledge::grant(role, a),
        Action::Desk(a) => desk::grant(role, a),
        Action::Handover(a) => handover::grant(role, a),
    }
}

/// Grants `Yes` to the listed roles and to the admin, `No` to the others.
pub fn roles(role: Role, allowed: &[Role]) -> Grant {
    if role == Role::Admin || allowed.contains(&role) {
        Grant::Yes
    } else {
        Grant::No
    }
}

/// The refusal every role check gives when the role may not take the action at all.
pub fn forbidden(role: Role) -> AppError {
    AppError::Forbidden(format!("the {role} role may not do this"))
}

/// Checks an action that is not about one object (a list, a create): the role must have `Yes`,
/// or the caller must hold the grant the action asks for.
pub fn require(caller: &Caller, action: Action) -> Result<(), AppError> {
    match grant(caller.role, action) {
        Grant::Yes => Ok(()),
        Grant::With(g) if caller.holds(g) => Ok(()),
        Grant::With(g) => Err(AppError::Forbidden(format!(
            "only a holder of the {g} grant may do this"
        ))),
        Grant::No | Grant::Tied(_) => Err(forbidden(caller.role)),
    }
}

/// Whether the caller may take the action on an object with these facts.
pub fn allows(caller: &Caller, action: Action, facts: &Facts) -> bool {
    match grant(caller.role, action) {
        Grant::Yes => true,
        Grant::No => false,
        Grant::With(g) => caller.holds(g),
        Grant::Tied(tie) => facts.ties(caller.id, tie),
    }
}

/// One cell of the matrix.
fn cell(g: Grant) -> String {
    match g {
        Grant::Yes => "yes".into(),
        Grant::No => "".into(),
        Grant::Tied(t) => t.describe().into(),
        Grant::With(g) => format!("{g} grant"),
    }
}

/// The matrix of every role × action as Markdown (`docs/permissions.md`).
pub fn matrix_markdown() -> String {
    let mut out = String::from(
        "# Permissions\n\n\
         Who may do what, generated from the authorization policy (`src/policy/`); do not edit by hand \
         (`FIELDLINE_WRITE_PERMISSIONS=1 cargo test --lib policy::` writes it again).\n\n\
         A cell says `yes` (always), nothing (never), or on which objects only: `own` (the ticket the \
         user owns), `own or assigned`, `own, assigned, or on their visit` (also the ticket of an open visit \
         the technician holds: to read, not to change), `assigned` (the visit or revisit given to the \
         user), `written by \
         them` (a fault report's author), `their customers'` (an account manager's own customers), \
         `of people they lead` (work held by members of the teams the user leads or by their direct \
         reports), `as a shift lead` (when the user leads an active hotline shift team and stands \
         where the action asks: rostered on the shift, or any shift lead), \
         `reviewer grant` or `editor grant` (any role, only when the user holds that grant).\n",
    );
    let mut area = "";
    for action in Action::all() {
        if action.area() != area {
            area = action.area();
            out.push_str(&format!("\n## {area}\n\n| action |"));
            for r in ALL_ROLES {
                out.push_str(&format!(" {r} |"));
            }
            out.push_str("\n|---|");
            for _ in ALL_ROLES {
                out.push_str("---|");
            }
            out.push('\n');
        }
        out.push_str(&format!("| {} |", action.describe()));
        for r in ALL_ROLES {
            out.push_str(&format!(" {} |", cell(grant(*r, action))));
        }
        out.push('\n');
    }
    out
}

/// Compares the policy with a table written by hand: each row an action and one cell per role of
/// [`ALL_ROLES`] (admin, agent, remote engineer, dispatcher, technician, supervisor, account
/// manager, manager), each `Y` (yes), `-` (no), `own` (owner), `own+` (owner or assignee),
/// `asg` (assignee), `auth` (author) or `am` (account manager); and checks that the table names
/// every action of `all` once.
#[cfg(test)]
pub(crate) fn assert_table(all: &[Action], table: &[(Action, &str)]) {
    for a in all {
        let rows = table.iter().filter(|(b, _)| b == a).count();
        assert_eq!(rows, 1, "{a:?} has {rows} rows in the hand-written table");
    }
    for (action, cells) in table {
        let cells: Vec<&str> = cells.split_whitespace().collect();
        assert_eq!(cells.len(), ALL_ROLES.len(), "{action:?}: one cell per role");
        for (role, c) in ALL_ROLES.iter().zip(cells) {
            let want = match c {
                "Y" => Grant::Yes,
                "-" => Grant::No,
                "own" => Grant::Tied(Tie::Owner),
                "own+" => Grant::Tied(Tie::OwnerOrAssignee),
                "own+v" => Grant::Tied(Tie::OwnerAssigneeOrVisit),
                "asg" => Grant::Tied(Tie::Assignee),
                "auth" => Grant::Tied(Tie::Author),
                "am" => Grant::Tied(Tie::AccountManager),
                "lead" => Grant::Tied(Tie::Lead),
                "shl" => Grant::Tied(Tie::ShiftLead),
                "rev" => Grant::With(StaffGrant::Reviewer),
                "ed" => Grant::With(StaffGrant::Editor),
                other => panic!("{action:?}: unknown cell {other}"),
            };
            assert_eq!(grant(*role, *action), want, "{action:?} for {role}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_read_the_facts() {
        let me = UserId(7);
        let facts = Facts {
            owner: Some(7),
            assignee: Some(8),
            author: None,
            account_manager: Some(9),
            visit_holder: Some(10),
            led: false,
            shift_lead: false,
        };
        assert!(facts.ties(me, Tie::Owner));
        assert!(facts.ties(me, Tie::OwnerOrAssignee));
        assert!(!facts.ties(me, Tie::Assignee));
        assert!(!facts.ties(me, Tie::Author));
        assert!(!facts.ties(me, Tie::AccountManager));
        assert!(facts.ties(UserId(8), Tie::OwnerOrAssignee));
        assert!(!facts.ties(UserId(10), Tie::OwnerOrAssignee));
        assert!(facts.ties(UserId(10), Tie::OwnerAssigneeOrVisit));
        assert!(facts.ties(UserId(8), Tie::OwnerAssigneeOrVisit));
        assert!(!facts.ties(UserId(11), Tie::OwnerAssigneeOrVisit));
    }

    #[test]
    fn every_action_has_a_distinct_description_in_its_area() {
        let all = Action::all();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    a.area() != b.area() || a.describe() != b.describe(),
                    "{a:?} and {b:?} read the same"
                );
            }
        }
    }

    /// The committed `docs/permissions.md` is the policy's matrix.
    #[test]
    fn the_permissions_document_is_the_policys_matrix() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/permissions.md");
        let made = matrix_markdown();
        if std::env::var("FIELDLINE_WRITE_PERMISSIONS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &made).expect("write docs/permissions.md");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == made,
            "docs/permissions.md is not the policy's matrix: run FIELDLINE_WRITE_PERMISSIONS=1 cargo test --lib policy::"
        );
    }
}
