//! The adapter to `vrp-pragmatic`.

use super::{Budget, Problem, Solution, SolveError};

/// Solves the problem within the budget.
pub fn solve(_problem: &Problem, _budget: &Budget) -> Result<Solution, SolveError> {
    Err(SolveError("the solver is not wired yet".into()))
}
