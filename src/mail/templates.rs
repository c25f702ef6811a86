//! The notices' subjects and bodies: a plain-text and an HTML template per kind (in
//! `templates/`, compiled into the binary). The HTML templates escape every value.

use crate::domain::language::{self, Dimension, Language};
use minijinja::syntax::SyntaxConfig;
use minijinja::{context, Environment};
use std::sync::OnceLock;

/// A notice, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn env() -> Result<&'static Environment<'static>, minijinja::Error> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    if let Some(env) = ENV.get() {
        return Ok(env);
    }
    let mut env = Environment::new();
    env.set_syntax(SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build()?);
    // `.html` templates escape HTML (minijinja's default by extension); `.txt` ones do not.
    // English in `{name}.{ext}`, Simplified Chinese in `{name}.zh.{ext}`.
    for &(name, source) in TEMPLATES {
        env.add_template(name, source)?;
    }
    // A figure without a value (a percentage of nothing) shows as a dash.
    env.add_filter(
        "dash",
        |v: minijinja::Value| if v.is_none() { "-".to_string() } else { v.to_string() },
    );
    env.add_filter(
        "percent",
        |v: minijinja::Value| {
            if v.is_none() {
                "-".to_string()
            } else {
                format!("{v} %")
            }
        },
    );
    Ok(ENV.get_or_init(|| env))
}

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("templates/", $name)))),*]
    };
}

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = templates!(
    "major_fault.txt",
    "major_fault.html",
    "major_fault.zh.txt",
    "major_fault.zh.html",
    "fault_report.txt",
    "fault_report.html",
    "fault_report_body.html",
    "fault_report_document.html",
    "fault_report.zh.txt",
    "fault_report.zh.html",
    "fault_report_body.zh.html",
    "fault_report_document.zh.html",
    "ticket_closed.txt",
    "ticket_closed.html",
    "ticket_closed.zh.txt",
    "ticket_closed.zh.html",
    "acceptance_reminder.txt",
    "acceptance_reminder.html",
    "acceptance_reminder.zh.txt",
    "acceptance_reminder.zh.html",
    "service_report.txt",
    "service_report.html",
    "service_report.zh.txt",
    "service_report.zh.html",
    "customer_notice.txt",
    "customer_notice.html",
    "customer_notice.zh.txt",
    "customer_notice.zh.html",
    "portal_sign_in.txt",
    "portal_sign_in.html",
    "portal_sign_in.zh.txt",
    "portal_sign_in.zh.html",
);

/// The name of a template in a language: `ticket_closed.txt`, `ticket_closed.zh.txt`.
fn named(name: &str, ext: &str, lang: Language) -> String {
    match lang {
        Language::En => format!("{name}.{ext}"),
        Language::Zh => format!("{name}.zh.{ext}"),
    }
}

/// Which notice of a major fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MajorFaultEvent {
    Opened,
    /// The n-th update of the handling plan.
    Updated(i32),
    Ended,
}

/// What a major fault notice shows; times already in the business calendar's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MajorFaultNotice {
    pub event: MajorFaultEvent,
    pub ticket_number: String,
    pub ticket_title: String,
    pub customer_name: String,
    /// The site's name and address.
    pub site: Option<String>,
    pub location: String,
    pub occurred_at: String,
    pub ended_at: Option<String>,
    /// Open for (or, once ended, lasted) this long, in words.
    pub duration: String,
    pub reported_by: String,
    pub reason: Option<String>,
    pub symptoms: String,
    pub handling_plan: String,
    pub note: Option<String>,
    pub end_summary: Option<String>,
    /// Who sends this notice.
    pub sender: String,
}

/// A subject line: one line, at most 250 characters.
fn one_line(s: &str) -> String {
    let line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    line.chars().take(250).collect()
}

/// A major fault notice in `lang` (its times and duration already written in it).
pub fn major_fault(n: &MajorFaultNotice, lang: Language) -> Result<Rendered, minijinja::Error> {
    let (event, update_number) = match n.event {
        MajorFaultEvent::Opened => ("opened", 0),
        MajorFaultEvent::Updated(k) => ("updated", k),
        MajorFaultEvent::Ended => ("ended", 0),
    };
    let (number, customer, title) = (&n.ticket_number, &n.customer_name, &n.ticket_title);
    let subject = one_line(&match (lang, n.event) {
        (Language::En, MajorFaultEvent::Opened) => format!("Major fault: {number}, {customer} - {title}"),
        (Language::En, MajorFaultEvent::Updated(k)) => {
            format!("Major fault update {k}: {number}, {customer} - {title}")
        }
        (Language::En, MajorFaultEvent::Ended) => format!("Major fault ended: {number}, {customer} - {title}"),
        (Language::Zh, MajorFaultEvent::Opened) => format!("重大故障：{number}，{customer} - {title}"),
        (Language::Zh, MajorFaultEvent::Updated(k)) => {
            format!("重大故障第 {k} 次更新：{number}，{customer} - {title}")
        }
        (Language::Zh, MajorFaultEvent::Ended) => format!("重大故障已结束：{number}，{customer} - {title}"),
    });
    let ctx = context! {
        subject => subject.clone(),
        event => event,
        update_number => update_number,
        ticket_number => n.ticket_number.clone(),
        ticket_title => n.ticket_title.clone(),
        customer_name => n.customer_name.clone(),
        site => n.site.clone(),
        location => n.location.clone(),
        occurred_at => n.occurred_at.clone(),
        ended_at => n.ended_at.clone(),
        duration => n.duration.clone(),
        reported_by => n.reported_by.clone(),
        reason => n.reason.clone(),
        symptoms => n.symptoms.clone(),
        handling_plan => n.handling_plan.clone(),
        note => n.note.clone(),
        end_summary => n.end_summary.clone(),
        sender => n.sender.clone(),
    };
    render("major_fault", lang, subject, ctx)
}

/// A notice from its two templates in the language, `{name}.txt` and `{name}.html`.
fn render(name: &str, lang: Language, subject: String, ctx: minijinja::Value) -> Result<Rendered, minijinja::Error> {
    let env = env()?;
    let mut text = env.get_template(&named(name, "txt", lang))?.render(ctx.clone())?;
    text.push('\n');
    let html = env.get_template(&named(name, "html", lang))?.render(ctx)?;
    Ok(Rendered { subject, text, html })
}

/// A fault analysis report as its e-mail and its document show it; times already in the
/// business calendar's zone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FaultReportView {
    pub ticket_number: String,
    pub ticket_title: String,
    pub customer_name: String,
    /// The site's name and address.
    pub site: Option<String>,
    pub major_fault: Option<MajorFaultLine>,
    pub revision: i32,
    pub author: String,
    pub reviewer: Option<String>,
    pub approved_at: Option<String>,
    /// When it is sent.
    pub issued_at: Option<String>,
    pub impact_description: String,
    pub customers_affected: i32,
    pub sites_affected: i32,
    pub assets_affected: i32,
    /// The downtime in words.
    pub downtime: String,
    pub timeline: Vec<TimelineLine>,
    /// The zone of the times.
    pub time_zone: String,
    pub root_cause: String,
    pub corrective: Vec<ActionLine>,
    pub preventive: Vec<ActionLine>,
    /// `Name <address>` of each recipient.
    pub recipients: Vec<String>,
    /// Who sends it.
    pub sender: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MajorFaultLine {
    pub location: String,
    pub occurred_at: String,
    pub ended_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimelineLine {
    pub at: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActionLine {
    pub description: String,
    pub owner: String,
    pub due_date: String,
}

/// A report's e-mail (subject, text and HTML parts) and the document attached to it: a
/// self-contained HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedReport {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub document: String,
    /// The attachment's file name, e.g. `FL-2026-000001-fault-report-r1.html`.
    pub filename: String,
}

/// A fault analysis report's e-mail and document in `lang` (its times already written in it).
pub fn fault_report(r: &FaultReportView, lang: Language) -> Result<RenderedReport, minijinja::Error> {
    let what = match (lang, r.revision > 1) {
        (Language::En, true) => format!("Fault analysis report (revision {})", r.revision),
        (Language::En, false) => "Fault analysis report".to_string(),
        (Language::Zh, true) => format!("故障分析报告（第 {} 版）", r.revision),
        (Language::Zh, false) => "故障分析报告".to_string(),
    };
    let subject = one_line(&match lang {
        Language::En => format!("{what}: {}, {} - {}", r.ticket_number, r.customer_name, r.ticket_title),
        Language::Zh => format!("{what}：{}，{} - {}", r.ticket_number, r.customer_name, r.ticket_title),
    });
    let ctx = context! {
        subject => subject.clone(),
        r => minijinja::Value::from(minijinja::value::Serde(r)),
    };
    let Rendered { subject, text, html } = render("fault_report", lang, subject, ctx.clone())?;
    let document = env()?
        .get_template(&named("fault_report_document", "html", lang))?
        .render(ctx)?;
    let number: String = r
        .ticket_number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    let filename = format!("{number}-fault-report-r{}.html", r.revision);
    Ok(RenderedReport {
        subject,
        text,
        html,
        document,
        filename,
    })
}

/// The thanks for a closed ticket, with its survey link; times already in the business
/// calendar's zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosingNotice {
    pub ticket_number: String,
    pub ticket_title: String,
    pub contact_name: Option<String>,
    pub closed_at: String,
    /// The survey link, `{public url}/survey/{token}`.
    pub link: String,
    pub expires_at: String,
}

pub fn ticket_closed(n: &ClosingNotice, lang: Language) -> Result<Rendered, minijinja::Error> {
    let subject = one_line(&match lang {
        Language::En => format!("Your request {} is closed - how did we do?", n.ticket_number),
        Language::Zh => format!("您的服务请求 {} 已关闭，请评价我们的服务", n.ticket_number),
    });
    let ctx = context! {
        subject => subject.clone(),
        ticket_number => n.ticket_number.clone(),
        ticket_title => n.ticket_title.clone(),
        contact_name => n.contact_name.clone(),
        closed_at => n.closed_at.clone(),
        link => n.link.clone(),
        expires_at => n.expires_at.clone(),
    };
    render("ticket_closed", lang, subject, ctx)
}

/// A one-time sign-in link to the customer portal; times already in the business calendar's
/// zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalSignIn {
    pub contact_name: Option<String>,
    pub customer_name: String,
    /// `{public url}/portal/#/sign-in?token={token}`.
    pub link: String,
    pub expires_at: String,
}

pub fn portal_sign_in(n: &PortalSignIn, lang: Language) -> Result<Rendered, minijinja::Error> {
    let subject = one_line(&match lang {
        Language::En => format!("Your sign-in link to the service portal of {}", n.customer_name),
        Language::Zh => format!("{}客户服务门户登录链接", n.customer_name),
    });
    let ctx = context! {
        subject => subject.clone(),
        contact_name => n.contact_name.clone(),
        customer_name => n.customer_name.clone(),
        link => n.link.clone(),
        expires_at => n.expires_at.clone(),
    };
    render("portal_sign_in", lang, subject, ctx)
}

/// What the reminder to a customer who has not answered a resolved ticket says.
pub struct AcceptanceReminder {
    pub ticket_number: String,
    pub ticket_title: String,
    pub contact_name: Option<String>,
    /// The owner's name: the person the customer can call.
    pub owner_name: String,
    pub resolved_at: String,
    /// The day the ticket is closed without an answer.
    pub closes_on: String,
}

pub fn acceptance_reminder(n: &AcceptanceReminder, lang: Language) -> Result<Rendered, minijinja::Error> {
    let subject = one_line(&match lang {
        Language::En => format!(
            "Your request {} was resolved - is the result right for you?",
            n.ticket_number
        ),
        Language::Zh => format!("您的服务请求 {} 已处理完毕，结果是否令您满意？", n.ticket_number),
    });
    let ctx = context! {
        subject => subject.clone(),
        ticket_number => n.ticket_number.clone(),
        ticket_title => n.ticket_title.clone(),
        contact_name => n.contact_name.clone(),
        owner_name => n.owner_name.clone(),
        resolved_at => n.resolved_at.clone(),
        closes_on => n.closes_on.clone(),
    };
    render("acceptance_reminder", lang, subject, ctx)
}

/// Which notice to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerEvent {
    Acknowledged,
    VisitBooked,
    VisitMoved,
    VisitCancelled,
    OnTheWay,
    Resolved,
}

impl CustomerEvent {
    fn key(self) -> &'static str {
        match self {
            CustomerEvent::Acknowledged => "acknowledged",
            CustomerEvent::VisitBooked => "visit_booked",
            CustomerEvent::VisitMoved => "visit_moved",
            CustomerEvent::VisitCancelled => "visit_cancelled",
            CustomerEvent::OnTheWay => "on_the_way",
            CustomerEvent::Resolved => "resolved",
        }
    }
}

/// What a notice to the customer shows; times already written in the business calendar's zone
/// and the contact's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerNotice {
    pub event: CustomerEvent,
    pub ticket_number: String,
    pub ticket_title: String,
    pub contact_name: Option<String>,
    /// When the request was received (the acknowledgement).
    pub received_at: Option<String>,
    /// The visit's window (visit notices, the technician on the way).
    pub window: Option<String>,
    /// The window before a move.
    pub previous_window: Option<String>,
    /// The site's name and address.
    pub site: Option<String>,
    /// The technician's name, once one is booked.
    pub technician: Option<String>,
    /// When it was resolved (the resolved notice).
    pub resolved_at: Option<String>,
    /// The acceptance link (the resolved notice).
    pub link: Option<String>,
}

/// A notice to the customer in `lang`; its subject holds the ticket number.
pub fn customer_notice(n: &CustomerNotice, lang: Language) -> Result<Rendered, minijinja::Error> {
    let number = &n.ticket_number;
    let window = n.window.as_deref().unwrap_or("");
    let subject = one_line(&match (lang, n.event) {
        (Language::En, CustomerEvent::Acknowledged) => format!("Your request {number} has been received"),
        (Language::En, CustomerEvent::VisitBooked) => format!("Visit booked for your request {number}: {window}"),
        (Language::En, CustomerEvent::VisitMoved) => format!("Visit moved for your request {number}: now {window}"),
        (Language::En, CustomerEvent::VisitCancelled) => format!("Visit cancelled for your request {number}"),
        (Language::En, CustomerEvent::OnTheWay) => format!("Our technician is on the way: your request {number}"),
        (Language::En, CustomerEvent::Resolved) => {
            format!("Your request {number} is resolved - please accept the result")
        }
        (Language::Zh, CustomerEvent::Acknowledged) => format!("您的服务请求已受理，工单号 {number}"),
        (Language::Zh, CustomerEvent::VisitBooked) => format!("服务请求 {number} 已预约上门：{window}"),
        (Language::Zh, CustomerEvent::VisitMoved) => format!("服务请求 {number} 的上门时间已变更为：{window}"),
        (Language::Zh, CustomerEvent::VisitCancelled) => format!("服务请求 {number} 的上门服务已取消"),
        (Language::Zh, CustomerEvent::OnTheWay) => format!("工程师已出发：服务请求 {number}"),
        (Language::Zh, CustomerEvent::Resolved) => format!("您的服务请求 {number} 已处理完毕，请确认处理结果"),
    });
    let ctx = context! {
        subject => subject.clone(),
        event => n.event.key(),
        ticket_number => n.ticket_number.clone(),
        ticket_title => n.ticket_title.clone(),
        contact_name => n.contact_name.clone(),
        received_at => n.received_at.clone(),
        window => n.window.clone(),
        previous_window => n.previous_window.clone(),
        site => n.site.clone(),
        technician => n.technician.clone(),
        resolved_at => n.resolved_at.clone(),
        link => n.link.clone(),
    };
    render("customer_notice", lang, subject, ctx)
}

/// A service report's e-mail in `lang`; `audience` names the account manager whose customers
/// it covers.
pub fn service_report(
    r: &fieldline_mobile_api::ServiceReport,
    audience: Option<&str>,
    lang: Language,
) -> Result<Rendered, minijinja::Error> {
    use fieldline_mobile_api::ReportKind;
    let title = match (lang, r.kind) {
        (Language::En, ReportKind::Weekly) => format!("Weekly service summary {}", r.period),
        (Language::En, ReportKind::Monthly) => format!("Monthly service supervision report {}", r.period),
        (Language::En, ReportKind::Custom) => format!("Service report {}", r.period),
        (Language::Zh, ReportKind::Weekly) => format!("每周服务简报 {}", r.period),
        (Language::Zh, ReportKind::Monthly) => format!("月度服务监督报告 {}", r.period),
        (Language::Zh, ReportKind::Custom) => format!("服务报告 {}", r.period),
    };
    let subject = one_line(&match (lang, audience) {
        (Language::En, Some(a)) => format!("{title} - customers of {a}"),
        (Language::Zh, Some(a)) => format!("{title}（{a} 负责的客户）"),
        (_, None) => title.clone(),
    });
    let report = match lang {
        Language::En => minijinja::Value::from(minijinja::value::Serde(r)),
        Language::Zh => minijinja::Value::from(minijinja::value::Serde(report_in_chinese(r))),
    };
    let ctx = context! {
        subject => subject.clone(),
        title => title,
        audience => audience,
        r => report,
    };
    render("service_report", lang, subject, ctx)
}

/// The report's values as the Chinese e-mail shows them: days and times written for the
/// language (times in the report's zone), the groups' and escalations' enum values named.
fn report_in_chinese(r: &fieldline_mobile_api::ServiceReport) -> serde_json::Value {
    let zh = Language::Zh;
    let tz: Option<chrono_tz::Tz> = r.time_zone.parse().ok();
    let at = |t: chrono::DateTime<chrono::Utc>| match tz {
        Some(tz) => language::datetime_bare(t, tz, zh),
        None => language::datetime_bare(t, chrono_tz::UTC, zh) + " UTC",
    };
    let mut v = serde_json::to_value(r).unwrap_or_default();
    let set = |v: &mut serde_json::Value, pointer: &str, to: String| {
        if let Some(slot) = v.pointer_mut(pointer) {
            *slot = serde_json::Value::String(to);
        }
    };
    set(&mut v, "/from", language::date(r.from, zh));
    set(&mut v, "/to", language::date(r.to, zh));
    set(&mut v, "/generated_at", at(r.generated_at));
    for (field, dim, groups) in [
        ("by_channel", Some(Dimension::Channel), &r.by_channel),
        ("by_kind", Some(Dimension::RequestKind), &r.by_kind),
        ("by_customer_tier", Some(Dimension::Tier), &r.by_customer_tier),
        ("by_region", None, &r.by_region),
    ] {
        for (i, g) in groups.iter().enumerate() {
            let label = match dim {
                Some(d) => language::label(zh, d, &g.key),
                None if g.key == "none" => "无区域".to_string(),
                None => g.label.clone(),
            };
            set(&mut v, &format!("/{field}/{i}/label"), label);
        }
    }
    for (i, x) in r.intake.iter().enumerate() {
        if let Some(serde_json::Value::Object(m)) = v.pointer_mut(&format!("/intake/{i}")) {
            let label = language::label(zh, Dimension::Channel, x.channel.as_str());
            m.insert("label".into(), serde_json::Value::String(label));
        }
    }
    for (i, e) in r.escalations.iter().enumerate() {
        let tier = language::label(zh, Dimension::LadderTier, e.tier.as_str());
        set(&mut v, &format!("/escalations/{i}/tier"), tier);
    }
    for (i, f) in r.major_faults.faults.iter().enumerate() {
        set(
            &mut v,
            &format!("/major_faults/faults/{i}/occurred_at"),
            at(f.occurred_at),
        );
        if let Some(end) = f.ended_at {
            set(&mut v, &format!("/major_faults/faults/{i}/ended_at"), at(end));
        }
    }
    for (i, s) in r.satisfaction.iter().enumerate() {
        let source = language::label(zh, Dimension::SurveySource, &s.source);
        set(&mut v, &format!("/satisfaction/{i}/source"), source);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> MajorFaultNotice {
        MajorFaultNotice {
            event: MajorFaultEvent::Opened,
            ticket_number: "FL-2026-000001".into(),
            ticket_title: "UPS alarm".into(),
            customer_name: "Hangzhou Metro".into(),
            site: Some("Line 1 depot, 1 Depot Rd".into()),
            location: "Substation B <east>".into(),
            occurred_at: "2026-11-20 16:00 (Asia/Shanghai)".into(),
            ended_at: None,
            duration: "50 min".into(),
            reported_by: "Wang Fang".into(),
            reason: Some("whole line down".into()),
            symptoms: "No power on line 1.\n<script>alert(1)</script> & smoke".into(),
            handling_plan: "Switch to the backup feed.".into(),
            note: None,
            end_summary: None,
            sender: "Wang Fang".into(),
        }
    }

    #[test]
    fn a_notice_has_its_facts_in_both_bodies() {
        let r = major_fault(&notice(), Language::En).unwrap();
        assert_eq!(r.subject, "Major fault: FL-2026-000001, Hangzhou Metro - UPS alarm");
        for (part, html) in [(&r.text, false), (&r.html, true)] {
            for fact in [
                "FL-2026-000001",
                "Hangzhou Metro",
                "Line 1 depot, 1 Depot Rd",
                "2026-11-20 16:00 (Asia/Shanghai)",
                "No power on line 1.",
                "Switch to the backup feed.",
                "whole line down",
            ] {
                // HTML escapes `/` too.
                let fact = if html {
                    fact.replace('/', "&#x2f;")
                } else {
                    fact.to_string()
                };
                assert!(part.contains(&fact), "{fact} in {part}");
            }
        }
        assert!(r.text.contains("<script>alert(1)</script> & smoke"), "text is as typed");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(
            r.html
                .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; smoke"),
            "{}",
            r.html
        );
        assert!(r.html.contains("Substation B &lt;east&gt;"));
        assert!(!r.text.contains("Progress:") && !r.text.contains("Ended at:"));
    }

    #[test]
    fn updates_and_the_end_say_what_changed() {
        let mut n = notice();
        n.event = MajorFaultEvent::Updated(2);
        n.note = Some("Backup feed connected.".into());
        let r = major_fault(&n, Language::En).unwrap();
        assert!(r.subject.starts_with("Major fault update 2: FL-2026-000001"));
        assert!(r.text.contains("Progress:\nBackup feed connected."), "{}", r.text);
        n.event = MajorFaultEvent::Ended;
        n.ended_at = Some("2026-11-20 18:00 (Asia/Shanghai)".into());
        n.duration = "2 h 0 min".into();
        n.end_summary = Some("Power restored.".into());
        let r = major_fault(&n, Language::En).unwrap();
        assert!(r.subject.starts_with("Major fault ended: "));
        assert!(
            r.text
                .contains("Ended at:     2026-11-20 18:00 (Asia/Shanghai) (after 2 h 0 min)"),
            "{}",
            r.text
        );
        assert!(r.html.contains("Power restored."));
    }

    #[test]
    fn the_closing_mail_thanks_and_carries_the_link() {
        let n = ClosingNotice {
            ticket_number: "FL-2026-000007".into(),
            ticket_title: "UPS <alarm> & beeping".into(),
            contact_name: Some("Wang Fang".into()),
            closed_at: "2026-11-20 16:50 (Asia/Shanghai)".into(),
            link: "https://service.example.com/survey/aaa.bbb.ccc".into(),
            expires_at: "2026-12-04 16:50 (Asia/Shanghai)".into(),
        };
        let r = ticket_closed(&n, Language::En).unwrap();
        assert_eq!(r.subject, "Your request FL-2026-000007 is closed - how did we do?");
        assert!(r.text.starts_with("Dear Wang Fang,\n"), "{}", r.text);
        assert!(
            r.text.contains("\nhttps://service.example.com/survey/aaa.bbb.ccc\n"),
            "{}",
            r.text
        );
        assert!(r.text.contains("until 2026-12-04 16:50 (Asia/Shanghai)"), "{}", r.text);
        assert!(r.text.contains("UPS <alarm> & beeping"), "text is as typed");
        assert!(r.html.contains("UPS &lt;alarm&gt; &amp; beeping"), "{}", r.html);
        assert!(
            r.html
                .contains("href=\"https:&#x2f;&#x2f;service.example.com&#x2f;survey&#x2f;aaa.bbb.ccc\""),
            "{}",
            r.html
        );
        let r = ticket_closed(
            &ClosingNotice {
                contact_name: None,
                ..n
            },
            Language::En,
        )
        .unwrap();
        assert!(r.text.starts_with("Dear customer,\n"), "{}", r.text);
    }

    #[test]
    fn a_subject_is_one_line() {
        let mut n = notice();
        n.ticket_title = "a\r\nBcc: someone@example.com".into();
        let r = major_fault(&n, Language::En).unwrap();
        assert!(!r.subject.contains('\n') && !r.subject.contains('\r'));
    }

    fn report() -> FaultReportView {
        let action = |d: &str, o: &str| ActionLine {
            description: d.into(),
            owner: o.into(),
            due_date: "2026-12-01".into(),
        };
        FaultReportView {
            ticket_number: "FL-2026-000001".into(),
            ticket_title: "UPS alarm".into(),
            customer_name: "Hangzhou Metro".into(),
            site: Some("Line 1 depot, 1 Depot Rd".into()),
            major_fault: Some(MajorFaultLine {
                location: "UPS room".into(),
                occurred_at: "2026-11-20 16:40 (Asia/Shanghai)".into(),
                ended_at: Some("2026-11-20 18:10 (Asia/Shanghai)".into()),
            }),
            revision: 1,
            author: "Li Wei".into(),
            reviewer: Some("Zhang Min".into()),
            approved_at: Some("2026-11-24 10:00 (Asia/Shanghai)".into()),
            issued_at: Some("2026-11-24 11:00 (Asia/Shanghai)".into()),
            impact_description: "Line 1 ran on battery <for> 90 minutes & more".into(),
            customers_affected: 1,
            sites_affected: 1,
            assets_affected: 2,
            downtime: "1 h 30 min".into(),
            timeline: vec![TimelineLine {
                at: "2026-11-20 16:40".into(),
                text: "UPS down".into(),
            }],
            time_zone: "Asia/Shanghai".into(),
            root_cause: "A capacitor in module 3 aged beyond its rated life.\n<script>x</script>".into(),
            corrective: vec![action("Replace module 3", "Eaton service")],
            preventive: vec![action("Check capacitors every quarter", "Li Wei")],
            recipients: vec!["Xu Li <xu.li@example.com>".into()],
            sender: "Zhang Min".into(),
        }
    }

    #[test]
    fn a_report_has_its_sections_in_every_part() {
        let r = fault_report(&report(), Language::En).unwrap();
        assert_eq!(
            r.subject,
            "Fault analysis report: FL-2026-000001, Hangzhou Metro - UPS alarm"
        );
        assert_eq!(r.filename, "FL-2026-000001-fault-report-r1.html");
        for part in [&r.text, &r.html, &r.document] {
            for fact in [
                "FL-2026-000001",
                "Hangzhou Metro",
                "A capacitor in module 3 aged beyond its rated life.",
                "Replace module 3",
                "Check capacitors every quarter",
                "Eaton service",
                "1 h 30 min",
                "UPS down",
                "Zhang Min",
            ] {
                assert!(part.contains(fact), "{fact} in {part}");
            }
        }
        assert!(r.text.contains("<script>x</script>"), "text is as typed");
        for html in [&r.html, &r.document] {
            assert!(!html.contains("<script>"), "{html}");
            assert!(html.contains("&lt;script&gt;x&lt;&#x2f;script&gt;"), "{html}");
            assert!(html.contains("battery &lt;for&gt; 90 minutes &amp; more"), "{html}");
        }
        assert!(r.document.starts_with("<!DOCTYPE html>") && r.document.contains("<style>"));
        assert!(
            r.text
                .contains("1. Replace module 3\n   Owner: Eaton service; due 2026-12-01"),
            "{}",
            r.text
        );
        assert!(r.text.contains("Revision:     1\nAuthor:       Li Wei\n"), "{}", r.text);
    }

    #[test]
    fn a_revision_says_so() {
        let mut v = report();
        v.revision = 2;
        v.ticket_title = "a\r\nBcc: x@example.com".into();
        let r = fault_report(&v, Language::En).unwrap();
        assert!(r
            .subject
            .starts_with("Fault analysis report (revision 2): FL-2026-000001"));
        assert!(!r.subject.contains('\n'));
        assert!(r.text.contains("(corrects revision 1)"));
        assert_eq!(r.filename, "FL-2026-000001-fault-report-r2.html");
    }

    #[test]
    fn a_service_report_shows_its_figures_escaped() {
        use crate::domain::report::{build, Facts, Heading, Period, Window};
        let now: chrono::DateTime<chrono::Utc> = "2026-11-23T02:00:00Z".parse().unwrap();
        let period = Period::parse_month("month", "2026-10").unwrap();
        let mut facts = Facts::default();
        facts.regions.insert(1, "<b>North</b>".into());
        let heading = Heading {
            period,
            window: Window {
                from: now - chrono::Duration::days(60),
                to: now - chrono::Duration::days(30),
                now,
            },
            time_zone: "Asia/Shanghai".into(),
            account_manager: Some(5),
        };
        let mut r = build(&heading, &facts);
        r.agents.push(fieldline_mobile_api::ReportAgent {
            user_id: fieldline_mobile_api::UserId(3),
            display_name: "Li <script>".into(),
            received: 4,
            closed: 3,
            first_contact_resolved: 2,
            responses_counted: 4,
            responses_met: 3,
            revisits_done: 1,
        });
        let m = service_report(&r, Some("Xu Li"), Language::En).unwrap();
        assert_eq!(
            m.subject,
            "Monthly service supervision report 2026-10 - customers of Xu Li"
        );
        for part in [&m.text, &m.html] {
            assert!(part.contains("2026-10-01 to 2026-10-31"), "{part}");
            assert!(part.contains("the customers of Xu Li"), "{part}");
        }
        assert!(m.text.contains("Resolved at first contact:   0 (-)"), "{}", m.text);
        assert!(m.text.contains("- Li <script>: 4 / 3 / 2 / 3 of 4 / 1"), "{}", m.text);
        assert!(
            m.html.contains("Li &lt;script&gt;") && !m.html.contains("<script>"),
            "{}",
            m.html
        );
        let weekly = Period::previous(fieldline_mobile_api::ReportKind::Weekly, "2026-11-23".parse().unwrap());
        r.kind = weekly.kind;
        r.period = weekly.label();
        assert_eq!(
            service_report(&r, None, Language::En).unwrap().subject,
            "Weekly service summary 2026-W47"
        );
    }
}
