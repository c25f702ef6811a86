//! The knowledge base's search speed: fills a fresh database with published articles (half
//! Chinese, half English, made from a fixed vocabulary), then times the staff's search
//! (`service::knowledge_search::search`: the query prepared, the full-text index of the
//! backend, the articles read back) for a mix of two-character Chinese words and English words.
//!
//!   kb_search DATABASE_URL [ARTICLES] [QUERIES]
//!
//! ARTICLES defaults to 10,000 and QUERIES to 2,000. Prints p50, p90 and p99 of one search.
//! The database must be empty (a new SQLite file, or a new PostgreSQL database).

use chrono::Utc;
use diesel::prelude::*;
use fieldline::db::knowledge::{self as store, ArticleFields};
use fieldline::db::schema::users;
use fieldline::db::{self, write};
use fieldline::error::AppError;
use fieldline::policy::Caller;
use fieldline::service::knowledge::reindex;
use fieldline::service::knowledge_search::{search, Searching};
use fieldline::service::Who;
use fieldline_mobile_api::{ArticleAudience, ArticleKind, ArticleStatus, Role, UserId};
use std::time::Instant;

const ZH: &[&str] = &[
    "机房突然断电后UPS报警",
    "空调制冷效果明显下降",
    "蓄电池组温度过高需要检查",
    "整流模块故障指示灯常亮",
    "市电中断后发电机没有启动",
    "配电柜空气开关频繁跳闸",
    "远程监控平台显示设备离线",
    "风扇噪音大并伴有焦糊味",
    "逆变器输出电压不稳定",
    "显示屏出现错误代码E42",
    "电池放电时间比额定值短",
    "精密空调高压告警反复出现",
];
const EN: &[&str] = &[
    "the router restarts after a power loss",
    "battery backup fails to charge overnight",
    "cooling fan is noisy and overheating",
    "remote monitoring goes offline every evening",
    "circuit breaker trips when the load increases",
    "inverter alarm sounds during the bypass transfer",
    "display shows error code E42 after restarting",
    "rectifier module reports a communication failure",
    "generator does not start when mains power fails",
    "air conditioner stops cooling the server room",
    "batteries discharge faster than rated",
    "firmware upgrade leaves the controller unresponsive",
];
const QUERIES: &[&str] = &[
    "断电",
    "跳闸",
    "离线",
    "空调",
    "电池",
    "告警",
    "风扇",
    "逆变器",
    "restarting",
    "charging",
    "offline",
    "breaker",
    "cooling",
    "firmware",
    "batteries",
    "generator",
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("usage: kb_search DATABASE_URL [ARTICLES] [QUERIES]"))?;
    let articles: usize = args.get(1).map_or(Ok(10_000), |n| n.parse())?;
    let queries: usize = args.get(2).map_or(Ok(2_000), |n| n.parse())?;
    let pool = db::connect(url, 2)?;
    let mut c = pool.get()?;
    let now = Utc::now();
    fieldline::service::users::ensure_first_admin(&mut c, now, Some("bench-admin-password".into()))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let admin: i64 = users::table.select(users::id).order(users::id).first(&mut c)?;
    let started = Instant::now();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for batch in (0..articles).collect::<Vec<_>>().chunks(500) {
        let made: Vec<ArticleFields> = batch
            .iter()
            .map(|i| {
                let (words, sep) = if i % 2 == 0 { (ZH, "，") } else { (EN, ". ") };
                let title = format!("{} {}", words[next(words.len())], i);
                let body: Vec<&str> = (0..6 + next(6)).map(|_| words[next(words.len())]).collect();
                ArticleFields {
                    kind: ArticleKind::Troubleshooting,
                    title,
                    body: body.join(sep),
                    audience: ArticleAudience::Staff,
                    regions: Vec::new(),
                    tags: vec![format!("tag{}", i % 40)],
                    models: vec![format!("UPS-{}", i % 25)],
                }
            })
            .collect();
        write(&mut c, |c| {
            for f in &made {
                let id = store::insert(c, f, admin, now)?;
                store::set_status(c, id, ArticleStatus::Published, None, now)?;
                reindex(c, id, f)?;
            }
            Ok::<_, AppError>(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    println!(
        "{articles} articles written and indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let who = Who {
        caller: Caller::new(UserId(admin), Role::Admin),
        at: now,
    };
    let mut times = Vec::with_capacity(queries);
    let mut found = 0usize;
    for i in 0..queries {
        let q = QUERIES[i % QUERIES.len()];
        let t = Instant::now();
        let page = search(
            &mut c,
            &who,
            Searching {
                q: Some(q.into()),
                limit: Some(20),
                ..Searching::default()
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        found += page.items.len();
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{queries} searches ({} hits a search on average): p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        found / queries.max(1),
        at(0.50),
        at(0.90),
        at(0.99)
    );
    Ok(())
}
