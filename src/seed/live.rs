//! The demo's live day: a week of the department's work up to the moment the demo is loaded,
//! made through the services as the demo users (each step at its own moment in the past, the
//! SLA scan run every five minutes of that week as the service would have), so that every
//! ticket has its timeline, audit events and due times from the SLA policies.

use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::db::revisits::RevisitFilter;
use crate::db::DbConn;
use crate::domain::geo::Location;
use crate::domain::visit::StepData;
use crate::policy::dispatch::Act as VisitAct;
use crate::policy::Caller;
use crate::service::surveys::ClosingMail;
use crate::service::tickets::Target;
use crate::service::{self, Who};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use fieldline_mobile_api::{
    LocationPing, OnsiteRequestStatus, RevisitKind, RevisitOutcome, Role, SurveyAnswer, UserId, VisitAssignment,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::HashMap;

/// What the demo's first part made, by name: what the live day refers to.
#[derive(Default)]
pub(super) struct Refs {
    pub users: HashMap<String, (i64, Role)>,
    pub contacts: HashMap<String, i64>,
    /// Site name: (site, customer, latitude, longitude).
    pub sites: HashMap<String, (i64, i64, f64, f64)>,
    /// Serial number: asset.
    pub assets: HashMap<String, i64>,
}

/// What the live day made, for the summary.
#[derive(Default, Debug)]
pub struct LiveDay {
    pub open_tickets: usize,
    pub closed_tickets: usize,
    pub cancelled_tickets: usize,
    pub breached_open: i64,
    pub visits_today: usize,
    pub visits_tomorrow: usize,
    pub unassigned_visits: usize,
    pub pings: usize,
    pub survey_answers: usize,
    pub inspection_plans: usize,
    pub inspections: i64,
    pub revisits: i64,
}

/// A visit window.
#[derive(Debug, Clone, Copy)]
enum Window {
    /// From `.0` to `.1` minutes after the step.
    After(i64, i64),
    /// Two hours today that end in the future (or at the end of today, late in the evening).
    Today,
    /// Local hours tomorrow.
    Tomorrow(u32, u32),
}

/// A ticket as the hotline registers it.
#[derive(Debug)]
struct Call {
    site: &'static str,
    asset: Option<&'static str>,
    contact: &'static str,
    priority: &'static str,
    channel: &'static str,
    title: &'static str,
    description: &'static str,
}

/// One step of a ticket's life.
#[derive(Debug)]
enum Step {
    Register(Call),
    Start,
    Wait(&'static str),
    Callback(&'static str),
    Authorize(&'static str),
    Remote,
    Onsite(Window),
    Handoff(&'static str),
    Arrival,
    Resolve(&'static str),
    Accept(&'static str, &'static str),
    Cancel(&'static str),
    MajorFault {
        location: &'static str,
        symptoms: &'static str,
        plan: &'static str,
    },
    EndMajorFault(&'static str),
    FaultReport {
        author: &'static str,
        root_cause: &'static str,
    },
    Visit,
    AssignVisit(&'static str),
    TechAccept,
    EnRoute,
    CheckIn,
    SurveyByLink(i32, &'static str),
    SurveyByCall(i32, &'static str),
}

/// A step at its moment, by a demo user.
struct Planned {
    at: DateTime<Utc>,
    ticket: String,
    by: &'static str,
    step: Step,
}

struct World<'a> {
    c: &'a mut DbConn,
    refs: &'a Refs,
    settings: &'a Settings,
    keys: TokenKeys,
    id_domain: String,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
    tickets: HashMap<String, i64>,
    visits: HashMap<String, i64>,
    /// Where each ticket's site is.
    places: HashMap<String, (f64, f64)>,
    scanned_to: DateTime<Utc>,
    out: LiveDay,
}

fn body<T: DeserializeOwned>(v: Value) -> anyhow::Result<T> {
    Ok(serde_json::from_value(v)?)
}

const MINUTE: i64 = 1;
const HOUR: i64 = 60;

/// The local moment `h:m` on `day` in `tz`.
fn local(tz: chrono_tz::Tz, day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    let t = day.and_hms_opt(h, m, 0).unwrap_or_default();
    tz.from_local_datetime(&t)
        .earliest()
        .map_or_else(|| t.and_utc(), |t| t.with_timezone(&Utc))
}

impl World<'_> {
    fn who(&self, username: &str, at: DateTime<Utc>) -> anyhow::Result<Who> {
        let (id, role) = self
            .refs
            .users
            .get(username)
            .ok_or_else(|| anyhow::anyhow!("the live day names an unknown user `{username}`"))?;
        Ok(Who {
            caller: Caller::new(UserId(*id), *role),
            at,
        })
    }

    /// Runs the SLA scan every five minutes up to `to`, as the running service does every minute.
    fn scan_until(&mut self, to: DateTime<Utc>) -> anyhow::Result<()> {
        let step = self.settings.escalation_step();
        while self.scanned_to + Duration::minutes(5) <= to {
            self.scanned_to += Duration::minutes(5);
            service::sla_scan::scan(self.c, self.scanned_to, step)?;
        }
        Ok(())
    }

    fn window(&self, w: Window, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let today = self.now.with_timezone(&self.tz).date_naive();
        match w {
            Window::After(a, b) => {
                // A window under way at midnight starts today, so that the visits of the last
                // hours are on today's board whenever the demo is loaded.
                let (start, end) = (at + Duration::minutes(a), at + Duration::minutes(b));
                let midnight = local(self.tz, today, 0, 0);
                if start < midnight && end > midnight {
                    (midnight, end)
                } else {
                    (start, end)
                }
            }
            Window::Today => {
                let end_of_day = local(self.tz, today, 23, 59);
                let end = (self.now + Duration::hours(3)).min(end_of_day);
                (end - Duration::hours(2), end)
            }
            Window::Tomorrow(a, b) => {
                let day = today.succ_opt().unwrap_or(today);
                (local(self.tz, day, a, 0), local(self.tz, day, b, 0))
            }
        }
    }

    fn ticket(&self, key: &str) -> anyhow::Result<i64> {
        self.tickets
            .get(key)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("the live day's ticket `{key}` is not registered yet"))
    }

    fn visit(&self, key: &str) -> anyhow::Result<i64> {
        self.visits
            .get(key)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("the live day's ticket `{key}` has no visit yet"))
    }

    fn visit_step(&mut self, who: &Who, key: &str, act: VisitAct, data: StepData) -> anyhow::Result<()> {
        let id = self.visit(key)?;
        let version = service::visits::get(self.c, who, id)?.version;
        let (settings, keys, id_domain) = (self.settings, &self.keys, self.id_domain.as_str());
        let closing = ClosingMail {
            keys,
            public_url: settings.public_url.trim_end_matches('/'),
            link_ttl: settings.surveys.link_ttl(),
            id_domain,
        };
        crate::db::write(self.c, |c| {
            service::visit_steps::take(c, who, act, (id, version), data, (settings, closing))
        })?;
        Ok(())
    }

    fn apply(&mut self, p: Planned) -> anyhow::Result<()> {
        let Planned {
            at,
            ticket: key,
            by,
            step,
        } = p;
        let what = format!("{step:?}");
        self.apply_step(at, &key, by, step)
            .map_err(|e| anyhow::anyhow!("the demo's live day, ticket `{key}`, {what} by {by}: {e}"))
    }

    fn apply_step(&mut self, at: DateTime<Utc>, key: &str, by: &str, step: Step) -> anyhow::Result<()> {
        use service::tickets_requests as tr;
        let who = self.who(by, at)?;
        let s = self.settings;
        let note = |r: &str| -> anyhow::Result<fieldline_mobile_api::Note> { body(json!({ "reason": r })) };
        if let Step::Register(call) = &step {
            let (site, customer, lat, lon) = *self
                .refs
                .sites
                .get(call.site)
                .ok_or_else(|| anyhow::anyhow!("no demo site `{}`", call.site))?;
            let asset = call.asset.and_then(|a| self.refs.assets.get(a).copied());
            let contact = self.refs.contacts.get(call.contact).copied();
            let t = tr::register(
                self.c,
                crate::db::group_writer::Commit::Alone,
                &who,
                body(json!({
                    "customer_id": customer, "contact_id": contact, "site_id": site, "asset_id": asset,
                    "channel": call.channel, "priority": call.priority, "title": call.title,
                    "description": call.description,
                }))?,
                s,
            )?;
            self.tickets.insert(key.to_string(), t.id.0);
            self.places.insert(key.to_string(), (lat, lon));
            return Ok(());
        }
        let id = self.ticket(key)?;
        let t = Target::from(id);
        match step {
            Step::Register(_) => unreachable!("handled above"),
            Step::Start => {
                tr::start(self.c, &who, t, note("")?, s)?;
            }
            Step::Wait(why) => {
                tr::wait(self.c, &who, t, note(why)?, s)?;
            }
            Step::Callback(why) => {
                tr::request_callback(self.c, &who, t, note(why)?, s)?;
            }
            Step::Authorize(contact) => {
                tr::authorize(
                    self.c,
                    &who,
                    t,
                    body(json!({"authorized_by": contact, "method": "phone", "note": "电话录音已存档"}))?,
                    s,
                )?;
            }
            Step::Remote => {
                tr::escalate(
                    self.c,
                    &who,
                    t,
                    body(json!({"to": "remote", "reason": "热线指导未能排除故障"}))?,
                    s,
                )?;
            }
            Step::Onsite(w) => {
                let (from, to) = self.window(w, at);
                tr::escalate(
                    self.c,
                    &who,
                    t,
                    body(json!({"to": "onsite", "window_start": from, "window_end": to,
                                "reason": "远程处理未能排除故障，需上门"}))?,
                    s,
                )?;
            }
            Step::Handoff(to) => {
                let (to, _) = self.refs.users[to];
                tr::handoff(
                    self.c,
                    &who,
                    t,
                    body(json!({"to_user_id": to, "reason": "转远程工程师处理"}))?,
                    s,
                )?;
            }
            Step::Arrival => {
                tr::arrival(self.c, &who, t, body(json!({}))?, s)?;
            }
            Step::Resolve(how) => {
                tr::resolve(self.c, &who, t, note(how)?, s)?;
            }
            Step::Accept(contact, comment) => {
                let b = body(json!({"accepted_by": contact, "satisfied": true, "comment": comment}))?;
                let closing = ClosingMail {
                    keys: &self.keys,
                    public_url: s.public_url.trim_end_matches('/'),
                    link_ttl: s.surveys.link_ttl(),
                    id_domain: &self.id_domain,
                };
                tr::accept(self.c, &who, t, b, s, closing)?;
            }
            Step::Cancel(why) => {
                tr::cancel(self.c, &who, t, body(json!({ "reason": why }))?, s)?;
            }
            Step::MajorFault {
                location,
                symptoms,
                plan,
            } => {
                service::major_faults::declare(
                    self.c,
                    &who,
                    id,
                    body(json!({"occurred_at": at - Duration::minutes(10), "location": location,
                                "symptoms": symptoms, "handling_plan": plan, "reason": "影响客户核心业务"}))?,
                    s,
                )?;
            }
            Step::EndMajorFault(summary) => {
                service::major_faults::end(self.c, &who, id, body(json!({ "summary": summary }))?, s)?;
            }
            Step::FaultReport { author, root_cause } => {
                let (author_id, _) = self.refs.users[author];
                let r = service::fault_reports::create(
                    self.c,
                    &who,
                    body(json!({"ticket_id": id, "author_id": author_id}))?,
                )?;
                let author = self.who(author, at)?;
                let contact = self.refs.contacts.get("马琳").copied();
                let r = service::fault_reports::update(
                    self.c,
                    &author,
                    r.id.0,
                    r.version,
                    body(json!({
                        "impact": {"description": "10 kV Ⅱ段母线失电约 40 分钟，两条出线停电，涉及周边工业用户。",
                                   "customers_affected": 1, "sites_affected": 1, "assets_affected": 1,
                                   "downtime_minutes": 40},
                        "root_cause": root_cause,
                        "corrective_actions": [{"description": "更换受潮的断路器操作机构辅助开关",
                                                "owner_user_id": author_id,
                                                "due_date": (at + Duration::days(7)).date_naive()}],
                        "preventive_actions": [{"description": "雨季前对全站开关柜加装温湿度监测与加热除湿装置",
                                                "owner_name": "钱塘电网运维部",
                                                "due_date": (at + Duration::days(60)).date_naive()}],
                        "contact_ids": contact.into_iter().collect::<Vec<_>>(),
                    }))?,
                )?;
                service::fault_reports::submit(self.c, &author, r.id.0, Some(r.version), body(json!({}))?)?;
            }
            Step::Visit => {
                let request = service::tickets::onsite_requests(
                    self.c,
                    &who,
                    Some(OnsiteRequestStatus::Open),
                    Some(id),
                    None,
                    None,
                )?
                .items
                .into_iter()
                .next()
                .ok_or_else(|| anyhow::anyhow!("no open on-site registration"))?;
                let v = service::visits::create(
                    self.c,
                    &who,
                    body(json!({"onsite_request_id": request.id, "required_level": 2}))?,
                )?;
                self.visits.insert(key.to_string(), v.id.0);
            }
            Step::AssignVisit(tech) => {
                let (tech, _) = self.refs.users[tech];
                let visit = self.visit(key)?;
                service::visits::assign(
                    self.c,
                    &who,
                    visit,
                    VisitAssignment {
                        technician_id: UserId(tech),
                        reason: None,
                    },
                    self.settings,
                )?;
            }
            Step::TechAccept => self.visit_step(&who, key, VisitAct::AcceptVisit, StepData::Accept)?,
            Step::EnRoute => self.visit_step(&who, key, VisitAct::SetOff, StepData::EnRoute)?,
            Step::CheckIn => {
                let (lat, lon) = self.places[key];
                let at_site = Location::parse(lat, lon).map_err(crate::error::AppError::from)?;
                self.visit_step(
                    &who,
                    key,
                    VisitAct::CheckIn,
                    StepData::CheckIn {
                        at: at_site,
                        reason: None,
                    },
                )?
            }
            Step::SurveyByLink(score, comment) => {
                let (jti, issued, expires) = crate::db::surveys::newest_link(self.c, id)?
                    .ok_or_else(|| anyhow::anyhow!("the ticket has no survey link"))?;
                let token = self
                    .keys
                    .issue_survey(id, &jti, crate::db::utc(issued), crate::db::utc(expires))?;
                let answer = SurveyAnswer {
                    score,
                    comment: Some(comment.to_string()),
                };
                service::surveys::answer_by_link(self.c, &self.keys, &token, &answer, at)?;
                self.out.survey_answers += 1;
            }
            Step::SurveyByCall(score, comment) => {
                let filter = RevisitFilter {
                    kind: Some(RevisitKind::Satisfaction),
                    ..RevisitFilter::default()
                };
                let revisit = service::revisits::list(self.c, &who, &filter, Some(100), None)?
                    .items
                    .into_iter()
                    .find(|r| r.ticket_id.map(|t| t.0) == Some(id))
                    .ok_or_else(|| anyhow::anyhow!("the ticket has no satisfaction revisit"))?;
                service::revisits::record_outcome(
                    self.c,
                    &who,
                    revisit.id.0,
                    &RevisitOutcome {
                        reached: true,
                        score: Some(score),
                        comment: Some(comment.to_string()),
                        follow_up_needed: false,
                    },
                    s.escalation_step(),
                )?;
                self.out.survey_answers += 1;
            }
        }
        Ok(())
    }
}

/// A ticket's steps, minutes after it was registered.
struct Script {
    key: String,
    opened: DateTime<Utc>,
    by: &'static str,
    call: Call,
    steps: Vec<(i64, &'static str, Step)>,
}

fn plan_of(scripts: Vec<Script>) -> Vec<Planned> {
    let mut out = Vec::new();
    for s in scripts {
        out.push(Planned {
            at: s.opened,
            ticket: s.key.clone(),
            by: s.by,
            step: Step::Register(s.call),
        });
        for (after, by, step) in s.steps {
            out.push(Planned {
                at: s.opened + Duration::minutes(after),
                ticket: s.key.clone(),
                by,
                step,
            });
        }
    }
    // Stable: a ticket's steps at the same moment keep their order.
    out.sort_by_key(|p| p.at);
    out
}

const AGENT: &str = "wang.fang";
const AGENT2: &str = "li.na";
const REMOTE: &str = "zhao.lei";
const DISPATCH: &str = "sun.hao";
const SUPERVISOR: &str = "huang.jun";

fn ago(now: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    now - Duration::minutes(minutes)
}

/// The open tickets: every tier and state.
#[rustfmt::skip]
fn open_tickets(now: DateTime<Utc>) -> Vec<Script> {
    use Step::*;
    vec![
        // New on the hotline.
        Script { key: "new-1".into(), opened: ago(now, 20), by: AGENT, call: Call {
            site: "文二路支行", asset: Some("APC-SRT6K-9041208"), contact: "高明", priority: "p3", channel: "phone",
            title: "UPS 面板告警，蜂鸣器持续鸣响",
            description: "营业厅 UPS 面板显示“电池异常”，蜂鸣器一直响，目前仍由市电供电，柜面业务正常。" },
            steps: vec![] },
        Script { key: "new-2".into(), opened: ago(now, 6), by: AGENT2, call: Call {
            site: "武林支行", asset: Some("H3C-S5130-2107734"), contact: "高明", priority: "p4", channel: "email",
            title: "接入交换机端口指示灯异常",
            description: "客户邮件：二楼办公区交换机第 12、13 口指示灯橙色闪烁，两台电脑时断时续。" },
            steps: vec![] },
        // A callback promised on the hotline, due within two hours.
        Script { key: "callback".into(), opened: ago(now, 22 * HOUR + 20), by: AGENT, call: Call {
            site: "主校区", asset: Some("RJ-S5750-G1TQ8820"), contact: "唐晓燕", priority: "p4", channel: "phone",
            title: "教学楼核心交换机配置咨询",
            description: "学校信息中心咨询新增录播教室的 VLAN 划分，需要工程师核对现网配置后回电。" },
            steps: vec![(5, AGENT, Start), (8 * MINUTE, AGENT, Callback("需查阅该校交换机配置档案后回电答复"))] },
        // Waiting on the customer on the hotline.
        Script { key: "wait-hotline".into(), opened: ago(now, 3 * HOUR), by: AGENT2, call: Call {
            site: "银湖工厂", asset: Some("AC-GA90-API811204"), contact: "江涛", priority: "p3", channel: "phone",
            title: "空压机排气温度高报警停机",
            description: "2 号空压机运行约一小时后报“排气温度高”停机，复位后可再次启动。" },
            steps: vec![(10, AGENT2, Start), (40, AGENT2, Wait("等待客户提供控制器报警记录照片和冷却器清洁情况"))] },
        // In progress on remote, with the customer's authorization.
        Script { key: "remote".into(), opened: ago(now, 2 * HOUR + 50), by: AGENT, call: Call {
            site: "临平数据中心", asset: Some("HW-CE16808-0031928"), contact: "高明", priority: "p2", channel: "phone",
            title: "核心交换机板卡频繁重启",
            description: "数据中心核心交换机 3 号业务板卡一小时内重启 4 次，部分服务器链路闪断。" },
            steps: vec![(4, AGENT, Start), (12, AGENT, Authorize("高明")), (15, AGENT, Remote), (16, AGENT, Handoff(REMOTE))] },
        // Waiting on the customer on remote.
        Script { key: "wait-remote".into(), opened: ago(now, 26 * HOUR), by: AGENT2, call: Call {
            site: "良渚220千伏变电站", asset: Some("ABB-REF615-3391042"), contact: "马琳", priority: "p3", channel: "phone",
            title: "馈线保护装置通信中断",
            description: "后台监控显示 10 kV 馈线保护装置通信中断，装置本体运行灯正常。" },
            steps: vec![(10, AGENT2, Start), (25, AGENT2, Authorize("马琳")), (30, AGENT2, Remote), (32, AGENT2, Handoff(REMOTE)),
                        (3 * HOUR, REMOTE, Wait("等待客户安排停电窗口后远程升级装置固件"))] },
        // On site: a visit today, not yet assigned.
        Script { key: "visit-unassigned".into(), opened: ago(now, 2 * HOUR), by: AGENT, call: Call {
            site: "萧山分院", asset: Some("MD-CCWE-3300917"), contact: "钱慧", priority: "p2", channel: "phone",
            title: "冷水机组压缩机无法启动",
            description: "分院冷水机组报“轴承位置异常”无法启动，门诊楼空调供冷不足。" },
            steps: vec![(5, AGENT, Start), (15, AGENT, Authorize("钱慧")), (20, AGENT, Remote), (22, AGENT, Handoff(REMOTE)),
                        (80, REMOTE, Onsite(Window::Today)), (90, DISPATCH, Visit)] },
        // On site, the technician on the way; an open major fault.
        Script { key: "major".into(), opened: ago(now, 90), by: AGENT, call: Call {
            site: "电网调度控制中心", asset: Some("HW-UPS5KE-0412876"), contact: "周强", priority: "p1", channel: "phone",
            title: "调度中心 UPS 转旁路，部分调度台失电",
            description: "UPS 报整流模块故障并转旁路运行，随后一路输出跳闸，三台调度台失电。" },
            steps: vec![(3, AGENT, Start),
                        (6, AGENT, MajorFault { location: "电网调度控制中心 UPS 机房",
                                                symptoms: "UPS 整流模块故障转旁路，一路输出跳闸，三台调度台失电。",
                                                plan: "已切换至备用电源回路；远程诊断后派工程师携带备件上门更换功率模块。" }),
                        (8, AGENT, Authorize("周强")), (10, AGENT, Remote), (12, AGENT, Handoff(REMOTE)),
                        (40, REMOTE, Onsite(Window::After(5, 125))), (45, DISPATCH, Visit), (47, DISPATCH, AssignVisit("liu.yang")),
                        (50, "liu.yang", TechAccept), (60, "liu.yang", EnRoute)] },
        // On site, the technician checked in.
        Script { key: "on-site".into(), opened: ago(now, 6 * HOUR), by: AGENT2, call: Call {
            site: "开发区工厂", asset: Some("SIE-G120-7714402"), contact: "吴刚", priority: "p2", channel: "phone",
            title: "冲压线变频柜过流跳闸",
            description: "3 号冲压线变频柜启动时报 F30001 过流故障，生产线停线。" },
            steps: vec![(10, AGENT2, Start), (20, AGENT2, Authorize("吴刚")), (25, AGENT2, Remote), (27, AGENT2, Handoff(REMOTE)),
                        (2 * HOUR, REMOTE, Onsite(Window::After(60, 180))), (2 * HOUR + 10, DISPATCH, Visit),
                        (2 * HOUR + 15, DISPATCH, AssignVisit("zhang.wei")), (2 * HOUR + 20, "zhang.wei", TechAccept),
                        (4 * HOUR, "zhang.wei", EnRoute), (4 * HOUR + 40, "zhang.wei", CheckIn)] },
        // On site, waiting for dispatch, breached.
        Script { key: "breached-onsite".into(), opened: ago(now, 7 * HOUR), by: AGENT, call: Call {
            site: "酒店主楼", asset: Some("CUM-C500-7731098"), contact: "何平", priority: "p1", channel: "phone",
            title: "备用柴油发电机无法启动",
            description: "月度试机时柴油发电机组启动失败，控制屏报“启动失败”，酒店当前无备用电源。" },
            steps: vec![(15, AGENT, Start), (30, AGENT, Authorize("何平")), (35, AGENT, Remote), (40, AGENT, Handoff(REMOTE)),
                        (3 * HOUR, REMOTE, Onsite(Window::Today))] },
        // Breached on the hotline: answered after the response target (an hour for a VIP).
        Script { key: "breached-hotline".into(), opened: ago(now, 110), by: AGENT2, call: Call {
            site: "东洲仓库", asset: Some("DK-VRV4-8830125"), contact: "方莉", priority: "p2", channel: "phone",
            title: "仓库多联机室外机高压保护",
            description: "仓库多联机室外机频繁报高压保护停机，库内温度持续升高，存放物料有温控要求。" },
            steps: vec![(75, AGENT2, Start)] },
        // At risk: resolution due within two hours.
        Script { key: "at-risk".into(), opened: ago(now, 34 * HOUR + 30), by: AGENT, call: Call {
            site: "主校区", asset: Some("GR-GMV6-2408817"), contact: "唐晓燕", priority: "p2", channel: "phone",
            title: "多联机室外机通讯故障",
            description: "行政楼多联机室外机报 C0 通讯故障，三层办公室空调全部无法开机。" },
            steps: vec![(20, AGENT, Start), (50, AGENT, Authorize("唐晓燕")), (60, AGENT, Remote), (65, AGENT, Handoff(REMOTE)),
                        (4 * HOUR, REMOTE, Onsite(Window::After(30, 150))), (5 * HOUR, REMOTE, Arrival)] },
        // Visits tomorrow: one booked, one waiting for a technician.
        Script { key: "tomorrow-assigned".into(), opened: ago(now, 5 * HOUR), by: AGENT, call: Call {
            site: "临平数据中心", asset: Some("VT-PDX60-6003374"), contact: "高明", priority: "p3", channel: "phone",
            title: "精密空调加湿器报警",
            description: "数据中心 2 号精密空调报“加湿器电流高”，湿度缓慢下降。" },
            steps: vec![(10, AGENT, Start), (20, AGENT, Authorize("高明")), (25, AGENT, Remote), (27, AGENT, Handoff(REMOTE)),
                        (3 * HOUR, REMOTE, Onsite(Window::Tomorrow(9, 11))), (3 * HOUR + 10, DISPATCH, Visit),
                        (3 * HOUR + 15, DISPATCH, AssignVisit("zhou.bin"))] },
        Script { key: "tomorrow-unassigned".into(), opened: ago(now, 4 * HOUR), by: AGENT2, call: Call {
            site: "银湖工厂", asset: Some("SE-PREM-4420318"), contact: "方莉", priority: "p3", channel: "phone",
            title: "开关柜带电显示器不亮",
            description: "10 kV 开关柜带电显示器 B 相指示灯不亮，柜体运行正常。" },
            steps: vec![(10, AGENT2, Start), (20, AGENT2, Authorize("方莉")), (25, AGENT2, Remote), (27, AGENT2, Handoff(REMOTE)),
                        (2 * HOUR, REMOTE, Onsite(Window::Tomorrow(14, 16))), (2 * HOUR + 30, DISPATCH, Visit)] },
        // Resolved, waiting for the customer's acceptance.
        Script { key: "resolved".into(), opened: ago(now, 5 * HOUR), by: AGENT2, call: Call {
            site: "武林支行", asset: Some("APC-SRT10K-9035517"), contact: "高明", priority: "p3", channel: "phone",
            title: "UPS 自检失败告警",
            description: "UPS 每周自检后报“自检失败”，设备仍在线运行。" },
            steps: vec![(5, AGENT2, Start), (60, AGENT2, Resolve("指导客户重新校准电池后自检通过，待客户确认"))] },
        // Cancelled: a repeated call.
        Script { key: "cancelled".into(), opened: ago(now, 4 * HOUR), by: AGENT2, call: Call {
            site: "开发区工厂", asset: Some("VT-NXR60-6017740"), contact: "吴刚", priority: "p4", channel: "phone",
            title: "UPS 风扇噪音大",
            description: "客户反映 UPS 风扇噪音明显变大。" },
            steps: vec![(10, AGENT2, Cancel("客户确认噪音来自旁边的变频柜，非 UPS 问题"))] },
    ]
}

/// A closed ticket of the past week.
struct Closed {
    days_ago: u64,
    hour: u32,
    site: &'static str,
    asset: &'static str,
    contact: &'static str,
    priority: &'static str,
    agent: &'static str,
    remote: bool,
    title: &'static str,
    fix: &'static str,
    survey: Survey,
}

enum Survey {
    Link(i32, &'static str),
    Call(i32, &'static str),
    None,
}

#[rustfmt::skip]
const CLOSED: &[Closed] = &[
    Closed { days_ago: 7, hour: 9, site: "电网调度控制中心", asset: "VT-PEX4-2207731", contact: "周强", priority: "p3", agent: AGENT, remote: true,
             title: "精密空调回风温度偏高", fix: "远程调整压缩机运行参数，清洗过滤网后恢复", survey: Survey::Call(5, "处理很及时") },
    Closed { days_ago: 7, hour: 14, site: "武林支行", asset: "APC-SRT10K-9035517", contact: "高明", priority: "p4", agent: AGENT2, remote: false,
             title: "UPS 电池更换咨询", fix: "告知电池更换周期及报价流程", survey: Survey::Call(4, "解答清楚") },
    Closed { days_ago: 6, hour: 10, site: "银湖工厂", asset: "ABB-ACS880-5521907", contact: "江涛", priority: "p3", agent: AGENT, remote: true,
             title: "变频器参数丢失", fix: "远程恢复参数备份，试运行正常", survey: Survey::Link(5, "远程就解决了，省了很多时间") },
    Closed { days_ago: 6, hour: 15, site: "酒店主楼", asset: "TR-CVHE-L1604477", contact: "于洁", priority: "p3", agent: AGENT2, remote: false,
             title: "冷水机组出水温度设定咨询", fix: "指导客户调整出水温度设定值", survey: Survey::Call(3, "第一次电话没有说清楚") },
    Closed { days_ago: 5, hour: 9, site: "临平数据中心", asset: "HW-UPS5KH-7781236", contact: "高明", priority: "p2", agent: AGENT, remote: true,
             title: "UPS 并机通信告警", fix: "远程复位并机通信板，告警消除", survey: Survey::Link(4, "响应快") },
    Closed { days_ago: 5, hour: 16, site: "萧山分院", asset: "VT-EXM160-1608821", contact: "钱慧", priority: "p3", agent: AGENT2, remote: false,
             title: "UPS 面板时间不准", fix: "指导客户校准系统时间", survey: Survey::None },
    Closed { days_ago: 4, hour: 11, site: "主校区", asset: "RJ-S5750-G1TQ8820", contact: "唐晓燕", priority: "p3", agent: AGENT, remote: true,
             title: "机房交换机端口 err-disable", fix: "远程恢复端口并关闭环路检测误报", survey: Survey::Call(5, "工程师很专业") },
    Closed { days_ago: 3, hour: 10, site: "东洲仓库", asset: "DK-VRV4-8830125", contact: "方莉", priority: "p4", agent: AGENT2, remote: false,
             title: "室内机遥控器无响应", fix: "指导更换遥控器电池并重新配对", survey: Survey::Link(4, "") },
    Closed { days_ago: 2, hour: 9, site: "良渚220千伏变电站", asset: "ABB-REF615-3391042", contact: "马琳", priority: "p3", agent: AGENT, remote: true,
             title: "保护装置对时异常", fix: "远程修改 SNTP 服务器地址，对时恢复", survey: Survey::Link(5, "非常满意") },
    Closed { days_ago: 2, hour: 15, site: "开发区工厂", asset: "VT-NXR60-6017740", contact: "吴刚", priority: "p3", agent: AGENT2, remote: false,
             title: "UPS 输出电压波动咨询", fix: "确认为负载冲击引起，属正常范围", survey: Survey::None },
    Closed { days_ago: 1, hour: 10, site: "文二路支行", asset: "APC-SRT6K-9041208", contact: "高明", priority: "p4", agent: AGENT, remote: false,
             title: "UPS 网管卡无法登录", fix: "指导客户重置网管卡密码", survey: Survey::Link(2, "等了很久才有人接电话") },
    Closed { days_ago: 1, hour: 14, site: "总院3号楼设备机房", asset: "SIE-S8-0066310", contact: "沈瑜", priority: "p3", agent: AGENT2, remote: true,
             title: "配电柜智能仪表数据不刷新", fix: "远程重启通讯管理机，数据恢复刷新", survey: Survey::None },
];

#[rustfmt::skip]
fn closed_tickets(now: DateTime<Utc>, tz: chrono_tz::Tz) -> Vec<Script> {
    use Step::*;
    let today = now.with_timezone(&tz).date_naive();
    let mut out = Vec::new();
    for (i, k) in CLOSED.iter().enumerate() {
        let day = today - chrono::Days::new(k.days_ago);
        let opened = local(tz, day, k.hour, 5 + 7 * i as u32 % 40);
        if opened + Duration::hours(3) > now {
            continue;
        }
        let mut steps = vec![(6, k.agent, Start)];
        let done_by = if k.remote {
            steps.extend([(15, k.agent, Authorize(k.contact)), (18, k.agent, Remote), (20, k.agent, Handoff(REMOTE))]);
            REMOTE
        } else {
            k.agent
        };
        steps.push((70, done_by, Resolve(k.fix)));
        steps.push((150, k.agent, Accept(k.contact, "确认恢复正常")));
        match k.survey {
            Survey::Link(score, comment) => steps.push((5 * HOUR, k.agent, SurveyByLink(score, comment))),
            Survey::Call(score, comment) => {
                // The satisfaction call, on the day it is due, when that has come.
                let due = local(tz, day + chrono::Days::new(3), 10, 30);
                if due < now {
                    steps.push(((due - opened).num_minutes(), AGENT2, SurveyByCall(score, comment)));
                }
            }
            Survey::None => {}
        }
        out.push(Script { key: format!("closed-{i}"), opened, by: k.agent, call: Call {
            site: k.site, asset: Some(k.asset), contact: k.contact, priority: k.priority, channel: "phone",
            title: k.title, description: k.title }, steps });
    }
    out
}

/// A major fault three days ago, ended, closed, and its fault analysis report submitted.
#[rustfmt::skip]
fn fault_report_ticket(now: DateTime<Utc>, tz: chrono_tz::Tz) -> Script {
    use Step::*;
    let day = now.with_timezone(&tz).date_naive() - chrono::Days::new(3);
    Script { key: "fault-report".into(), opened: local(tz, day, 7, 40), by: AGENT, call: Call {
        site: "良渚220千伏变电站", asset: Some("ABB-ZS1-1608832"), contact: "马琳", priority: "p1", channel: "phone",
        title: "10 kV 开关柜断路器拒合，Ⅱ段母线失电",
        description: "雨后 10 kV Ⅱ段进线开关柜断路器拒合，Ⅱ段母线失电，两条出线停电。" },
        steps: vec![(4, AGENT, Start),
                    (6, AGENT, MajorFault { location: "良渚220千伏变电站 10 kV 开关室",
                                            symptoms: "Ⅱ段进线断路器拒合，Ⅱ段母线失电，两条出线停电。",
                                            plan: "客户已倒闸由Ⅰ段带全部负荷；派工程师携带操作机构备件上门。" }),
                    (8, AGENT, Authorize("马琳")), (10, AGENT, Remote), (12, AGENT, Handoff(REMOTE)),
                    (25, REMOTE, Onsite(Window::After(10, 90))), (85, REMOTE, Arrival),
                    (3 * HOUR, SUPERVISOR, EndMajorFault("更换辅助开关后断路器合闸成功，Ⅱ段母线恢复供电。")),
                    (3 * HOUR + 30, REMOTE, Resolve("更换断路器操作机构辅助开关，分合闸试验正常")),
                    (5 * HOUR, AGENT, Accept("马琳", "已恢复正常供电")),
                    (26 * HOUR, SUPERVISOR, FaultReport { author: "zhou.bin",
                        root_cause: "断路器操作机构辅助开关受潮锈蚀，接点接触不良，合闸回路断开导致拒合。" })] }
}

/// A skill and its level.
type Skill = (&'static str, i32);

/// The technicians' homes, skills and where they are now.
#[rustfmt::skip]
const TECHNICIANS: &[(&str, f64, f64, &[Skill])] = &[
    ("liu.yang", 30.3080, 120.1350, &[("ups", 4), ("power", 3)]),
    ("zhang.wei", 30.1830, 120.2700, &[("drives", 4), ("hvac", 3)]),
    ("zhou.bin", 30.4000, 120.2900, &[("switchgear", 4), ("power", 4)]),
    ("wu.di", 30.0500, 120.0100, &[("hvac", 4), ("network", 2)]),
];

fn profiles(w: &mut World<'_>, at: DateTime<Utc>) -> anyhow::Result<()> {
    let admin = w.who("chen.jing", at)?;
    let day = json!({"start": "08:00", "end": "18:00"});
    let week = json!([day, day, day, day, day, day, null]);
    for (username, lat, lon, skills) in TECHNICIANS {
        let (id, _) = w.refs.users[*username];
        let skills: Vec<Value> = skills.iter().map(|(s, l)| json!({"skill": s, "level": l})).collect();
        service::technicians::put_profile(
            w.c,
            &admin,
            id,
            body(
                json!({"home_latitude": lat, "home_longitude": lon, "daily_capacity": 6, "week": week, "skills": skills}),
            )?,
        )?;
    }
    Ok(())
}

/// Positions over the last half hour: from home towards where each technician is now (the site
/// of their visit under way, or near home).
fn pings(w: &mut World<'_>) -> anyhow::Result<()> {
    let now = w.now;
    let targets: [(&str, Option<&str>); 4] = [
        ("liu.yang", Some("major")),
        ("zhang.wei", Some("on-site")),
        ("zhou.bin", None),
        ("wu.di", None),
    ];
    for (username, visit) in targets {
        let &(_, home_lat, home_lon, _) = TECHNICIANS
            .iter()
            .find(|t| t.0 == username)
            .ok_or_else(|| anyhow::anyhow!("no technician {username}"))?;
        let who = w.who(username, now)?;
        let (to_lat, to_lon, share) = match visit {
            Some(key) => {
                let (lat, lon) = w.places[key];
                // On the way: two thirds of the road; on site: there.
                let share = if key == "on-site" { 1.0 } else { 0.66 };
                (lat, lon, share)
            }
            None => (home_lat + 0.01, home_lon + 0.012, 1.0),
        };
        let pings: Vec<LocationPing> = (0..7)
            .map(|i| {
                let f = share * f64::from(i) / 6.0;
                LocationPing {
                    at: now - Duration::minutes(30 - 5 * i64::from(i)),
                    latitude: home_lat + (to_lat - home_lat) * f,
                    longitude: home_lon + (to_lon - home_lon) * f,
                    accuracy_m: 12.0,
                }
            })
            .collect();
        let n = pings.len();
        let request = service::phone::ping_request(
            &who,
            service::phone::PhonePost {
                key: Some(format!("demo-{username}")),
                hash: format!("demo-{username}"),
                body: json!({ "pings": pings }),
                read: |v| {
                    serde_json::from_value(v).map_err(|e| crate::error::AppError::validation("pings", e.to_string()))
                },
            },
        )?;
        crate::db::pings::store_now(w.c, &request)?;
        w.out.pings += n;
    }
    Ok(())
}

#[rustfmt::skip]
fn inspection_plans(w: &mut World<'_>, at: DateTime<Utc>) -> anyhow::Result<()> {
    let who = w.who(SUPERVISOR, at)?;
    let today = w.now.with_timezone(&w.tz).date_naive();
    let plans = [
        ("总院3号楼设备机房", "总院机房季度巡检", vec!["CAR-19DV-4410273", "SIE-S8-0066310"], 3, "hvac", 2u64),
        ("临平数据中心", "数据中心月度巡检", vec!["HW-UPS5KH-7781236", "VT-PDX60-6003374"], 1, "power", 4),
    ];
    for (site, name, assets, months, skill, in_days) in plans {
        let (site, customer, _, _) = w.refs.sites[site];
        let assets: Vec<i64> = assets.iter().map(|a| w.refs.assets[*a]).collect();
        service::inspections::create_plan(w.c, &who, &body(json!({
            "customer_id": customer, "site_id": site, "name": name, "asset_ids": assets,
            "frequency_months": months, "required_skill": skill, "required_level": 2,
            "starts_on": today + chrono::Days::new(in_days), "notes": "按合同约定的巡检内容执行，巡检后提交巡检记录。"
        }))?)?;
        w.out.inspection_plans += 1;
    }
    Ok(())
}

/// Loads the live day, up to `now`.
pub(super) fn load(c: &mut DbConn, refs: &Refs, settings: &Settings, now: DateTime<Utc>) -> anyhow::Result<LiveDay> {
    let tz = crate::db::sla::calendar(c)?.tz;
    let start = now - Duration::days(8);
    let mut w = World {
        c,
        refs,
        settings,
        keys: TokenKeys::new(settings),
        id_domain: settings.mail.id_domain(),
        tz,
        now,
        tickets: HashMap::new(),
        visits: HashMap::new(),
        places: HashMap::new(),
        scanned_to: start,
        out: LiveDay::default(),
    };
    profiles(&mut w, start)?;
    inspection_plans(&mut w, start)?;

    let mut scripts = closed_tickets(now, tz);
    scripts.push(fault_report_ticket(now, tz));
    scripts.extend(open_tickets(now));
    let plan = plan_of(scripts);
    for p in plan {
        w.scan_until(p.at)?;
        w.apply(p)?;
    }
    w.scan_until(now)?;
    service::sla_scan::scan(w.c, now, settings.escalation_step())?;

    // What the nightly jobs would have made by now.
    let r = &settings.revisits;
    let generation = service::revisit_generation::GenerationSettings {
        cadence: r.cadence(),
        horizon_days: r.horizon_days,
    };
    service::revisit_generation::generate(w.c, now, generation)?;
    let i = &settings.inspections;
    let (_, made) = service::inspection_generation::generate(w.c, now, i.horizon_days, i.visit_length())?;
    w.out.inspections = made;

    pings(&mut w)?;
    count(&mut w)?;
    Ok(w.out)
}

/// Counts what the live day left, for the summary.
fn count(w: &mut World<'_>) -> anyhow::Result<()> {
    use crate::db::schema::{revisits, tickets, visits};
    use diesel::prelude::*;
    let c = &mut *w.c;
    let statuses: Vec<String> = tickets::table.select(tickets::status).load(c)?;
    w.out.closed_tickets = statuses.iter().filter(|s| *s == "closed").count();
    w.out.cancelled_tickets = statuses.iter().filter(|s| *s == "cancelled").count();
    w.out.open_tickets = statuses.len() - w.out.closed_tickets - w.out.cancelled_tickets;
    w.out.breached_open = tickets::table
        .filter(tickets::breached.eq(true))
        .filter(tickets::status.ne_all(["closed", "cancelled"]))
        .count()
        .get_result(c)?;
    let today = w.now.with_timezone(&w.tz).date_naive();
    let open: Vec<(chrono::NaiveDateTime, Option<i64>)> = visits::table
        .filter(visits::status.ne_all([
            "completed",
            "failed",
            "needs_revisit",
            "cancelled",
            "declined_by_customer",
        ]))
        .select((visits::window_start, visits::technician_id))
        .load(c)?;
    for (start, tech) in open {
        let day = crate::db::utc(start).with_timezone(&w.tz).date_naive();
        if day == today {
            w.out.visits_today += 1;
        } else if Some(day) == today.succ_opt() {
            w.out.visits_tomorrow += 1;
        }
        if tech.is_none() {
            w.out.unassigned_visits += 1;
        }
    }
    w.out.revisits = revisits::table
        .filter(revisits::status.eq("due"))
        .count()
        .get_result(c)?;
    Ok(())
}
