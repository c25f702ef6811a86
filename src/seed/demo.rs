//! Command-line data tasks: creating a user, and the demo data set.

use super::live::{LiveDay, Refs};
use crate::db::audit::Actor;
use crate::db::customers::{ContactFields, CustomerFields};
use crate::db::regions::RegionFields;
use crate::db::schema::{assets, service_regions};
use crate::db::sites::{AssetFields, SiteFields};
use crate::db::users::{self, NewUserRow};
use crate::db::{ts, DbConn};
use crate::domain::geo::{Boundary, Location};
use crate::domain::validate;
use chrono::{Days, Months, NaiveDate};
use diesel::prelude::*;
use fieldline_mobile_api::{RegionClass, Role, Tier, User};
use std::fmt::Write as _;

/// Creates a user from the command line (recorded in the audit trail as done by the service).
pub fn create_user(
    url: &str,
    username: &str,
    role: &str,
    display_name: Option<&str>,
    email: Option<&str>,
    password: &str,
) -> anyhow::Result<User> {
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("unknown role `{role}`"))?;
    let username = validate::username(username)?;
    let display_name = validate::text("display_name", display_name.unwrap_or(&username), 200)?;
    let email = validate::optional(email, |v| validate::email("email", v))?;
    validate::password("password", password)?;
    let pool = crate::db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let now = crate::clock::Clock::System.now();
    let user = crate::service::users::create_as(
        &mut conn,
        &Actor::system(now),
        NewUserRow {
            username,
            display_name,
            email,
            phone: None,
            role: role.as_str().into(),
            password_hash: crate::auth::password::hash(password)?,
            active: true,
            created_at: ts(now),
            updated_at: ts(now),
            language: None,
        },
    )?;
    Ok(user)
}

// ---------------------------------------------------------------- the demo data set

/// The environment variable that sets the demo users' password.
pub const DEMO_PASSWORD_VAR: &str = "FIELDLINE_DEMO_PASSWORD";

/// The demo users' password when `FIELDLINE_DEMO_PASSWORD` is unset.
pub const DEFAULT_DEMO_PASSWORD: &str = "fieldline-demo-password";

/// A service region: a name, a class and an outline as (longitude, latitude) positions.
struct RegionSpec {
    name: &'static str,
    class: RegionClass,
    ring: &'static [(f64, f64)],
}

/// Hangzhou: the city centre as the urban region, and rural regions around it that share its
/// edges (so no two regions overlap). Jiande, Chun'an, Tonglu and Lin'an lie outside all four.
#[rustfmt::skip]
const REGIONS: &[RegionSpec] = &[
    RegionSpec {
        name: "杭州主城区（城区）",
        class: RegionClass::Urban,
        ring: &[(120.08, 30.21), (120.17, 30.20), (120.25, 30.22), (120.25, 30.33), (120.16, 30.33), (120.08, 30.31)],
    },
    RegionSpec {
        name: "余杭（郊区）",
        class: RegionClass::Rural,
        ring: &[(119.85, 30.21), (120.08, 30.21), (120.08, 30.31), (120.16, 30.33), (120.25, 30.33), (120.40, 30.33),
                (120.40, 30.55), (119.85, 30.55)],
    },
    RegionSpec {
        name: "萧山（郊区）",
        class: RegionClass::Rural,
        ring: &[(120.25, 30.22), (120.25, 30.33), (120.55, 30.33), (120.55, 29.95), (120.17, 29.95), (120.17, 30.20)],
    },
    RegionSpec {
        name: "富阳（郊区）",
        class: RegionClass::Rural,
        ring: &[(119.85, 29.95), (120.17, 29.95), (120.17, 30.20), (120.08, 30.21), (119.85, 30.21)],
    },
];

struct UserSpec {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    phone: &'static str,
}

const fn user(username: &'static str, display_name: &'static str, role: Role, phone: &'static str) -> UserSpec {
    UserSpec {
        username,
        display_name,
        role,
        phone,
    }
}

/// Staff of every role; the e-mail address is `<username>@example.com`.
#[rustfmt::skip]
const USERS: &[UserSpec] = &[
    user("chen.jing", "陈静", Role::Admin, "+86 138 5710 0101"),
    user("wang.fang", "王芳", Role::Agent, "+86 138 5710 0102"),
    user("li.na", "李娜", Role::Agent, "+86 138 5710 0103"),
    user("zhao.lei", "赵磊", Role::RemoteEngineer, "+86 138 5710 0104"),
    user("sun.hao", "孙浩", Role::Dispatcher, "+86 138 5710 0105"),
    user("liu.yang", "刘洋", Role::Technician, "+86 139 5710 0201"),
    user("zhang.wei", "张伟", Role::Technician, "+86 139 5710 0202"),
    user("huang.jun", "黄军", Role::Supervisor, "+86 138 5710 0106"),
    user("xu.li", "徐丽", Role::AccountManager, "+86 138 5710 0107"),
    user("lin.tao", "林涛", Role::Manager, "+86 138 5710 0108"),
    user("zhou.bin", "周斌", Role::Technician, "+86 139 5710 0203"),
    user("wu.di", "吴迪", Role::Technician, "+86 139 5710 0204"),
];

struct CustomerSpec {
    name: &'static str,
    tier: Tier,
    contacts: &'static [ContactSpec],
    sites: &'static [SiteSpec],
}

struct ContactSpec {
    name: &'static str,
    phone: &'static str,
    email: &'static str,
}

const fn contact(name: &'static str, phone: &'static str, email: &'static str) -> ContactSpec {
    ContactSpec { name, phone, email }
}

struct SiteSpec {
    name: &'static str,
    address: &'static str,
    lat: f64,
    lon: f64,
    /// The region the site lies in (None: deliberately outside every region).
    #[cfg_attr(not(test), allow(dead_code))]
    region: Option<&'static str>,
    assets: &'static [AssetSpec],
}

/// An asset; its dates count back from the day the data is loaded, so the mix of assets in and
/// out of warranty stays the same whenever it is loaded.
struct AssetSpec {
    model: &'static str,
    serial: &'static str,
    purchased_months_ago: u32,
    accepted_days_after_purchase: u64,
    warranty_years: u32,
}

/// An asset: model, serial number, purchased this many months ago, accepted this many days after
/// purchase, with a warranty of this many years from acceptance.
const fn asset(
    model: &'static str,
    serial: &'static str,
    purchased_months_ago: u32,
    accepted_days_after_purchase: u64,
    warranty_years: u32,
) -> AssetSpec {
    AssetSpec {
        model,
        serial,
        purchased_months_ago,
        accepted_days_after_purchase,
        warranty_years,
    }
}

const CENTRAL: Option<&str> = Some("杭州主城区（城区）");
const YUHANG: Option<&str> = Some("余杭（郊区）");
const XIAOSHAN: Option<&str> = Some("萧山（郊区）");
const FUYANG: Option<&str> = Some("富阳（郊区）");

#[rustfmt::skip]
const CUSTOMERS: &[CustomerSpec] = &[
    CustomerSpec {
        name: "钱塘电网供电有限公司",
        tier: Tier::Platinum,
        contacts: &[
            contact("周强", "+86 571 8705 1200", "zhou.qiang@example.com"),
            contact("马琳", "+86 139 0651 2277", "ma.lin@example.com"),
        ],
        sites: &[
            SiteSpec {
                name: "电网调度控制中心",
                address: "杭州市拱墅区莫干山路219号",
                lat: 30.2860, lon: 120.1530, region: CENTRAL,
                assets: &[
                    asset("华为 UPS5000-E 400 kVA 模块化UPS", "HW-UPS5KE-0412876", 20, 30, 3),
                    asset("维谛 Liebert PEX4 45 kW 精密空调", "VT-PEX4-2207731", 50, 21, 3),
                    asset("华为 CloudEngine S6730-H 核心交换机", "HW-S6730H-5566102", 8, 14, 5),
                ],
            },
            SiteSpec {
                name: "良渚220千伏变电站",
                address: "杭州市余杭区良渚街道良睦路9号",
                lat: 30.3740, lon: 120.0350, region: YUHANG,
                assets: &[
                    asset("ABB UniGear ZS1 12 kV 开关柜", "ABB-ZS1-1608832", 96, 60, 5),
                    asset("ABB REF615 馈线保护装置", "ABB-REF615-3391042", 30, 30, 5),
                ],
            },
            SiteSpec {
                name: "新安江水电站控制室",
                address: "杭州市建德市新安江街道新安东路1号",
                lat: 29.4850, lon: 119.2880, region: None,
                assets: &[asset("康明斯 C1100D5 1100 kVA 柴油发电机组", "CUM-C1100-7720145", 64, 45, 2)],
            },
        ],
    },
    CustomerSpec {
        name: "杭州西湖医院",
        tier: Tier::Diamond,
        contacts: &[
            contact("沈瑜", "+86 571 8723 6000", "shen.yu@example.com"),
            contact("钱慧", "+86 137 5800 4312", "qian.hui@example.com"),
        ],
        sites: &[
            SiteSpec {
                name: "总院3号楼设备机房",
                address: "杭州市上城区庆春路88号",
                lat: 30.2590, lon: 120.1780, region: CENTRAL,
                assets: &[
                    asset("开利 AquaEdge 19DV 1500 kW 水冷冷水机组", "CAR-19DV-4410273", 40, 30, 3),
                    asset("施耐德电气 Galaxy VX 500 kVA UPS", "SE-GVX500-118204", 14, 20, 5),
                    asset("西门子 SIVACON S8 低压配电柜", "SIE-S8-0066310", 110, 60, 5),
                ],
            },
            SiteSpec {
                name: "萧山分院",
                address: "杭州市萧山区育才北路728号",
                lat: 30.1750, lon: 120.2680, region: XIAOSHAN,
                assets: &[
                    asset("维谛 Liebert EXM 160 kVA UPS", "VT-EXM160-1608821", 5, 10, 3),
                    asset("美的 CCWE 1000 kW 磁悬浮离心式冷水机组", "MD-CCWE-3300917", 26, 35, 3),
                ],
            },
        ],
    },
    CustomerSpec {
        name: "天目商业银行",
        tier: Tier::Gold,
        contacts: &[contact("高明", "+86 571 8688 3000", "gao.ming@example.com")],
        sites: &[
            SiteSpec {
                name: "武林支行",
                address: "杭州市上城区延安路310号",
                lat: 30.2700, lon: 120.1640, region: CENTRAL,
                assets: &[
                    asset("APC Smart-UPS SRT 10 kVA", "APC-SRT10K-9035517", 44, 7, 3),
                    asset("新华三 S5130S-28P-EI 接入交换机", "H3C-S5130-2107734", 70, 7, 3),
                ],
            },
            SiteSpec {
                name: "文二路支行",
                address: "杭州市西湖区文二路858号",
                lat: 30.2860, lon: 120.1080, region: CENTRAL,
                assets: &[asset("APC Smart-UPS SRT 6 kVA", "APC-SRT6K-9041208", 11, 7, 3)],
            },
            SiteSpec {
                name: "临平数据中心",
                address: "杭州市临平区金宏路1号",
                lat: 30.4210, lon: 120.3010, region: YUHANG,
                assets: &[
                    asset("华为 UPS5000-H 800 kVA 模块化UPS", "HW-UPS5KH-7781236", 18, 45, 5),
                    asset("华为 CloudEngine 16808 核心交换机", "HW-CE16808-0031928", 18, 45, 5),
                    asset("维谛 Liebert PDX 60 kW 精密空调", "VT-PDX60-6003374", 62, 30, 3),
                ],
            },
        ],
    },
    CustomerSpec {
        name: "星河精密机械有限公司",
        tier: Tier::Silver,
        contacts: &[
            contact("江涛", "+86 571 6331 2088", "jiang.tao@example.com"),
            contact("方莉", "+86 135 8801 7621", "fang.li@example.com"),
        ],
        sites: &[
            SiteSpec {
                name: "银湖工厂",
                address: "杭州市富阳区银湖街道金桥北路18号",
                lat: 30.0750, lon: 120.0090, region: FUYANG,
                assets: &[
                    asset("ABB ACS880 250 kW 变频器", "ABB-ACS880-5521907", 34, 20, 2),
                    asset("阿特拉斯·科普柯 GA 90 VSD 空压机", "AC-GA90-API811204", 9, 15, 3),
                    asset("施耐德电气 Premset 12 kV 开关柜", "SE-PREM-4420318", 75, 40, 5),
                ],
            },
            SiteSpec {
                name: "东洲仓库",
                address: "杭州市富阳区东洲街道东洲路66号",
                lat: 30.0550, lon: 120.0600, region: FUYANG,
                assets: &[asset("大金 VRV IV 40 匹多联机室外机", "DK-VRV4-8830125", 28, 14, 3)],
            },
        ],
    },
    CustomerSpec {
        name: "萧山宏达汽车零部件有限公司",
        tier: Tier::Silver,
        contacts: &[contact("吴刚", "+86 571 8287 5510", "wu.gang@example.com")],
        sites: &[SiteSpec {
            name: "开发区工厂",
            address: "杭州市萧山经济技术开发区建设二路1288号",
            lat: 30.2150, lon: 120.3050, region: XIAOSHAN,
            assets: &[
                asset("西门子 SINAMICS G120 变频柜", "SIE-G120-7714402", 38, 25, 2),
                asset("维谛 Liebert NXr 60 kVA UPS", "VT-NXR60-6017740", 3, 10, 3),
            ],
        }],
    },
    CustomerSpec {
        name: "曙光实验中学",
        tier: Tier::Standard,
        contacts: &[contact("唐晓燕", "+86 571 8517 3626", "tang.xiaoyan@example.com")],
        sites: &[SiteSpec {
            name: "主校区",
            address: "杭州市西湖区曙光路60号",
            lat: 30.2720, lon: 120.1450, region: CENTRAL,
            assets: &[
                asset("锐捷 RG-S5750C-28GT4XS-H 交换机", "RJ-S5750-G1TQ8820", 48, 10, 3),
                asset("格力 GMV6 24 匹多联机室外机", "GR-GMV6-2408817", 16, 20, 3),
            ],
        }],
    },
    CustomerSpec {
        name: "湖景花园酒店",
        tier: Tier::Standard,
        contacts: &[
            contact("何平", "+86 571 8799 8888", "he.ping@example.com"),
            contact("于洁", "+86 186 5712 3409", "yu.jie@example.com"),
        ],
        sites: &[SiteSpec {
            name: "酒店主楼",
            address: "杭州市西湖区北山街2号",
            lat: 30.2600, lon: 120.1500, region: CENTRAL,
            assets: &[
                asset("特灵 CenTraVac CVHE 1200 kW 离心式冷水机组", "TR-CVHE-L1604477", 84, 30, 5),
                asset("康明斯 C500D5 500 kVA 柴油发电机组", "CUM-C500-7731098", 22, 30, 2),
            ],
        }],
    },
];

/// The demo users' password: `FIELDLINE_DEMO_PASSWORD`, or the default when it is unset or blank.
/// The demo's organisation: a hotline shift led by an agent, the remote engineers and a field
/// region led by the supervisor; everyone below the supervisor, the supervisor below the
/// manager; two quality reviewers (so a dispute has a second reviewer) and a knowledge-base editor.
fn organise(
    c: &mut DbConn,
    actor: &Actor,
    users: &std::collections::HashMap<String, (i64, Role)>,
) -> anyhow::Result<()> {
    use fieldline_mobile_api::{StaffGrant, TeamId, TeamInput, TeamKind, UserId, UserOrganisation};
    let id = |name: &str| {
        users
            .get(name)
            .map(|(id, _)| *id)
            .ok_or_else(|| anyhow::anyhow!("the demo data set has no user {name}"))
    };
    let mut team = |name: &str, kind: TeamKind, lead: &str| -> anyhow::Result<TeamId> {
        let input = TeamInput {
            name: name.into(),
            kind,
            lead_id: Some(UserId(id(lead)?)),
            active: true,
        };
        Ok(crate::service::org::create_team_as(c, actor, input)?.id)
    };
    let hotline = team("热线早班", TeamKind::HotlineShift, "wang.fang")?;
    let remote = team("远程支持组", TeamKind::Remote, "huang.jun")?;
    let field = team("杭州现场组", TeamKind::FieldRegion, "huang.jun")?;
    let (supervisor, manager) = (UserId(id("huang.jun")?), UserId(id("lin.tao")?));
    for (username, (_, role)) in users {
        let (team, supervisor, level, grants) = match role {
            Role::Agent => (Some(hotline), Some(supervisor), 2, vec![]),
            Role::RemoteEngineer => (Some(remote), Some(supervisor), 3, vec![]),
            Role::Technician | Role::Dispatcher => (Some(field), Some(supervisor), 2, vec![]),
            Role::Supervisor => (None, Some(manager), 4, vec![StaffGrant::Reviewer]),
            _ => continue,
        };
        let mut grants = grants;
        if username == "li.na" {
            grants.push(StaffGrant::Reviewer);
        }
        if username == "wang.fang" {
            grants.push(StaffGrant::Editor);
        }
        let org = UserOrganisation {
            team_id: team,
            supervisor_id: supervisor,
            level,
            grants,
        };
        crate::service::org::set_organisation_as(c, actor, id(username)?, org)?;
    }
    Ok(())
}

/// The demo's duty roster for two weeks from today: the shift lead 王芳 and 李娜 take turns on
/// the day and the night shift; the supervisor put them there.
fn roster(
    c: &mut DbConn,
    users: &std::collections::HashMap<String, (i64, Role)>,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let id = |name: &str| {
        users
            .get(name)
            .map(|(id, _)| *id)
            .ok_or_else(|| anyhow::anyhow!("the demo data set has no user {name}"))
    };
    let shifts = crate::db::roster::shifts(c)?;
    let shift = |name: &str| {
        shifts
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id)
            .ok_or_else(|| anyhow::anyhow!("no {name} shift"))
    };
    let (day, night) = (shift("Day")?, shift("Night")?);
    let (lead, other, by) = (id("wang.fang")?, id("li.na")?, id("huang.jun")?);
    let today = now.with_timezone(&tz).date_naive();
    for i in 0..14u64 {
        let d = today + chrono::Days::new(i);
        let (on_day, on_night) = if i % 2 == 0 { (lead, other) } else { (other, lead) };
        crate::db::roster::insert_entry(c, d, day, on_day, by, now)?;
        crate::db::roster::insert_entry(c, d, night, on_night, by, now)?;
    }
    Ok(())
}

fn demo_password() -> (String, bool) {
    match std::env::var(DEMO_PASSWORD_VAR) {
        Ok(p) if !p.trim().is_empty() => (p, true),
        _ => (DEFAULT_DEMO_PASSWORD.to_string(), false),
    }
}

/// Loads the demo data set, with its live day up to now; returns a summary to print.
pub fn load(url: &str, settings: &crate::config::Settings) -> anyhow::Result<String> {
    let (password, from_env) = demo_password();
    load_with_password(url, settings, &password, from_env)
}

fn region_exists(c: &mut DbConn, name: &str) -> anyhow::Result<bool> {
    let n: i64 = service_regions::table
        .filter(service_regions::name.eq(name))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

fn serial_exists(c: &mut DbConn, serial: &str) -> anyhow::Result<bool> {
    let n: i64 = assets::table
        .filter(assets::serial_number.eq(serial))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// Refuses to load twice, and refuses to load into a database where a demo name is already taken
/// (which would stop the load half-way).
fn check_not_loaded(c: &mut DbConn) -> anyhow::Result<()> {
    let first = REGIONS[0].name;
    if region_exists(c, first)? {
        anyhow::bail!(
            "the demo data set is already loaded (a service region named `{first}` exists); nothing was added"
        );
    }
    let mut taken = Vec::new();
    for r in &REGIONS[1..] {
        if region_exists(c, r.name)? {
            taken.push(format!("service region `{}`", r.name));
        }
    }
    for u in USERS {
        if users::by_username(c, u.username)?.is_some() {
            taken.push(format!("username `{}`", u.username));
        }
    }
    for a in CUSTOMERS.iter().flat_map(|cs| cs.sites).flat_map(|s| s.assets) {
        if serial_exists(c, a.serial)? {
            taken.push(format!("asset serial number `{}`", a.serial));
        }
    }
    if !taken.is_empty() {
        anyhow::bail!(
            "cannot load the demo data set: these already exist: {}; load it into an empty database (nothing was added)",
            taken.join(", ")
        );
    }
    Ok(())
}

/// What the load created, for the summary.
#[derive(Default)]
struct Loaded {
    urban_regions: usize,
    rural_regions: usize,
    users: Vec<(String, Role)>,
    customers_by_tier: Vec<(Tier, usize)>,
    contacts: usize,
    sites_in_region: usize,
    sites_outside: Vec<String>,
    assets: usize,
    assets_out_of_warranty: usize,
}

fn asset_dates(a: &AssetSpec, today: NaiveDate) -> anyhow::Result<(NaiveDate, NaiveDate, NaiveDate)> {
    let bad = || anyhow::anyhow!("the dates of demo asset {} are out of range", a.serial);
    let purchase = today
        .checked_sub_months(Months::new(a.purchased_months_ago))
        .ok_or_else(bad)?;
    let acceptance = purchase
        .checked_add_days(Days::new(a.accepted_days_after_purchase))
        .ok_or_else(bad)?;
    let warranty_end = acceptance
        .checked_add_months(Months::new(12 * a.warranty_years))
        .ok_or_else(bad)?;
    Ok((purchase, acceptance, warranty_end))
}

/// Loads the demo data set with this password for every demo user (`from_env`: the password
/// came from `FIELDLINE_DEMO_PASSWORD`, so the summary does not print it).
pub fn load_with_password(
    url: &str,
    settings: &crate::config::Settings,
    password: &str,
    from_env: bool,
) -> anyhow::Result<String> {
    validate::password(DEMO_PASSWORD_VAR, password)?;
    let tz: chrono_tz::Tz = settings
        .time_zone
        .parse()
        .map_err(|e| anyhow::anyhow!("FIELDLINE_TIME_ZONE: {e}"))?;
    let pool = crate::db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let c = &mut *conn;
    check_not_loaded(c)?;

    // To the microsecond, as both databases store it (and as the API's clock gives it). The
    // people, customers and sites are made a little earlier than the live day's first step.
    let now = crate::clock::Clock::System.now();
    let then = now - chrono::Duration::days(9);
    let actor = Actor::system(then);
    crate::service::sla::ensure_default_policies(c, &actor)?;
    crate::service::sla::ensure_calendar(c, &actor, tz)?;
    let mut refs = Refs::default();
    let today = now.date_naive();
    let mut out = Loaded::default();

    for r in REGIONS {
        let boundary = Boundary::from_ring(r.ring)?;
        let boundary_json = crate::geojson::boundary_to_value(&boundary).to_string();
        let fields = RegionFields {
            name: r.name.to_string(),
            class: r.class,
            boundary,
            boundary_json,
        };
        crate::service::regions::create_as(c, &actor, fields)?;
        match r.class {
            RegionClass::Urban => out.urban_regions += 1,
            RegionClass::Rural => out.rural_regions += 1,
        }
    }

    // argon2 is slow on purpose: hash once, share the hash.
    let password_hash = crate::auth::password::hash(password)?;
    let mut account_manager = None;
    for u in USERS {
        let email = format!("{}@example.com", u.username);
        let user = crate::service::users::create_as(
            c,
            &actor,
            NewUserRow {
                username: validate::username(u.username)?,
                display_name: validate::text("display_name", u.display_name, 200)?,
                email: Some(validate::email("email", &email)?),
                phone: Some(validate::phone("phone", u.phone)?),
                role: u.role.as_str().into(),
                password_hash: password_hash.clone(),
                active: true,
                created_at: ts(now),
                updated_at: ts(now),
                language: None,
            },
        )?;
        if u.role == Role::AccountManager && account_manager.is_none() {
            account_manager = Some(user.id.0);
        }
        refs.users.insert(u.username.to_string(), (user.id.0, u.role));
        out.users.push((user.username, user.role));
    }
    let account_manager = account_manager.ok_or_else(|| anyhow::anyhow!("the demo data set has no account manager"))?;
    organise(c, &actor, &refs.users)?;
    roster(c, &refs.users, tz, now)?;

    for cs in CUSTOMERS {
        let customer = crate::service::customers::create_as(
            c,
            &actor,
            CustomerFields {
                name: validate::text("name", cs.name, 200)?,
                tier: cs.tier,
                account_manager_id: Some(account_manager),
            },
        )?;
        match out.customers_by_tier.iter_mut().find(|(t, _)| *t == cs.tier) {
            Some((_, n)) => *n += 1,
            None => out.customers_by_tier.push((cs.tier, 1)),
        }
        for k in cs.contacts {
            let contact = crate::service::customers::add_contact_as(
                c,
                &actor,
                customer.id.0,
                ContactFields {
                    name: validate::text("name", k.name, 200)?,
                    phone: Some(validate::phone("phone", k.phone)?),
                    email: Some(validate::email("email", k.email)?),
                    language: fieldline_mobile_api::Language::Zh,
                },
            )?;
            refs.contacts.insert(k.name.to_string(), contact.id.0);
            out.contacts += 1;
        }
        for s in cs.sites {
            let site = crate::service::sites::create_as(
                c,
                &actor,
                customer.id.0,
                SiteFields {
                    name: validate::text("name", s.name, 200)?,
                    address: validate::text("address", s.address, 500)?,
                    location: Location::parse(s.lat, s.lon)?,
                },
            )?;
            refs.sites
                .insert(s.name.to_string(), (site.id.0, customer.id.0, s.lat, s.lon));
            if site.region_id.is_some() {
                out.sites_in_region += 1;
            } else {
                out.sites_outside.push(format!("{} ({})", s.name, cs.name));
            }
            for a in s.assets {
                let (purchase, acceptance, warranty_end) = asset_dates(a, today)?;
                let made = crate::service::sites::create_asset_as(
                    c,
                    &actor,
                    AssetFields {
                        site_id: site.id.0,
                        model: validate::text("model", a.model, 200)?,
                        serial_number: validate::text("serial_number", a.serial, 100)?,
                        purchase_date: Some(purchase),
                        acceptance_date: Some(acceptance),
                        warranty_end: Some(warranty_end),
                    },
                )?;
                refs.assets.insert(a.serial.to_string(), made.id.0);
                out.assets += 1;
                if warranty_end < today {
                    out.assets_out_of_warranty += 1;
                }
            }
        }
    }
    let live = super::live::load(c, &refs, settings, now)?;
    Ok(summary(&out, &live, from_env))
}

fn summary(l: &Loaded, live: &LiveDay, password_from_env: bool) -> String {
    let mut s = String::from("Loaded the demo data set (Hangzhou):\n");
    let tiers: Vec<String> = Tier::ALL
        .iter()
        .filter_map(|t| {
            l.customers_by_tier
                .iter()
                .find(|(x, _)| x == t)
                .map(|(t, n)| format!("{n} {t}"))
        })
        .collect();
    let customers: usize = l.customers_by_tier.iter().map(|(_, n)| n).sum();
    let sites = l.sites_in_region + l.sites_outside.len();
    let _ = writeln!(
        s,
        "  service regions  {:>3}  ({} urban, {} rural)",
        l.urban_regions + l.rural_regions,
        l.urban_regions,
        l.rural_regions
    );
    let _ = writeln!(s, "  users            {:>3}  (every role)", l.users.len());
    let _ = writeln!(s, "  customers        {:>3}  ({})", customers, tiers.join(", "));
    let _ = writeln!(s, "  contacts         {:>3}", l.contacts);
    let _ = writeln!(
        s,
        "  sites            {:>3}  ({} in a service region, {} outside every region)",
        sites,
        l.sites_in_region,
        l.sites_outside.len()
    );
    let _ = writeln!(
        s,
        "  assets           {:>3}  ({} out of warranty)",
        l.assets, l.assets_out_of_warranty
    );
    for site in &l.sites_outside {
        let _ = writeln!(s, "  outside every region: {site}");
    }
    let _ = writeln!(
        s,
        "\nThe live day, up to now (the past week's work, through the services):"
    );
    let _ = writeln!(
        s,
        "  open tickets     {:>3}  (every tier and state; {} breached), {} closed, {} cancelled",
        live.open_tickets, live.breached_open, live.closed_tickets, live.cancelled_tickets
    );
    let _ = writeln!(
        s,
        "  visits           {:>3}  today, {} tomorrow ({} not yet assigned)",
        live.visits_today, live.visits_tomorrow, live.unassigned_visits
    );
    let _ = writeln!(
        s,
        "  positions        {:>3}  (the technicians' last half hour)",
        live.pings
    );
    let _ = writeln!(s, "  survey answers   {:>3}", live.survey_answers);
    let _ = writeln!(
        s,
        "  inspections      {:>3}  upcoming, from {} inspection plans",
        live.inspections, live.inspection_plans
    );
    let _ = writeln!(s, "  revisits due     {:>3}", live.revisits);
    let _ = writeln!(
        s,
        "  and an open major fault, a fault analysis report waiting for review, a callback due within two hours"
    );
    s.push('\n');
    if password_from_env {
        let _ = writeln!(s, "Demo users (password: the value of {DEMO_PASSWORD_VAR}):");
    } else {
        let _ = writeln!(
            s,
            "Demo users (password: `{DEFAULT_DEMO_PASSWORD}`, the default; set {DEMO_PASSWORD_VAR} before loading to choose another):"
        );
    }
    let width = l.users.iter().map(|(u, _)| u.len()).max().unwrap_or(0);
    for (username, role) in &l.users {
        let _ = writeln!(s, "  {username:<width$}  {role}");
    }
    s.truncate(s.trim_end().len());
    s
}

// ---------------------------------------------------------------- the data set at scale

/// The SQLite page cache of the generating connection: 2 GiB (the service keeps 16 MB).
const GENERATOR_CACHE: &str = "PRAGMA cache_size = -2097152";

/// Generates the data set of `fieldline demo --scale n` (`scale::Scale::of(n)`: n technicians,
/// 10n sites, 100n tickets over the past year and the days ahead, a day's positions) into `url`,
/// planned around `now` in the time zone `tz`. Returns a summary to print, and what was made.
pub fn load_scale(
    url: &str,
    n: usize,
    now: chrono::DateTime<chrono::Utc>,
    tz: chrono_tz::Tz,
) -> anyhow::Result<(String, crate::seed::scale::Seeded)> {
    if n == 0 {
        anyhow::bail!("--scale must be at least 1");
    }
    let started = std::time::Instant::now();
    let pool = crate::db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let c = &mut *conn;
    if c.kind() == crate::db::BackendKind::Sqlite {
        // Index pages that stay in memory instead of being read back on every insert; SQLite
        // takes the memory only as the file grows.
        diesel::connection::SimpleConnection::batch_execute(c, GENERATOR_CACHE)?;
    }
    let system = Actor::system(now);
    crate::service::sla::ensure_default_policies(c, &system)?;
    crate::service::sla::ensure_calendar(c, &system, tz)?;
    let seeded = crate::seed::scale::seed(c, crate::seed::scale::Scale::of(n), now, tz)?;
    if c.kind() == crate::db::BackendKind::Postgres {
        // Fresh statistics, as autovacuum would gather after such a burst.
        diesel::connection::SimpleConnection::batch_execute(c, "VACUUM ANALYZE")?;
    } else {
        diesel::connection::SimpleConnection::batch_execute(c, "ANALYZE")?;
    }
    let k = &seeded.counts;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Generated the data set at scale {n} in {:.1} s: {} users ({} technicians), {} customers, {} sites, {} assets,",
        started.elapsed().as_secs_f64(),
        k.users,
        k.technicians,
        k.customers,
        k.sites,
        k.assets
    );
    let _ = writeln!(
        out,
        "{} tickets with {} timeline events, {} visits, {} positions.",
        k.tickets, k.ticket_events, k.visits, k.pings
    );
    let _ = write!(
        out,
        "Every generated user (e.g. `{}`, `{}`) signs in with the password `{}`.",
        seeded.technicians.first().map_or("", |t| t.1.as_str()),
        seeded.staff.first().map_or("", |s| s.1.as_str()),
        seeded.password
    );
    Ok((out, seeded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::{audit_events, contacts, customers, sites, users};
    use std::collections::{BTreeSet, HashMap};

    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut p = self.0.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }

    fn counts(c: &mut DbConn) -> [i64; 7] {
        [
            service_regions::table.count().get_result(c).unwrap(),
            users::table.count().get_result(c).unwrap(),
            customers::table.count().get_result(c).unwrap(),
            contacts::table.count().get_result(c).unwrap(),
            sites::table.count().get_result(c).unwrap(),
            assets::table.count().get_result(c).unwrap(),
            audit_events::table.count().get_result(c).unwrap(),
        ]
    }

    #[test]
    fn the_demo_data_set_loads_once_and_covers_every_role_tier_and_region() {
        let db = TempDb(std::env::temp_dir().join(format!("fieldline-demo-{}.db", uuid::Uuid::new_v4())));
        let url = format!("sqlite://{}", db.0.display());

        let summary = load_with_password(
            &url,
            &crate::config::Settings::default(),
            "a-demo-password-for-tests",
            true,
        )
        .unwrap();
        assert!(summary.contains("FIELDLINE_DEMO_PASSWORD"), "{summary}");
        assert!(
            summary.contains("xu.li") && summary.contains("account_manager"),
            "{summary}"
        );
        assert!(
            !summary.contains("a-demo-password-for-tests"),
            "the summary must not echo the password"
        );

        let pool = crate::db::connect(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let c = &mut *conn;

        let roles: BTreeSet<String> = users::table.select(users::role).load(c).unwrap().into_iter().collect();
        let all_roles: BTreeSet<String> = Role::ALL.iter().map(|r| r.as_str().to_string()).collect();
        assert_eq!(roles, all_roles);

        let tiers: BTreeSet<String> = customers::table
            .select(customers::tier)
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let all_tiers: BTreeSet<String> = Tier::ALL.iter().map(|t| t.as_str().to_string()).collect();
        assert_eq!(tiers, all_tiers);
        let without_manager: i64 = customers::table
            .filter(customers::account_manager_id.is_null())
            .count()
            .get_result(c)
            .unwrap();
        assert_eq!(without_manager, 0);

        // Every site is in the region its spec names; only the deliberately outside ones have none.
        let region_names: HashMap<i64, String> = service_regions::table
            .select((service_regions::id, service_regions::name))
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let placed: HashMap<String, Option<i64>> = sites::table
            .select((sites::name, sites::region_id))
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let specs: Vec<&SiteSpec> = CUSTOMERS.iter().flat_map(|c| c.sites).collect();
        assert_eq!(placed.len(), specs.len(), "site names are unique in the demo data");
        for s in &specs {
            let got = placed[s.name].map(|id| region_names[&id].as_str());
            assert_eq!(got, s.region, "site {}", s.name);
        }
        assert!(
            specs.iter().any(|s| s.region.is_none()),
            "one site lies outside every region"
        );
        for r in REGIONS {
            assert!(
                specs.iter().any(|s| s.region == Some(r.name)),
                "region {} has a site",
                r.name
            );
        }

        // Warranty: some in, some out; dates in order.
        let dates: Vec<(Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>)> = assets::table
            .select((assets::purchase_date, assets::acceptance_date, assets::warranty_end))
            .load(c)
            .unwrap();
        let today = chrono::Utc::now().date_naive();
        for (p, a, w) in &dates {
            let (p, a, w) = (p.unwrap(), a.unwrap(), w.unwrap());
            assert!(p <= a && a < w);
        }
        assert!(dates.iter().any(|(_, _, w)| w.unwrap() < today));
        assert!(dates.iter().any(|(_, _, w)| w.unwrap() >= today));

        // Every row was written through the db functions, each with its audit event.
        let before = counts(c);
        let rows: i64 = before[..6].iter().sum();
        assert!(before[6] > rows, "an audit event per created row, and the live day's");

        let again = load_with_password(
            &url,
            &crate::config::Settings::default(),
            "a-demo-password-for-tests",
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(again.contains("already loaded"), "{again}");
        assert_eq!(counts(c), before, "a second load adds nothing");
    }

    #[test]
    fn every_spec_is_valid_and_serials_are_unique() {
        for r in REGIONS {
            Boundary::from_ring(r.ring).unwrap();
        }
        let serials: Vec<&str> = CUSTOMERS
            .iter()
            .flat_map(|c| c.sites)
            .flat_map(|s| s.assets)
            .map(|a| a.serial)
            .collect();
        assert_eq!(serials.iter().collect::<BTreeSet<_>>().len(), serials.len());
        let usernames: BTreeSet<&str> = USERS.iter().map(|u| u.username).collect();
        assert_eq!(usernames.len(), USERS.len());
        for c in CUSTOMERS {
            assert!((1..=2).contains(&c.contacts.len()), "{}", c.name);
            assert!((1..=3).contains(&c.sites.len()), "{}", c.name);
            for s in c.sites {
                assert!((1..=3).contains(&s.assets.len()), "{}", s.name);
            }
        }
        assert!(validate::password(DEMO_PASSWORD_VAR, DEFAULT_DEMO_PASSWORD).is_ok());
    }

    #[test]
    fn the_scaled_data_set_holds_every_state_of_the_ladder_consistently() {
        use crate::db::schema::{acceptances, location_pings, onsite_requests, ticket_events, tickets, visits};
        use chrono::{DateTime, NaiveDateTime, Utc};
        use fieldline_mobile_api::{LadderTier, TicketStatus, VisitStatus};
        let db = TempDb(std::env::temp_dir().join(format!("fieldline-scale-{}.db", uuid::Uuid::new_v4())));
        let url = format!("sqlite://{}", db.0.display());
        let now: DateTime<Utc> = "2026-11-24T02:00:00Z".parse().unwrap();
        let (summary, seeded) = load_scale(&url, 20, now, chrono_tz::Asia::Shanghai).unwrap();
        assert!(summary.contains("2000 tickets"), "{summary}");

        let pool = crate::db::connect(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let c = &mut *conn;
        let k = &seeded.counts;
        assert_eq!(k.technicians, 20);
        assert_eq!(k.sites, 200);
        assert_eq!(tickets::table.count().get_result::<i64>(c).unwrap(), 2000);
        assert_eq!(k.tickets, 2000);
        let events: i64 = ticket_events::table.count().get_result(c).unwrap();
        assert_eq!(events as usize, k.ticket_events);
        assert_eq!(visits::table.count().get_result::<i64>(c).unwrap() as usize, k.visits);
        assert_eq!(
            location_pings::table.count().get_result::<i64>(c).unwrap() as usize,
            k.pings
        );
        assert!(k.pings > 0 && k.visits > 0);

        type Row = (
            i64,
            String,
            String,
            bool,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
        );
        let rows: Vec<Row> = tickets::table
            .select((
                tickets::id,
                tickets::ladder_tier,
                tickets::status,
                tickets::remote_authorized,
                tickets::responded_at,
                tickets::onsite_at,
                tickets::paused_at,
                tickets::resolved_at,
                tickets::closed_at,
            ))
            .load(c)
            .unwrap();
        let satisfied: BTreeSet<i64> = acceptances::table
            .filter(acceptances::satisfied.eq(true))
            .select(acceptances::ticket_id)
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let requested: BTreeSet<i64> = onsite_requests::table
            .select(onsite_requests::ticket_id)
            .load(c)
            .unwrap()
            .into_iter()
            .collect();
        let mut by_status: HashMap<TicketStatus, usize> = HashMap::new();
        for (id, tier, status, _authorized, responded, onsite, paused, resolved, closed) in &rows {
            let tier = LadderTier::parse(tier).unwrap();
            let status = TicketStatus::parse(status).unwrap();
            *by_status.entry(status).or_default() += 1;
            assert_eq!(status == TicketStatus::New, responded.is_none(), "ticket {id}");
            if status == TicketStatus::New {
                assert_eq!(tier, LadderTier::Hotline, "ticket {id}");
            }
            assert_eq!(tier == LadderTier::Onsite, onsite.is_some(), "ticket {id}");
            assert_eq!(tier == LadderTier::Onsite, requested.contains(id), "ticket {id}");
            assert_eq!(
                status == TicketStatus::WaitingOnCustomer,
                paused.is_some(),
                "ticket {id}"
            );
            assert_eq!(
                matches!(status, TicketStatus::Resolved | TicketStatus::Closed),
                resolved.is_some(),
                "ticket {id}"
            );
            assert_eq!(status == TicketStatus::Closed, closed.is_some(), "ticket {id}");
            assert_eq!(status == TicketStatus::Closed, satisfied.contains(id), "ticket {id}");
        }
        // Every status the ladder reaches from a registration (the scaled set cancels none: a
        // cancellation is an agent's correction, not a state of the service's history).
        for s in TicketStatus::ALL.iter().filter(|s| **s != TicketStatus::Cancelled) {
            assert!(
                by_status.get(s).copied().unwrap_or(0) > 0,
                "no {s} ticket: {by_status:?}"
            );
        }
        assert!(
            by_status[&TicketStatus::Closed] * 10 > rows.len() * 8,
            "most are closed: {by_status:?}"
        );
        // A remote tier (or a climb through it) only with the customer's authorization.
        let remote_unauthorized = rows.iter().filter(|r| r.1 == "remote" && !r.3).count();
        assert_eq!(remote_unauthorized, 0);

        // Each timeline starts with the registration, in order, never after now.
        let timeline: Vec<(i64, NaiveDateTime, String)> = ticket_events::table
            .order((ticket_events::ticket_id, ticket_events::id))
            .select((ticket_events::ticket_id, ticket_events::at, ticket_events::kind))
            .load(c)
            .unwrap();
        let mut last: Option<(i64, NaiveDateTime)> = None;
        for (ticket, at, kind) in &timeline {
            match last {
                Some((t, prev)) if t == *ticket => assert!(*at >= prev, "ticket {ticket}: {kind} out of order"),
                _ => assert_eq!(kind, "registered", "ticket {ticket}"),
            }
            assert!(*at <= crate::db::ts(now), "ticket {ticket}: {kind} in the future");
            last = Some((*ticket, *at));
        }

        // Visits: who is on them matches their state; nobody is on two sites at once.
        type VisitRow = (String, Option<i64>, Option<NaiveDateTime>, Option<NaiveDateTime>);
        let vs: Vec<VisitRow> = visits::table
            .select((
                visits::status,
                visits::technician_id,
                visits::checked_in_at,
                visits::finished_at,
            ))
            .load(c)
            .unwrap();
        let mut on_site = BTreeSet::new();
        for (status, tech, checked_in, finished) in &vs {
            let status = VisitStatus::parse(status).unwrap();
            assert_eq!(status == VisitStatus::Scheduled, tech.is_none(), "{status}");
            assert_eq!(status == VisitStatus::Completed, finished.is_some(), "{status}");
            if matches!(status, VisitStatus::OnSite | VisitStatus::Completed) {
                assert!(checked_in.is_some());
            }
            if status == VisitStatus::OnSite {
                assert!(on_site.insert(tech.unwrap()), "a technician on two sites at once");
            }
        }
        assert!(vs.iter().any(|v| v.0 == "completed"));
        assert_eq!(seeded.onsite_visits.len(), on_site.len());
        assert!(!seeded.hotline_tickets.is_empty() && !seeded.unassigned_visits.is_empty());
        let roles: std::collections::HashSet<Role> = seeded.staff.iter().map(|s| s.2).collect();
        assert!(roles.contains(&Role::Agent) && roles.contains(&Role::Dispatcher) && roles.contains(&Role::Supervisor));
    }
}
