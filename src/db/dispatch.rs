//! Dispatch's tables: technicians (profiles, skills, duty roster, positions), visits, what the
//! ranking of candidates reads, the board, and the visits' photos.

pub mod board;
pub mod bookings;
pub mod candidates;
pub mod photos;
pub mod positions;
pub mod technicians;
pub mod ticket_visits;
pub mod visits;

pub use visits::{get_visit, own_visit, VisitRow};
