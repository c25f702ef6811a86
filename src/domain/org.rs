//! Who leads whom: the rules of teams, leads, supervisors, levels and grants.
//!
//! - A team's lead is an active user (who may lead which kind of team is the policy's).
//! - A user's supervisor is another active user, and not someone who reports to them, however
//!   far down: the chain of supervisors never loops, so an alert climbing it always ends.
//! - A level is 1 (junior) to 5; swaps and reviews compare people of the same work and level.
//! - Grants are held at most once each, whatever the role.

use super::Invalid;
use fieldline_mobile_api::{StaffGrant, LEVELS};

/// Whether `level` is a level.
pub fn check_level(level: i32) -> Result<i32, Invalid> {
    if LEVELS.contains(&level) {
        Ok(level)
    } else {
        Err(Invalid::out_of_range("level", LEVELS.start(), LEVELS.end()))
    }
}

/// Whether `supervisor` may be the supervisor of `user`, given the supervisors above the
/// proposed supervisor (nearest first): not the user themself, and the user not among them.
pub fn check_supervisor(user: i64, supervisor: i64, above_supervisor: &[i64]) -> Result<(), Invalid> {
    if supervisor == user {
        return Err(Invalid::new("supervisor_id", "a user cannot be their own supervisor"));
    }
    if above_supervisor.contains(&user) {
        return Err(Invalid::new(
            "supervisor_id",
            "this user reports to the chosen supervisor's line already: the chain would loop",
        ));
    }
    Ok(())
}

/// The grants, each once, in their fixed order.
pub fn grants(given: &[StaffGrant]) -> Vec<StaffGrant> {
    StaffGrant::ALL.iter().copied().filter(|g| given.contains(g)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_run_from_one_to_five() {
        assert_eq!(check_level(1), Ok(1));
        assert_eq!(check_level(5), Ok(5));
        assert_eq!(check_level(0).unwrap_err().field, "level");
        assert_eq!(check_level(6).unwrap_err().field, "level");
    }

    #[test]
    fn the_chain_of_supervisors_never_loops() {
        assert!(check_supervisor(1, 2, &[3, 4]).is_ok());
        assert_eq!(check_supervisor(1, 1, &[]).unwrap_err().field, "supervisor_id");
        // 2 reports to 1 already (1 is above 2): 1 cannot report to 2.
        assert_eq!(check_supervisor(1, 2, &[5, 1]).unwrap_err().field, "supervisor_id");
    }

    #[test]
    fn grants_are_held_once_in_order() {
        use StaffGrant::*;
        assert_eq!(grants(&[Editor, Reviewer, Editor]), vec![Reviewer, Editor]);
        assert!(grants(&[]).is_empty());
    }
}
