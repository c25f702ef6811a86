//! Every notice as it is sent: each template rendered with fixed inputs, its text and HTML parts
//! (and the fault report's attached document) compared with the snapshots in `snapshots/`.
//!
//! After changing a template on purpose, rewrite the snapshots with
//! `INSTA_UPDATE=always cargo test --lib mail::snapshot_tests` and read their diff before
//! committing (or accept them one by one with `cargo insta review`). With `CI` set (and in
//! `.ci/run`), a difference or a missing snapshot fails the test and nothing is written.

use super::templates::*;
use crate::domain::language::{self, Language};
use fieldline_mobile_api::{
    Channel, LadderTier, ReportAgent, ReportClock, ReportEscalations, ReportGroup, ReportIntake, ReportKind,
    ReportMajorFault, ReportMajorFaults, ReportRevisits, ReportSatisfaction, ReportSla, ReportTechnician,
    ReportTickets, ServiceReport, TicketId, UserId,
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
    let r = major_fault(&major_fault_notice(), Language::En).unwrap();
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
    let r = major_fault(&n, Language::En).unwrap();
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
    let r = major_fault(&n, Language::En).unwrap();
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
    let r = fault_report(&fault_report_view(), Language::En).unwrap();
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
    let r = fault_report(&v, Language::En).unwrap();
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
    let r = ticket_closed(&closing_notice(), Language::En).unwrap();
    assert_eq!(r.subject, "Your request FL-2026-000355 is closed - how did we do?");
    snapshot_both("ticket_closed", &r);
}

#[test]
fn ticket_closed_without_a_contact_name() {
    let r = ticket_closed(
        &ClosingNotice {
            contact_name: None,
            ..closing_notice()
        },
        Language::En,
    )
    .unwrap();
    assert_eq!(r.subject, "Your request FL-2026-000355 is closed - how did we do?");
    snapshot_both("ticket_closed_no_contact", &r);
}

// ---------------------------------------------------------------- the portal's sign-in link

#[test]
fn portal_sign_in_in_both_languages() {
    let n = PortalSignIn {
        contact_name: Some("Chen Jing".into()),
        customer_name: "Hangzhou Metro".into(),
        link: "https://service.fieldline.example/portal/#/sign-in?token=eyJhbGciOiJIUzI1NiJ9.eyJjb250YWN0Ijo3fQ.c2ln"
            .into(),
        expires_at: "2026-11-26 14:35 (Asia/Shanghai)".into(),
    };
    let r = portal_sign_in(&n, Language::En).unwrap();
    assert_eq!(r.subject, "Your sign-in link to the service portal of Hangzhou Metro");
    snapshot_both("portal_sign_in", &r);
    let zh = portal_sign_in(
        &PortalSignIn {
            expires_at: "2026年11月26日 14:35（Asia/Shanghai）".into(),
            ..n
        },
        Language::Zh,
    )
    .unwrap();
    assert_eq!(zh.subject, "Hangzhou Metro客户服务门户登录链接");
    snapshot_both("portal_sign_in_zh", &zh);
}

// ---------------------------------------------------------------- the reminder of an unanswered resolution

#[test]
fn acceptance_reminder_to_a_named_contact() {
    let r = acceptance_reminder(
        &AcceptanceReminder {
            ticket_number: "FL-2026-000355".into(),
            ticket_title: "Card reader at gate 4 rejects valid cards".into(),
            contact_name: Some("Chen Jing".into()),
            owner_name: "Wang Fang".into(),
            resolved_at: "2026-11-23 11:00 (Asia/Shanghai)".into(),
            closes_on: "2026-12-02 (Asia/Shanghai)".into(),
        },
        Language::En,
    )
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

/// Intake by channel, every channel: (channel, received, responses counted, met) for those
/// with tickets, of `all` received.
fn intake(some: &[(Channel, i64, i64, i64)], all: i64) -> Vec<ReportIntake> {
    let pct = |a: i64, b: i64| (b > 0).then(|| (a as f64 * 1000.0 / b as f64).round() / 10.0);
    Channel::ALL
        .iter()
        .map(|&channel| {
            let (received, counted, met) = some
                .iter()
                .find(|x| x.0 == channel)
                .map_or((0, 0, 0), |x| (x.1, x.2, x.3));
            ReportIntake {
                channel,
                received,
                share_pct: pct(received, all),
                responses_counted: counted,
                responses_met: met,
                response_met_pct: pct(met, counted),
            }
        })
        .collect()
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
        intake: intake(
            &[
                (Channel::Phone, 25, 24, 22),
                (Channel::Email, 9, 9, 7),
                (Channel::Inspection, 8, 8, 8),
            ],
            42,
        ),
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
        complaints: Default::default(),
        chases: Default::default(),
        quality: fieldline_mobile_api::ReportQuality {
            reviews_done: 36,
            average_score: Some(87.5),
            disputes: 2,
            disputes_decided: 1,
            scores_changed: 1,
        },
    }
}

#[test]
fn service_report_monthly_for_an_account_manager() {
    let r = service_report(&monthly_report(), Some("Xu Li"), Language::En).unwrap();
    assert_eq!(
        r.subject,
        "Monthly service supervision report 2026-10 - customers of Xu Li"
    );
    snapshot_both("service_report_monthly", &r);
}

/// A quiet week for every customer: nothing closed, no escalations, figures without a value.
fn weekly_report() -> ServiceReport {
    ServiceReport {
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
        intake: intake(&[(Channel::Phone, 3, 2, 2)], 3),
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
    }
}

#[test]
fn service_report_weekly_for_every_customer() {
    let r = service_report(&weekly_report(), None, Language::En).unwrap();
    assert_eq!(r.subject, "Weekly service summary 2026-W47");
    snapshot_both("service_report_weekly", &r);
}

// ---------------------------------------------------------------- the same notices in Chinese
//
// The same facts as the English ones, with the times, durations and enum values the callers
// write for a Chinese reader (`domain::language`) and the people's own words left as typed.

fn tz() -> chrono_tz::Tz {
    chrono_tz::Asia::Shanghai
}

fn zh_at(utc: &str) -> String {
    language::datetime(utc.parse().unwrap(), tz(), Language::Zh)
}

fn zh_major_fault_notice() -> MajorFaultNotice {
    MajorFaultNotice {
        ticket_title: "UPS 2 电池供电，旁路已启用".into(),
        customer_name: "杭州地铁运营维护公司".into(),
        site: Some("1号线车辆段，杭州市秋涛路88号".into()),
        location: "B 变电所 UPS 机房（一楼）".into(),
        occurred_at: zh_at("2026-11-20T08:05:00Z"),
        duration: language::duration(45, Language::Zh),
        reported_by: "王芳".into(),
        reason: Some("整条1号线的信号系统由这台 UPS 供电".into()),
        symptoms: "UPS 2 报“整流器故障”，16:05 起由电池供电。\n电池剩余时间显示 38 分钟，旁路已启用。".into(),
        handling_plan: "1. 李伟 17:00 前携备用整流模块到场。\n2. 萧山车辆段的移动发电车待命。".into(),
        sender: "张敏".into(),
        ..major_fault_notice()
    }
}

#[test]
fn major_fault_opened_zh() {
    let r = major_fault(&zh_major_fault_notice(), Language::Zh).unwrap();
    assert_eq!(
        r.subject,
        "重大故障：FL-2026-000318，杭州地铁运营维护公司 - UPS 2 电池供电，旁路已启用"
    );
    assert!(
        r.text.contains("发生时间：  2026年11月20日 16:05（Asia/Shanghai）"),
        "{}",
        r.text
    );
    snapshot_both("major_fault_opened.zh", &r);
}

#[test]
fn major_fault_updated_zh() {
    let n = MajorFaultNotice {
        event: MajorFaultEvent::Updated(2),
        duration: language::duration(85, Language::Zh),
        handling_plan: "李伟更换整流模块；UPS 市电运行满一小时前发电车保持连接。".into(),
        note: Some("17:20 发电车已接入，UPS 已脱离电池供电。".into()),
        ..zh_major_fault_notice()
    };
    let r = major_fault(&n, Language::Zh).unwrap();
    assert_eq!(
        r.subject,
        "重大故障第 2 次更新：FL-2026-000318，杭州地铁运营维护公司 - UPS 2 电池供电，旁路已启用"
    );
    snapshot_both("major_fault_updated.zh", &r);
}

#[test]
fn major_fault_ended_zh() {
    let n = MajorFaultNotice {
        event: MajorFaultEvent::Ended,
        ended_at: Some(zh_at("2026-11-20T11:35:00Z")),
        duration: language::duration(210, Language::Zh),
        end_summary: Some("整流模块已更换；UPS 2 自 18:40 起恢复市电供电，19:35 断开发电车。".into()),
        ..zh_major_fault_notice()
    };
    let r = major_fault(&n, Language::Zh).unwrap();
    assert_eq!(
        r.subject,
        "重大故障已结束：FL-2026-000318，杭州地铁运营维护公司 - UPS 2 电池供电，旁路已启用"
    );
    assert!(r.text.contains("（历时 3小时30分钟）"), "{}", r.text);
    snapshot_both("major_fault_ended.zh", &r);
}

fn zh_fault_report_view() -> FaultReportView {
    let line = |at: &str, text: &str| TimelineLine {
        at: language::datetime_bare(at.parse().unwrap(), tz(), Language::Zh),
        text: text.into(),
    };
    let v = fault_report_view();
    FaultReportView {
        ticket_title: "UPS 2 电池供电，旁路已启用".into(),
        customer_name: "杭州地铁运营维护公司".into(),
        site: Some("1号线车辆段，杭州市秋涛路88号".into()),
        major_fault: Some(MajorFaultLine {
            location: "B 变电所 UPS 机房（一楼）".into(),
            occurred_at: zh_at("2026-11-20T08:05:00Z"),
            ended_at: Some(zh_at("2026-11-20T11:35:00Z")),
        }),
        author: "李伟".into(),
        reviewer: Some("张敏".into()),
        approved_at: Some(zh_at("2026-11-24T02:00:00Z")),
        issued_at: Some(zh_at("2026-11-24T03:15:00Z")),
        impact_description: "1号线信号系统由 UPS 电池供电 75 分钟，之后由移动发电车供电。列车运营未受影响。".into(),
        downtime: language::duration(210, Language::Zh),
        timeline: vec![
            line("2026-11-20T08:05:00Z", "UPS 2 告警：整流器故障，电池供电"),
            line("2026-11-20T08:12:00Z", "定为重大故障；派李伟到场"),
            line("2026-11-20T09:20:00Z", "移动发电车接入"),
            line("2026-11-20T10:40:00Z", "整流模块更换完毕；UPS 2 恢复市电"),
            line("2026-11-20T11:35:00Z", "断开发电车；故障结束"),
        ],
        root_cause: "UPS 2 整流模块 3 的直流母线电容（2017 年安装）超过额定寿命，击穿短路。".into(),
        corrective: vec![ActionLine {
            description: "更换 UPS 2 的整流模块 3".into(),
            owner: "伊顿售后服务".into(),
            due_date: language::date("2026-11-21".parse().unwrap(), Language::Zh),
        }],
        preventive: vec![ActionLine {
            description: "每季度测量1号线所有 UPS 的电容".into(),
            owner: "李伟".into(),
            due_date: language::date("2026-12-31".parse().unwrap(), Language::Zh),
        }],
        recipients: vec![
            "徐丽 <xu.li@hzmetro.example>".into(),
            "陈静 <chen.jing@hzmetro.example>".into(),
        ],
        sender: "张敏".into(),
        ..v
    }
}

#[test]
fn fault_report_first_issue_zh() {
    let r = fault_report(&zh_fault_report_view(), Language::Zh).unwrap();
    assert_eq!(
        r.subject,
        "故障分析报告：FL-2026-000318，杭州地铁运营维护公司 - UPS 2 电池供电，旁路已启用"
    );
    assert_eq!(r.filename, "FL-2026-000318-fault-report-r1.html");
    snapshot_report("fault_report.zh", &r);
}

#[test]
fn fault_report_revision_zh() {
    let v = FaultReportView {
        revision: 2,
        site: None,
        major_fault: None,
        ..zh_fault_report_view()
    };
    let r = fault_report(&v, Language::Zh).unwrap();
    assert_eq!(
        r.subject,
        "故障分析报告（第 2 版）：FL-2026-000318，杭州地铁运营维护公司 - UPS 2 电池供电，旁路已启用"
    );
    assert!(r.text.contains("（更正第 1 版）"), "{}", r.text);
    snapshot_report("fault_report_revision.zh", &r);
}

fn zh_closing_notice() -> ClosingNotice {
    ClosingNotice {
        ticket_title: "4号闸机读卡器拒绝有效卡".into(),
        contact_name: Some("陈静".into()),
        closed_at: zh_at("2026-11-26T06:20:00Z"),
        link: format!("{}?lang=zh", closing_notice().link),
        expires_at: zh_at("2026-12-10T06:20:00Z"),
        ..closing_notice()
    }
}

#[test]
fn ticket_closed_to_a_named_contact_zh() {
    let r = ticket_closed(&zh_closing_notice(), Language::Zh).unwrap();
    assert_eq!(r.subject, "您的服务请求 FL-2026-000355 已关闭，请评价我们的服务");
    assert!(r.text.starts_with("尊敬的陈静：\n"), "{}", r.text);
    assert!(
        r.text.contains("有效期至 2026年12月10日 14:20（Asia/Shanghai）"),
        "{}",
        r.text
    );
    snapshot_both("ticket_closed.zh", &r);
}

#[test]
fn ticket_closed_without_a_contact_name_zh() {
    let n = ClosingNotice {
        contact_name: None,
        ..zh_closing_notice()
    };
    let r = ticket_closed(&n, Language::Zh).unwrap();
    assert!(r.text.starts_with("尊敬的客户：\n"), "{}", r.text);
    snapshot_both("ticket_closed_no_contact.zh", &r);
}

#[test]
fn acceptance_reminder_to_a_named_contact_zh() {
    let r = acceptance_reminder(
        &AcceptanceReminder {
            ticket_number: "FL-2026-000355".into(),
            ticket_title: "4号闸机读卡器拒绝有效卡".into(),
            contact_name: Some("陈静".into()),
            owner_name: "王芳".into(),
            resolved_at: zh_at("2026-11-23T03:00:00Z"),
            closes_on: language::date_in("2026-12-02".parse().unwrap(), tz(), Language::Zh),
        },
        Language::Zh,
    )
    .unwrap();
    assert_eq!(r.subject, "您的服务请求 FL-2026-000355 已处理完毕，结果是否令您满意？");
    assert!(
        r.text.contains("我们将于 2026年12月2日（Asia/Shanghai） 关闭"),
        "{}",
        r.text
    );
    snapshot_both("acceptance_reminder.zh", &r);
}

#[test]
fn service_report_monthly_for_an_account_manager_zh() {
    let r = service_report(&monthly_report(), Some("徐丽"), Language::Zh).unwrap();
    assert_eq!(r.subject, "月度服务监督报告 2026-10（徐丽 负责的客户）");
    for part in [&r.text, &r.html] {
        assert!(part.contains("2026年10月1日 至 2026年10月31日"), "{part}");
        for label in ["远程支持", "现场服务", "回访", "评价链接"] {
            assert!(part.contains(label), "{label} in {part}");
        }
        assert!(part.contains("2026年10月20日 16:05"), "the fault in the zone: {part}");
    }
    // The groups are the HTML part's tables.
    for label in ["电话", "电子邮件", "巡检", "故障", "投诉", "金牌", "普通", "无区域"] {
        assert!(r.html.contains(label), "{label} in {}", r.html);
    }
    snapshot_both("service_report_monthly.zh", &r);
}

#[test]
fn service_report_weekly_for_every_customer_zh() {
    let r = service_report(&weekly_report(), None, Language::Zh).unwrap();
    assert_eq!(r.subject, "每周服务简报 2026-W47");
    snapshot_both("service_report_weekly.zh", &r);
}

// ---------------------------------------------------------------- notices to the customer

fn customer_notice_of(event: CustomerEvent, lang: Language) -> CustomerNotice {
    let at = |s: &str| language::datetime(s.parse().unwrap(), tz(), lang);
    let window = |a: &str, b: &str| language::window(a.parse().unwrap(), b.parse().unwrap(), tz(), lang);
    let visit = matches!(
        event,
        CustomerEvent::VisitBooked
            | CustomerEvent::VisitMoved
            | CustomerEvent::VisitCancelled
            | CustomerEvent::OnTheWay
    );
    CustomerNotice {
        event,
        ticket_number: "FL-2026-000412".into(),
        ticket_title: match lang {
            Language::En => "UPS 2 alarm E42".into(),
            Language::Zh => "2号UPS报警 E42".into(),
        },
        contact_name: Some(match lang {
            Language::En => "Wang Fang".into(),
            Language::Zh => "王芳".into(),
        }),
        received_at: (event == CustomerEvent::Acknowledged).then(|| at("2026-11-23T01:12:00Z")),
        window: visit.then(|| window("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z")),
        previous_window: (event == CustomerEvent::VisitMoved)
            .then(|| window("2026-11-23T06:00:00Z", "2026-11-23T08:00:00Z")),
        site: visit.then(|| "Line 1 depot, 88 Qiutao Rd, Hangzhou".into()),
        technician: (visit && event != CustomerEvent::VisitCancelled).then(|| "Li Wei".into()),
        resolved_at: (event == CustomerEvent::Resolved).then(|| at("2026-11-24T05:30:00Z")),
        link: (event == CustomerEvent::Resolved)
            .then(|| "https://service.example.com/portal/#/tickets/FL-2026-000412".into()),
    }
}

#[test]
fn customer_notices_in_both_languages() {
    for (event, name, en, zh) in [
        (
            CustomerEvent::Acknowledged,
            "acknowledged",
            "Your request FL-2026-000412 has been received",
            "您的服务请求已受理，工单号 FL-2026-000412",
        ),
        (
            CustomerEvent::VisitBooked,
            "visit_booked",
            "Visit booked for your request FL-2026-000412: 2026-11-24 10:00-12:00 (Asia/Shanghai)",
            "服务请求 FL-2026-000412 已预约上门：2026年11月24日 10:00-12:00（Asia/Shanghai）",
        ),
        (
            CustomerEvent::VisitMoved,
            "visit_moved",
            "Visit moved for your request FL-2026-000412: now 2026-11-24 10:00-12:00 (Asia/Shanghai)",
            "服务请求 FL-2026-000412 的上门时间已变更为：2026年11月24日 10:00-12:00（Asia/Shanghai）",
        ),
        (
            CustomerEvent::VisitCancelled,
            "visit_cancelled",
            "Visit cancelled for your request FL-2026-000412",
            "服务请求 FL-2026-000412 的上门服务已取消",
        ),
        (
            CustomerEvent::OnTheWay,
            "on_the_way",
            "Our technician is on the way: your request FL-2026-000412",
            "工程师已出发：服务请求 FL-2026-000412",
        ),
        (
            CustomerEvent::Resolved,
            "resolved",
            "Your request FL-2026-000412 is resolved - please accept the result",
            "您的服务请求 FL-2026-000412 已处理完毕，请确认处理结果",
        ),
    ] {
        let r = customer_notice(&customer_notice_of(event, Language::En), Language::En).unwrap();
        assert_eq!(r.subject, en);
        snapshot_both(&format!("customer_{name}"), &r);
        let r = customer_notice(&customer_notice_of(event, Language::Zh), Language::Zh).unwrap();
        assert_eq!(r.subject, zh);
        snapshot_both(&format!("customer_{name}.zh"), &r);
    }
}

#[test]
fn a_customer_notice_escapes_html_and_greets_without_a_name() {
    let mut n = customer_notice_of(CustomerEvent::Acknowledged, Language::En);
    n.contact_name = None;
    n.ticket_title = "<script>alert(1)</script> & more".into();
    let r = customer_notice(&n, Language::En).unwrap();
    assert!(r.text.starts_with("Dear customer,\n"), "{}", r.text);
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
}
