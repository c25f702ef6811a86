//! Quotes for paid work (seed 003: "收费标准合理公正，并提前向客户说明" — the charge is fair and told to
//! the customer beforehand). Out of warranty, the technician or the office makes a quote on a
//! visit: lines of description, quantity and unit price, whose amounts (rounded to the cent) add
//! up to the quote's amount, in an ISO 4217 currency. The customer approves or declines it; a
//! visit has one quote open (proposed or approved) at a time, and a new quote takes the place of
//! a declined one. A decline that ends the visit leaves it declined by the customer, without
//! work. Pure.

use super::validate;
use super::Invalid;
use fieldline_mobile_api::{QuoteStatus, VisitStatus};

/// The most lines a quote holds.
pub const MAX_ITEMS: usize = 50;
/// The largest quantity of a line.
pub const MAX_QUANTITY: f64 = 10_000.0;
/// The largest unit price, and the largest amount of a quote.
pub const MAX_AMOUNT: f64 = 10_000_000.0;

/// A line of a quote, checked, with its amount.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub description: String,
    pub quantity: f64,
    pub unit_price: f64,
    pub amount: f64,
}

/// Rounds to the cent.
pub fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Checks a quote's lines (1 to `MAX_ITEMS`; each a description of at most 500 characters, a
/// quantity above 0 and at most `MAX_QUANTITY`, a unit price of 0 to `MAX_AMOUNT`) and adds them
/// up: each line's amount is quantity × unit price rounded to the cent, and the quote's amount,
/// their sum, is at most `MAX_AMOUNT`.
pub fn lines(items: &[(String, f64, f64)]) -> Result<(Vec<Line>, f64), Invalid> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Invalid::new("items", format!("give 1 to {MAX_ITEMS} lines")));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, (description, quantity, unit_price)) in items.iter().enumerate() {
        let description = validate::text(&format!("items[{i}].description"), description, 500)?;
        if !(quantity.is_finite() && *quantity > 0.0 && *quantity <= MAX_QUANTITY) {
            return Err(Invalid::new(
                format!("items[{i}].quantity"),
                format!("must be above 0 and at most {MAX_QUANTITY}"),
            ));
        }
        if !(unit_price.is_finite() && (0.0..=MAX_AMOUNT).contains(unit_price)) {
            return Err(Invalid::new(
                format!("items[{i}].unit_price"),
                format!("must be between 0 and {MAX_AMOUNT}"),
            ));
        }
        out.push(Line {
            description,
            quantity: *quantity,
            unit_price: *unit_price,
            amount: cents(quantity * unit_price),
        });
    }
    let amount = cents(out.iter().map(|l| l.amount).sum());
    if amount > MAX_AMOUNT {
        return Err(Invalid::new(
            "items",
            format!("the quote's amount must be at most {MAX_AMOUNT}"),
        ));
    }
    Ok((out, amount))
}

/// An ISO 4217 currency code: three letters (taken in upper case).
pub fn currency(code: &str) -> Result<String, Invalid> {
    let c = code.trim();
    if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
        return Err(Invalid::new(
            "currency",
            "must be an ISO 4217 code of three letters, e.g. CNY",
        ));
    }
    Ok(c.to_ascii_uppercase())
}

/// Why a quote cannot be made or answered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteRefused {
    /// The visit has ended (or was cancelled): nothing is quoted on it any more.
    VisitEnded(VisitStatus),
    /// The visit already has a quote proposed or approved.
    OneOpen(QuoteStatus),
    /// The quote was answered already.
    Answered(QuoteStatus),
    /// The work is under warranty: it is free, nothing to quote.
    UnderWarranty,
}

impl std::fmt::Display for QuoteRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QuoteRefused::VisitEnded(s) => write!(f, "the visit is {s}: nothing is quoted on it any more"),
            QuoteRefused::OneOpen(s) => write!(
                f,
                "the visit already has a quote that is {s}; one quote is open at a time (a declined one may be replaced)"
            ),
            QuoteRefused::Answered(s) => write!(f, "the quote was {s} already"),
            QuoteRefused::UnderWarranty => write!(f, "the asset is under warranty: the work is free and needs no quote"),
        }
    }
}

/// Whether the visit is still to be worked: quotes are made and answered only then.
pub fn visit_open(status: VisitStatus) -> bool {
    use VisitStatus::*;
    matches!(status, Scheduled | Assigned | Accepted | EnRoute | OnSite)
}

/// A new quote on a visit that is `status`, whose latest quote is `latest`: the visit is still
/// to be worked, out of warranty, and has no quote proposed or approved (a declined one is
/// replaced).
pub fn may_make(status: VisitStatus, under_warranty: bool, latest: Option<QuoteStatus>) -> Result<(), QuoteRefused> {
    if !visit_open(status) {
        return Err(QuoteRefused::VisitEnded(status));
    }
    if under_warranty {
        return Err(QuoteRefused::UnderWarranty);
    }
    match latest {
        Some(s @ (QuoteStatus::Proposed | QuoteStatus::Approved)) => Err(QuoteRefused::OneOpen(s)),
        _ => Ok(()),
    }
}

/// The customer's answer to a quote that is `quote`, on a visit that is `visit`: only a
/// proposed quote of a visit still to be worked is answered.
pub fn may_answer(visit: VisitStatus, quote: QuoteStatus) -> Result<(), QuoteRefused> {
    if !visit_open(visit) {
        return Err(QuoteRefused::VisitEnded(visit));
    }
    if quote != QuoteStatus::Proposed {
        return Err(QuoteRefused::Answered(quote));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use VisitStatus::*;

    fn item(d: &str, q: f64, p: f64) -> (String, f64, f64) {
        (d.to_string(), q, p)
    }

    #[test]
    fn lines_add_up_to_the_cent() {
        let (lines, amount) = lines(&[item("Control board", 1.0, 880.0), item("Labour, hours", 1.5, 120.333)]).unwrap();
        assert_eq!(lines[1].amount, 180.5);
        assert_eq!(amount, 1060.5);
        assert_eq!(lines[0].description, "Control board");
    }

    #[test]
    fn lines_are_bounded_and_name_their_field() {
        let field = |items: &[(String, f64, f64)]| super::lines(items).unwrap_err().field;
        assert_eq!(field(&[]), "items");
        assert_eq!(field(&vec![item("x", 1.0, 1.0); 51]), "items");
        assert_eq!(field(&[item(" ", 1.0, 1.0)]), "items[0].description");
        assert_eq!(field(&[item("x", 1.0, 1.0), item("y", 0.0, 1.0)]), "items[1].quantity");
        assert_eq!(field(&[item("x", f64::NAN, 1.0)]), "items[0].quantity");
        assert_eq!(field(&[item("x", 10_001.0, 1.0)]), "items[0].quantity");
        assert_eq!(field(&[item("x", 1.0, -0.01)]), "items[0].unit_price");
        assert_eq!(
            field(&[item("x", 10.0, MAX_AMOUNT)]),
            "items",
            "the total is bounded too"
        );
        assert!(super::lines(&[item("free check", 1.0, 0.0)]).is_ok());
    }

    #[test]
    fn a_currency_is_three_letters() {
        assert_eq!(currency("cny").unwrap(), "CNY");
        assert_eq!(currency(" EUR ").unwrap(), "EUR");
        for bad in ["", "CN", "CNYY", "C1Y", "¥¥¥"] {
            assert_eq!(currency(bad).unwrap_err().field, "currency", "{bad}");
        }
    }

    #[test]
    fn one_quote_is_open_at_a_time_and_a_declined_one_is_replaced() {
        assert_eq!(may_make(OnSite, false, None), Ok(()));
        assert_eq!(may_make(Scheduled, false, Some(QuoteStatus::Declined)), Ok(()));
        assert_eq!(
            may_make(OnSite, false, Some(QuoteStatus::Proposed)),
            Err(QuoteRefused::OneOpen(QuoteStatus::Proposed))
        );
        assert_eq!(
            may_make(OnSite, false, Some(QuoteStatus::Approved)),
            Err(QuoteRefused::OneOpen(QuoteStatus::Approved))
        );
        assert_eq!(may_make(OnSite, true, None), Err(QuoteRefused::UnderWarranty));
        for s in [Completed, Failed, NeedsRevisit, Cancelled, DeclinedByCustomer] {
            assert_eq!(may_make(s, false, None), Err(QuoteRefused::VisitEnded(s)));
        }
    }

    #[test]
    fn only_a_proposed_quote_of_an_open_visit_is_answered() {
        assert_eq!(may_answer(EnRoute, QuoteStatus::Proposed), Ok(()));
        assert_eq!(
            may_answer(OnSite, QuoteStatus::Approved),
            Err(QuoteRefused::Answered(QuoteStatus::Approved))
        );
        assert_eq!(
            may_answer(Completed, QuoteStatus::Proposed),
            Err(QuoteRefused::VisitEnded(Completed))
        );
    }
}
