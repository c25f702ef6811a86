//! The calendar invitation of a visit (iCalendar, RFC 5545), sent with the notices of a visit
//! booked, moved or cancelled, and its MIME type.
//!
//! - `METHOD:REQUEST` for a booking or a move, `METHOD:CANCEL` (with `STATUS:CANCELLED`) for a
//!   cancellation, in the calendar and in the attachment's content type (RFC 6047 §2.4);
//! - one `UID` per visit, `visit-<id>@<Message-ID domain>`, the same on every invitation of the
//!   visit, so a calendar updates or removes the entry it made;
//! - `SEQUENCE` raised on each change (`domain::notice::next_sequence`): a calendar applies an
//!   invitation only when its sequence is not older than the one it holds;
//! - `DTSTART`/`DTEND` are the window's instants in UTC (the `Z` form, RFC 5545 §3.3.5 form #2):
//!   an exact instant every calendar reads the same way and shows in its user's own zone, without
//!   a `VTIMEZONE` whose rules would have to be written out by hand; the e-mail's text gives the
//!   times in the business calendar's zone;
//! - `ORGANIZER` the service's sender address, `ATTENDEE` the contact, `SUMMARY` with the ticket
//!   number, `LOCATION` the site's name and address, `DTSTAMP` when the invitation was made.

use chrono::{DateTime, Utc};
// RFC 5545's participation role (ROLE=), not a user's role.
use icalendar::Role as Participation;
use icalendar::{Attendee, Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus, Property};

/// Whether the invitation books (or moves) the visit or cancels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// What a visit's invitation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub method: Method,
    pub visit_id: i64,
    /// The right-hand side of the UID (the Message-ID domain).
    pub id_domain: String,
    pub sequence: i32,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When the invitation is made (`DTSTAMP`).
    pub stamp: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub location: Option<String>,
    /// The service's sender: its name and address.
    pub organizer: (Option<String>, String),
    /// The contact: name and address.
    pub attendee: (Option<String>, String),
    /// The language of the texts (`en`, `zh`).
    pub language: String,
}

/// The visit's stable UID.
pub fn uid(visit_id: i64, id_domain: &str) -> String {
    format!("visit-{visit_id}@{id_domain}")
}

/// The attachment's content type: `text/calendar` with the method.
pub fn content_type(method: Method) -> String {
    format!("text/calendar; charset=utf-8; method={}", method.as_str())
}

/// The attachment's file name.
pub const FILENAME: &str = "invite.ics";

/// A text for a parameter value: no control characters or double quotes (RFC 5545 §3.2 allows
/// neither in a quoted parameter value).
fn param_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() || c == '"' { ' ' } else { c })
        .collect()
}

/// The invitation as iCalendar text (CRLF line ends, long lines folded).
pub fn render(i: &Invitation) -> String {
    let mut event = Event::new();
    event
        .uid(&uid(i.visit_id, &i.id_domain))
        .timestamp(i.stamp)
        .sequence(u32::try_from(i.sequence).unwrap_or(0))
        .starts(CalendarDateTime::Utc(i.start))
        .ends(CalendarDateTime::Utc(i.end))
        .summary(&i.summary)
        .description(&i.description);
    if let Some(l) = &i.location {
        event.location(l);
    }
    let mut organizer = Property::new("ORGANIZER", format!("mailto:{}", i.organizer.1));
    if let Some(name) = &i.organizer.0 {
        organizer.add_parameter("CN", &param_text(name));
    }
    event.append_property(organizer);
    let mut attendee = Attendee::new(format!("mailto:{}", i.attendee.1))
        .role(Participation::ReqParticipant)
        .rsvp(false);
    if let Some(name) = &i.attendee.0 {
        attendee = attendee.cn(param_text(name));
    }
    event.attendee(attendee);
    event.status(match i.method {
        Method::Request => EventStatus::Confirmed,
        Method::Cancel => EventStatus::Cancelled,
    });
    event.add_property("TRANSP", "OPAQUE");
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new(
        "PRODID",
        format!("-//Fieldline//Visits//{}", i.language.to_uppercase()),
    ));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.append_property(Property::new("METHOD", i.method.as_str()));
    cal.push(event.done());
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation(method: Method) -> Invitation {
        Invitation {
            method,
            visit_id: 42,
            id_domain: "fieldline.example".into(),
            sequence: 1,
            start: "2026-11-24T02:00:00Z".parse().unwrap(),
            end: "2026-11-24T04:00:00Z".parse().unwrap(),
            stamp: "2026-11-23T08:00:00Z".parse().unwrap(),
            summary: "On-site visit for FL-2026-000001".into(),
            description: "UPS alarm; 10:00-12:00 (Asia/Shanghai)".into(),
            location: Some("Line 1 depot, 1 Depot Rd; Hangzhou".into()),
            organizer: (Some("Fieldline \"Service\"".into()), "service@fieldline.example".into()),
            attendee: (Some("王芳".into()), "wang.fang@example.com".into()),
            language: "zh".into(),
        }
    }

    #[test]
    fn a_booking_is_a_request_with_the_visits_uid_and_utc_times() {
        let text = render(&invitation(Method::Request));
        assert!(text.lines().all(|l| l.len() <= 75), "folded at 75 octets: {text}");
        let text = text.replace("\r\n ", "");
        for line in [
            "BEGIN:VCALENDAR\r\n",
            "METHOD:REQUEST\r\n",
            "UID:visit-42@fieldline.example\r\n",
            "SEQUENCE:1\r\n",
            "DTSTART:20261124T020000Z\r\n",
            "DTEND:20261124T040000Z\r\n",
            "DTSTAMP:20261123T080000Z\r\n",
            "STATUS:CONFIRMED\r\n",
            "SUMMARY:On-site visit for FL-2026-000001\r\n",
            "LOCATION:Line 1 depot\\, 1 Depot Rd\\; Hangzhou\r\n",
        ] {
            assert!(text.contains(line), "{line:?} missing in\n{text}");
        }
        assert!(
            text.contains("ORGANIZER;CN=Fieldline  Service :mailto:service@fieldline.example"),
            "{text}"
        );
        assert!(text.contains("mailto:wang.fang@example.com"), "{text}");
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(
            content_type(Method::Request),
            "text/calendar; charset=utf-8; method=REQUEST"
        );
    }

    #[test]
    fn a_cancellation_cancels_the_same_uid() {
        let text = render(&invitation(Method::Cancel));
        assert!(text.contains("METHOD:CANCEL\r\n"), "{text}");
        assert!(text.contains("STATUS:CANCELLED\r\n"), "{text}");
        assert!(text.contains("UID:visit-42@fieldline.example\r\n"), "{text}");
        assert!(lettre::message::header::ContentType::parse(&content_type(Method::Cancel)).is_ok());
    }
}
