//! Every notice as it is sent: each template rendered with fixed inputs, its text and HTML parts
//! (and the fault report's attached document) compared with the snapshots in `snapshots/`.
//!
//! After changing a template on purpose, rewrite the snapshots with
//! `INSTA_UPDATE=always cargo test --lib mail::snapshot_tests` and read their diff before
//! committing (or accept them one by one with `cargo insta review`). With `CI` set (and in
//! `.ci/run`), a difference or a missing snapshot fails the test and nothing is written.

use super::templates::*;
use fieldline_mobile_api::{
    LadderTier, ReportAgent, ReportClock, ReportEscalations, ReportGroup, ReportKind, ReportMajorFault,
    ReportMajorFaults, ReportRevisits, ReportSatisfaction, ReportSla, ReportTechnician, ReportTickets, ServiceReport,
    TicketId, UserId,
};

/// Compares one part with its snapshot, `snapshots/{name}.snap`.
fn snapshot(name: &str, rendered: &str) {
    insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, rendered);
    });
}

fn snapshot_both(name: &str, r: &Rendered) {
    snapshot(&format!("{name}.txt"), &r.text);
    snapshot(&format!("{name}.html"), &r.html);
}

// ---------------------------------------------------------------- major fault notices

fn major_fault_notice() -> MajorFaultNotice {
    MajorFaultNotice {
        event: MajorFaultEvent::Opened,
        ticket_number: "FL-2026-000318".into(),
        ticket_title: "UPS 2 on battery, bypass active".into(),
        customer_name: "Hangzhou Metro Operations & Maintenance".into(),
        site: Some("Line 1 depot, 88 Qiutao Rd, Hangzhou".into()),
        location: "Substation B, UPS room (ground floor)".into(),
        occurred_at: "2026-11-20 16:05 (Asia/Shanghai)".into(),
        ended_at: None,
        duration: "45 min".into(),
        reported_by: "Wang Fang".into(),
        reason: Some("Signalling for the whole of line 1 runs on this UPS".into()),
        symptoms: "UPS 2 reports \"rectifier fault\" and has run on battery since 16:05.\n\
                   Battery autonomy shown: 38 min. Bypass is active."
            .into(),
        handling_plan: "1. Li Wei on site by 17:00 with a spare rectifier module.\n\
                        2. Mobile generator from the Xiaoshan depot on standby."
            .into(),
        note: None,
        end_summary: None,
        sender: "Zhang Min".into(),
    }
}

#[test]
fn major_fault_opened() {
    let r = major_fault(&major_fault_notice()).unwrap();
    assert_eq!(
        r.subject,
        "Major fault: FL-2026-000318, Hangzhou Metro Operations & Maintenance - UPS 2 on battery, bypass active"
    );
    snapshot_both("major_fault_opened", &r);
}

#[test]
fn major_fault_updated() {
    let n = MajorFaultNotice {
        event: MajorFaultEvent::Updated(2),
        duration: "1 h 25 min".into(),
        handling_plan: "Li Wei replaces the rectifier module; the generator stays connected until \
                        the UPS has run on mains for an hour."
            .into(),
        note: Some("Generator connected at 17:20; the UPS is off battery.".into()),
        ..major_fault_notice()
    };
    let r = major_fault(&n).unwrap();
    assert_eq!(
        r.subject,
        "Major fault update 2: FL-2026-000318, Hangzhou Metro Operations & Maintenance - UPS 2 on battery, bypass active"
    );
    snapshot_both("major_fault_updated", &r);
}

#[test]
fn major_fault_ended() {
    let n = MajorFaultNotice {
        event: MajorFaultEvent::Ended,
        ended_at: Some("2026-11-20 19:35 (Asia/Shanghai)".into()),
        duration: "3 h 30 min".into(),
        end_summary: Some(
            "Rectifier module replaced; UPS 2 back on mains since 18:40, generator disconnected at 19:35.".into(),
        ),
        ..major_fault_notice()
    };
    let r = major_fault(&n).unwrap();
    assert_eq!(
        r.subject,
        "Major fault ended: FL-2026-000318, Hangzhou Metro Operations & Maintenance - UPS 2 on battery, bypass active"
    );
    snapshot_both("major_fault_ended", &r);
}

// ---------------------------------------------------------------- fault analysis reports

fn fault_report_view() -> FaultReportView {
    let action = |description: &str, owner: &str, due_date: &str| ActionLine {
        description: description.into(),
        owner: owner.into(),
        due_date: due_date.into(),
    };
    let line = |at: &str, text: &str| TimelineLine {
        at: at.into(),
        text: text.into(),
    };
    FaultReportView {
        ticket_number: "FL-2026-000318".into(),
        ticket_title: "UPS 2 on battery, bypass active".into(),
        customer_name: "Hangzhou Metro Operations & Maintenance".into(),
        site: Some("Line 1 depot, 88 Qiutao Rd, Hangzhou".into()),
        major_fault: Some(MajorFaultLine {
            location: "Substation B, UPS room (ground floor)".into(),
            occurred_at: "2026-11-20 16:05 (Asia/Shanghai)".into(),
            ended_at: Some("2026-11-20 19:35 (Asia/Shanghai)".into()),
        }),
        revision: 1,
        author: "Li Wei".into(),
        reviewer: Some("Zhang Min".into()),
        approved_at: Some("2026-11-24 10:00 (Asia/Shanghai)".into()),
        issued_at: Some("2026-11-24 11:15 (Asia/Shanghai)".into()),
        impact_description: "Signalling on line 1 ran on UPS battery for 75 minutes, then on the mobile \
                             generator. No train service was lost."
            .into(),
        customers_affected: 1,
        sites_affected: 1,
        assets_affected: 2,
        downtime: "3 h 30 min".into(),
        timeline: vec![
            line("2026-11-20 16:05", "UPS 2 alarm: rectifier fault, on battery"),
            line("2026-11-20 16:12", "Declared a major fault; Li Wei dispatched"),
            line("2026-11-20 17:20", "Mobile generator connected"),
            line("2026-11-20 18:40", "Rectifier module replaced; UPS 2 on mains"),
            line("2026-11-20 19:35", "Generator disconnected; fault ended"),
        ],
        time_zone: "Asia/Shanghai".into(),
        root_cause: "A DC-link capacitor in rectifier module 3 had aged beyond its rated life \
                     (installed 2017) and failed short."
            .into(),
        corrective: vec![action(
            "Replace rectifier module 3 of UPS 2",
            "Eaton service",
            "2026-11-21",
        )],
        preventive: vec![
            action(
                "Measure the capacitors of every UPS on line 1 each quarter",
                "Li Wei",
                "2026-12-31",
            ),
            action(
                "Replace the rectifier modules installed before 2018",
                "Eaton service",
                "2027-03-31",
            ),
        ],
        recipients: vec![
            "Xu Li <xu.li@hzmetro.example>".into(),
            "Chen Jing <chen.jing@hzmetro.example>".into(),
        ],
        sender: "Zhang Min".into(),
    }
}

fn snapshot_report(name: &str, r: &RenderedReport) {
    snapshot(&format!("{name}.txt"), &r.text);
    snapshot(&format!("{name}.html"), &r.html);
    snapshot(&format!("{name}_document.html"), &r.document);
}

#[test]
fn fault_report_first_issue() {
    let r = fault_report(&fault_report_view()).unwrap();
    assert_eq!(
        r.subject,
        "Fault analysis report: FL-2026-000318, Hangzhou Metro Operations & Maintenance - UPS 2 on battery, bypass active"
    );
    assert_eq!(r.filename, "FL-2026-000318-fault-report-r1.html");
    snapshot_report("fault_report", &r);
}

/// A revision of a report on a ticket without a site or a major fault.
#[test]
fn fault_report_revision() {
    let v = FaultReportView {
        ticket_number: "FL-2026-000342".into(),
        ticket_title: "Chiller 1 tripped on high pressure".into(),
        customer_name: "Ningbo Port Logistics".into(),
        site: None,
        major_fault: None,
        revision: 2,
        author: "Zhou Yang".into(),
        reviewer: Some("Zhang Min".into()),
        approved_at: Some("2026-11-27 09:10 (Asia/Shanghai)".into()),
        issued_at: Some("2026-11-27 09:30 (Asia/Shanghai)".into()),
        impact_description: "Cold store 2 rose from -18 °C to -12 °C before the standby chiller took over.".into(),
        customers_affected: 1,
        sites_affected: 1,
        assets_affected: 1,
        downtime: "50 min".into(),
        timeline: vec![
            TimelineLine {
                at: "2026-11-25 02:10".into(),
                text: "Chiller 1 tripped: high pressure".into(),
            },
            TimelineLine {
                at: "2026-11-25 03:00".into(),
                text: "Standby chiller running".into(),
            },
        ],
        root_cause: "Condenser fans 2 and 3 stopped: their contactor's coil burnt out.".into(),
        corrective: vec![ActionLine {
            description: "Replace the fan contactor".into(),
            owner: "Zhou Yang".into(),
            due_date: "2026-11-26".into(),
        }],
        preventive: vec![ActionLine {
            description: "Add the condenser fans' contactors to the half-yearly inspection".into(),
            owner: "Ningbo Port Logistics facilities".into(),
            due_date: "2027-01-15".into(),
        }],
        recipients: vec!["Sun Hui <sun.hui@nbport.example>".into()],
        sender: "Zhou Yang".into(),
        ..fault_report_view()
    };
    let r = fault_report(&v).unwrap();
    assert_eq!(
        r.subject,
        "Fault analysis report (revision 2): FL-2026-000342, Ningbo Port Logistics - Chiller 1 tripped on high pressure"
    );
    assert_eq!(r.filename, "FL-2026-000342-fault-report-r2.html");
    snapshot_report("fault_report_revision", &r);
}

// ---------------------------------------------------------------- the survey after closing

fn closing_notice() -> ClosingNotice {
    ClosingNotice {
        ticket_number: "FL-2026-000355".into(),
        ticket_title: "Card reader at gate 4 rejects valid cards".into(),
        contact_name: Some("Chen Jing".into()),
        closed_at: "2026-11-26 14:20 (Asia/Shanghai)".into(),
        link: "https://service.fieldline.example/survey/eyJhbGciOiJFZERTQSJ9.eyJ0aWNrZXQiOjM1NX0.c2lnbmF0dXJl".into(),
        expires_at: "2026-12-10 14:20 (Asia/Shanghai)".into(),
    }
}

#[test]
fn ticket_closed_to_a_named_contact() {
    let r = ticket_closed(&closing_notice()).unwrap();
    assert_eq!(r.subject, "Your request FL-2026-000355 is closed - how did we do?");
    snapshot_both("ticket_closed", &r);
}

#[test]
fn ticket_closed_without_a_contact_name() {
    let r = ticket_closed(&ClosingNotice {
        contact_name: None,
        ..closing_notice()
    })
    .unwrap();
    assert_eq!(r.subject, "Your request FL-2026-000355 is closed - how did we do?");
    snapshot_both("ticket_closed_no_contact", &r);
}

// ---------------------------------------------------------------- the reminder of an unanswered resolution

#[test]
fn acceptance_reminder_to_a_named_contact() {
    let r = acceptance_reminder(&AcceptanceReminder {
        ticket_number: "FL-2026-000355".into(),
        ticket_title: "Card reader at gate 4 rejects valid cards".into(),
        contact_name: Some("Chen Jing".into()),
        owner_name: "Wang Fang".into(),
        resolved_at: "2026-11-23 11:00 (Asia/Shanghai)".into(),
        closes_on: "2026-12-02 (Asia/Shanghai)".into(),
    })
    .unwrap();
    assert_eq!(
        r.subject,
        "Your request FL-2026-000355 was resolved - is the result right for you?"
    );
    snapshot_both("acceptance_reminder", &r);
}

// ---------------------------------------------------------------- service report mailings

fn clock(counted: i64, met: i64, still_open: i64, median: Option<f64>, p90: Option<f64>) -> ReportClock {
    ReportClock {
        counted,
        met,
        missed: counted - met,
        still_open,
        met_pct: (counted > 0).then(|| (met as f64 * 1000.0 / counted as f64).round() / 10.0),
        median_minutes: median,
        p90_minutes: p90,
    }
}

fn group(key: &str, label: &str, received: i64, closed: i64) -> ReportGroup {
    ReportGroup {
        key: key.into(),
        label: label.into(),
        received,
        closed,
    }
}

/// October 2026 for one account manager's customers, every section filled.
fn monthly_report() -> ServiceReport {
    ServiceReport {
        kind: ReportKind::Monthly,
        period: "2026-10".into(),
        from: "2026-10-01".parse().unwrap(),
        to: "2026-10-31".parse().unwrap(),
        time_zone: "Asia/Shanghai".into(),
        account_manager_id: Some(UserId(5)),
        generated_at: "2026-11-01T01:00:00Z".parse().unwrap(),
        tickets: ReportTickets {
            received: 42,
            closed: 38,
            closed_without_answer: 0,
            cancelled: 0,
            first_contact_resolved: 17,
            first_contact_rate_pct: Some(44.7),
        },
        by_channel: vec![
            group("phone", "phone", 25, 23),
            group("email", "email", 9, 8),
            group("inspection", "inspection", 8, 7),
        ],
        by_kind: vec![group("fault", "fault", 36, 33), group("complaint", "complaint", 6, 5)],
        by_customer_tier: vec![group("standard", "standard", 12, 11), group("gold", "gold", 30, 27)],
        by_region: vec![
            group("1", "Hangzhou", 35, 32),
            group("2", "Ningbo", 6, 5),
            group("none", "none", 1, 1),
        ],
        sla: ReportSla {
            response: clock(42, 40, 0, Some(12.0), Some(31.5)),
            departure: clock(14, 14, 0, Some(35.0), Some(80.0)),
            arrival: clock(14, 12, 1, Some(96.0), Some(181.0)),
            resolution: clock(38, 35, 2, Some(1260.0), Some(2890.0)),
            callback: clock(6, 6, 0, None, None),
            breaches: 7,
            breached_tickets: 5,
        },
        escalations: vec![
            ReportEscalations {
                tier: LadderTier::Remote,
                count: 11,
                skipped_tier: 0,
                automatic: 4,
            },
            ReportEscalations {
                tier: LadderTier::Onsite,
                count: 14,
                skipped_tier: 3,
                automatic: 0,
            },
        ],
        major_faults: ReportMajorFaults {
            declared: 1,
            ended: 1,
            open_at_end: 0,
            faults: vec![ReportMajorFault {
                ticket_id: TicketId(318),
                ticket_number: "FL-2026-000318".into(),
                customer_name: "Hangzhou Metro Operations & Maintenance".into(),
                location: "Substation B, UPS room (ground floor)".into(),
                occurred_at: "2026-10-20T08:05:00Z".parse().unwrap(),
                ended_at: Some("2026-10-20T11:35:00Z".parse().unwrap()),
            }],
        },
        revisits: ReportRevisits {
            done: 20,
            reached: 18,
            tickets_opened: 1,
        },
        quotes: Default::default(),
        satisfaction: vec![
            ReportSatisfaction {
                source: "all".into(),
                responses: 26,
                average_score: Some(4.35),
                satisfied_pct: Some(84.6),
                dissatisfied: 2,
            },
            ReportSatisfaction {
                source: "revisit".into(),
                responses: 18,
                average_score: Some(4.28),
                satisfied_pct: Some(83.3),
                dissatisfied: 1,
            },
            ReportSatisfaction {
                source: "link".into(),
                responses: 8,
                average_score: Some(4.5),
                satisfied_pct: Some(87.5),
                dissatisfied: 1,
            },
        ],
        technicians: vec![
            ReportTechnician {
                user_id: UserId(11),
                display_name: "Li Wei".into(),
                visits_completed: 9,
                visits_failed: 1,
                checked_in_on_time: 9,
                median_minutes_on_site: Some(74.0),
            },
            ReportTechnician {
                user_id: UserId(12),
                display_name: "Zhou Yang".into(),
                visits_completed: 5,
                visits_failed: 0,
                checked_in_on_time: 4,
                median_minutes_on_site: Some(52.5),
            },
        ],
        agents: vec![ReportAgent {
            user_id: UserId(3),
            display_name: "Wang Fang".into(),
            received: 42,
            closed: 38,
            first_contact_resolved: 17,
            responses_counted: 42,
            responses_met: 40,
            revisits_done: 20,
        }],
    }
}

#[test]
fn service_report_monthly_for_an_account_manager() {
    let r = service_report(&monthly_report(), Some("Xu Li")).unwrap();
    assert_eq!(
        r.subject,
        "Monthly service supervision report 2026-10 - customers of Xu Li"
    );
    snapshot_both("service_report_monthly", &r);
}

/// A quiet week for every customer: nothing closed, no escalations, figures without a value.
#[test]
fn service_report_weekly_for_every_customer() {
    let r = ServiceReport {
        kind: ReportKind::Weekly,
        period: "2026-W47".into(),
        from: "2026-11-16".parse().unwrap(),
        to: "2026-11-22".parse().unwrap(),
        account_manager_id: None,
        generated_at: "2026-11-23T00:30:00Z".parse().unwrap(),
        tickets: ReportTickets {
            received: 3,
            closed: 0,
            closed_without_answer: 0,
            cancelled: 0,
            first_contact_resolved: 0,
            first_contact_rate_pct: None,
        },
        by_channel: vec![group("phone", "phone", 3, 0)],
        by_kind: vec![group("fault", "fault", 3, 0)],
        by_customer_tier: vec![group("standard", "standard", 3, 0)],
        by_region: vec![],
        sla: ReportSla {
            response: clock(3, 3, 0, Some(8.0), Some(14.4)),
            departure: clock(0, 0, 0, None, None),
            arrival: clock(0, 0, 0, None, None),
            resolution: clock(0, 0, 0, None, None),
            callback: clock(0, 0, 0, None, None),
            breaches: 0,
            breached_tickets: 0,
        },
        escalations: vec![],
        major_faults: ReportMajorFaults {
            declared: 0,
            ended: 0,
            open_at_end: 0,
            faults: vec![],
        },
        revisits: ReportRevisits {
            done: 0,
            reached: 0,
            tickets_opened: 0,
        },
        satisfaction: vec![ReportSatisfaction {
            source: "all".into(),
            responses: 0,
            average_score: None,
            satisfied_pct: None,
            dissatisfied: 0,
        }],
        technicians: vec![],
        agents: vec![],
        ..monthly_report()
    };
    let r = service_report(&r, None).unwrap();
    assert_eq!(r.subject, "Weekly service summary 2026-W47");
    snapshot_both("service_report_weekly", &r);
}
