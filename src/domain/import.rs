//! Reading the going-live CSV files: the file's encoding (UTF-8, or GBK as spreadsheets here save
//! CSV), its header, and each row's cells into the request the API's create operation takes.
//! What a row names by text (its customer, its site, an account manager) is looked up by the
//! service; the checks of the values themselves are the create operations' own.

use super::Invalid;
use chrono::NaiveDate;
use fieldline_mobile_api::ProblemReason;
use fieldline_mobile_api::{
    DayHours, ImportKind, Language, NewAsset, NewContact, NewUser, PutTechnician, Role, SiteId, Skill, Tier,
};
use serde_json::json;

/// The most data rows one file may hold (a larger file is split).
pub const MAX_ROWS: usize = 5000;
/// The field a problem of the whole file names.
pub const FILE: &str = "file";

/// A file read: how it was decoded, its columns (lower case, as in the template) and its rows.
#[derive(Debug)]
pub struct Table {
    pub encoding: &'static str,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row: its line in the file and its cells by column, or why it cannot be read.
#[derive(Debug)]
pub struct Row {
    pub line: u64,
    pub cells: Result<Vec<String>, Invalid>,
}

/// One row of a file, ready for the create operation of its kind. Names stay names until the
/// service finds what they name.
#[derive(Debug, Clone)]
pub enum Record {
    Customer {
        name: String,
        tier: Tier,
        account_manager: Option<String>,
    },
    Contact {
        customer: String,
        contact: NewContact,
    },
    Site {
        customer: String,
        name: String,
        address: String,
        latitude: f64,
        longitude: f64,
    },
    Asset {
        customer: String,
        site: String,
        asset: NewAsset,
    },
    /// The account to make (its role is the technicians' the policy names) and the profile.
    Technician {
        user: NewTechnician,
        profile: PutTechnician,
    },
}

/// A technician's account as a file gives it.
#[derive(Debug, Clone)]
pub struct NewTechnician {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: String,
}

impl NewTechnician {
    /// The account's request, with the role technicians have.
    pub fn with_role(self, role: Role) -> NewUser {
        NewUser {
            username: self.username,
            display_name: self.display_name,
            email: self.email,
            phone: self.phone,
            role,
            password: self.password,
            language: None,
        }
    }
}

/// The columns of a kind's file, the required ones first, and an example row (the template's).
pub fn columns(kind: ImportKind) -> &'static [(&'static str, bool, &'static str)] {
    match kind {
        ImportKind::Customers => &[
            ("name", true, "华东电力设计院"),
            ("tier", true, "gold"),
            ("account_manager", false, "zhou.min"),
        ],
        ImportKind::Contacts => &[
            ("customer", true, "华东电力设计院"),
            ("name", true, "王芳"),
            ("phone", false, "13800138000"),
            ("email", false, "wang.fang@example.com"),
            ("language", false, "zh"),
        ],
        ImportKind::Sites => &[
            ("customer", true, "华东电力设计院"),
            ("name", true, "杭州数据中心"),
            ("address", true, "杭州市西湖区文三路 90 号"),
            ("latitude", true, "30.2741"),
            ("longitude", true, "120.1551"),
        ],
        ImportKind::Assets => &[
            ("customer", true, "华东电力设计院"),
            ("site", true, "杭州数据中心"),
            ("model", true, "UPS-200K"),
            ("serial_number", true, "SN20240001"),
            ("purchase_date", false, "2024-03-01"),
            ("acceptance_date", false, "2024-03-15"),
            ("warranty_end", false, "2027-03-14"),
        ],
        ImportKind::Technicians => &[
            ("username", true, "zhang.qiang"),
            ("display_name", true, "张强"),
            ("password", true, "change-me-on-first-day"),
            ("home_latitude", true, "30.2590"),
            ("home_longitude", true, "120.1300"),
            ("phone", false, "13900139000"),
            ("email", false, "zhang.qiang@example.com"),
            ("daily_capacity", false, "4"),
            ("skills", false, "ups:4; hvac:2"),
            ("days", false, "1-5"),
            ("hours", false, "09:00-18:00"),
        ],
    }
}

/// The template of a kind: the header and one example row, UTF-8 with the byte-order mark that
/// makes spreadsheets read it as UTF-8.
pub fn template(kind: ImportKind) -> String {
    let cols = columns(kind);
    let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let example: Vec<&str> = cols.iter().map(|c| c.2).collect();
    format!("\u{feff}{}\r\n{}\r\n", header.join(","), example.join(","))
}

/// The file's text and how it was read: UTF-8 (with or without a byte-order mark) when it is
/// valid UTF-8, else GBK (read as GB 18030, its superset).
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), Invalid> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), "utf-8"));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| (text.into_owned(), "gbk"))
        .ok_or_else(|| Invalid::format(FILE, "is neither UTF-8 nor GBK text"))
}

/// Reads a file of `kind`: its header must name every required column and no unknown one; a row
/// with more cells than the header has columns cannot be read; blank rows are skipped.
pub fn read(bytes: &[u8], kind: ImportKind) -> Result<Table, Invalid> {
    let (text, encoding) = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| Invalid::format(FILE, "has no readable header line"))?
        .clone();
    let known = columns(kind);
    let columns: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    if columns.iter().all(|c| c.is_empty()) {
        return Err(Invalid::required(FILE));
    }
    for c in &columns {
        if !known.iter().any(|k| k.0 == c) {
            let allowed: Vec<&str> = known.iter().map(|k| k.0).collect();
            return Err(Invalid::new(c.clone(), "is not a column of this file")
                .because(ProblemReason::UnknownField, json!({ "allowed": allowed })));
        }
        if columns.iter().filter(|o| *o == c).count() > 1 {
            return Err(Invalid::new(c.clone(), "is a column twice"));
        }
    }
    if let Some(missing) = known.iter().find(|k| k.1 && !columns.iter().any(|c| c == k.0)) {
        return Err(Invalid::new(missing.0, "is a required column").because(ProblemReason::MissingField, json!({})));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let (line, cells) = match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_at(&text, p.byte()));
                if r.iter().all(str::is_empty) {
                    continue;
                }
                let cells = if r.len() > columns.len() {
                    Err(Invalid::new(
                        FILE,
                        format!("has {} cells for {} columns", r.len(), columns.len()),
                    ))
                } else {
                    let mut cells: Vec<String> = r.iter().map(str::to_owned).collect();
                    cells.resize(columns.len(), String::new());
                    Ok(cells)
                };
                (line, cells)
            }
            Err(e) => (
                e.position().map_or(0, |p| line_at(&text, p.byte())),
                Err(Invalid::format(FILE, "has a line that cannot be read as CSV")),
            ),
        };
        if rows.len() == MAX_ROWS {
            return Err(Invalid::too_long(FILE, MAX_ROWS));
        }
        rows.push(Row { line, cells });
    }
    Ok(Table {
        encoding,
        columns,
        rows,
    })
}

/// The line (1 the first) of the record the reader places at `byte`. After a `\r\n` the reader
/// has taken the `\r` as the end of the record before and places the next at the `\n`, which
/// still ends the line before.
fn line_at(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let at = (byte as usize).min(bytes.len());
    let breaks = bytes[..at].iter().filter(|b| **b == b'\n').count() + usize::from(bytes.get(at) == Some(&b'\n'));
    1 + breaks as u64
}

/// A row's cells by column name.
struct Cells<'a> {
    columns: &'a [String],
    cells: &'a [String],
    problems: Vec<Invalid>,
}

impl<'a> Cells<'a> {
    fn text(&self, column: &str) -> Option<String> {
        let i = self.columns.iter().position(|c| c == column)?;
        Some(self.cells[i].clone()).filter(|v| !v.is_empty())
    }

    /// A required cell's text ("" when missing, with the problem kept).
    fn required(&mut self, column: &str) -> String {
        self.text(column).unwrap_or_else(|| {
            self.problems.push(Invalid::required(column));
            String::new()
        })
    }

    fn parsed<T>(&mut self, value: Option<String>, parse: impl FnOnce(&str) -> Result<T, Invalid>) -> Option<T> {
        let v = value?;
        parse(&v).map_err(|e| self.problems.push(e)).ok()
    }

    fn number(&mut self, column: &str, required: bool) -> f64 {
        let v = if required {
            Some(self.required(column)).filter(|v| !v.is_empty())
        } else {
            self.text(column)
        };
        self.parsed(v, |v| {
            v.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| wrong_type(column, "number"))
        })
        .unwrap_or(0.0)
    }

    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let v = self.text(column);
        self.parsed(v, |v| {
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(v, "%Y/%m/%d"))
                .map_err(|_| Invalid::format(column, "must be a date, YYYY-MM-DD"))
        })
    }

    fn done<T>(self, record: T) -> Result<T, Vec<Invalid>> {
        if self.problems.is_empty() {
            Ok(record)
        } else {
            Err(self.problems)
        }
    }
}

fn wrong_type(column: &str, expected: &str) -> Invalid {
    Invalid::new(column, format!("must be a {expected}"))
        .because(ProblemReason::WrongType, json!({ "expected": expected }))
}

fn one_of<T: Copy>(column: &str, v: &str, all: &[T], name: fn(T) -> &'static str) -> Result<T, Invalid> {
    all.iter()
        .copied()
        .find(|x| name(*x) == v.to_lowercase())
        .ok_or_else(|| {
            let allowed: Vec<&str> = all.iter().map(|x| name(*x)).collect();
            Invalid::new(column, format!("must be one of {}", allowed.join(", ")))
                .because(ProblemReason::UnknownValue, json!({ "allowed": allowed }))
        })
}

/// A row's cells as the record of its kind, or every problem of its cells.
pub fn parse(kind: ImportKind, columns: &[String], cells: &[String]) -> Result<Record, Vec<Invalid>> {
    let mut r = Cells {
        columns,
        cells,
        problems: Vec::new(),
    };
    match kind {
        ImportKind::Customers => {
            let name = r.required("name");
            let tier = Some(r.required("tier")).filter(|v| !v.is_empty());
            let tier = r.parsed(tier, |v| one_of("tier", v, Tier::ALL, Tier::as_str));
            let account_manager = r.text("account_manager");
            r.done(Record::Customer {
                name,
                tier: tier.unwrap_or(Tier::Standard),
                account_manager,
            })
        }
        ImportKind::Contacts => {
            let customer = r.required("customer");
            let name = r.required("name");
            let language = r.text("language");
            let language = r.parsed(language, |v| one_of("language", v, Language::ALL, Language::as_str));
            let contact = NewContact {
                name,
                phone: r.text("phone"),
                email: r.text("email"),
                language: language.unwrap_or_default(),
            };
            r.done(Record::Contact { customer, contact })
        }
        ImportKind::Sites => {
            let (customer, name, address) = (r.required("customer"), r.required("name"), r.required("address"));
            let (latitude, longitude) = (r.number("latitude", true), r.number("longitude", true));
            r.done(Record::Site {
                customer,
                name,
                address,
                latitude,
                longitude,
            })
        }
        ImportKind::Assets => {
            let (customer, site) = (r.required("customer"), r.required("site"));
            let asset = NewAsset {
                // The service puts the site it finds here.
                site_id: SiteId(0),
                model: r.required("model"),
                serial_number: r.required("serial_number"),
                purchase_date: r.date("purchase_date"),
                acceptance_date: r.date("acceptance_date"),
                warranty_end: r.date("warranty_end"),
            };
            r.done(Record::Asset { customer, site, asset })
        }
        ImportKind::Technicians => technician(r),
    }
}

/// Visits a day when the file does not say.
pub const DEFAULT_DAILY_CAPACITY: i32 = 4;
/// Working days (1 = Monday) and hours when the file does not say.
pub const DEFAULT_DAYS: &str = "1-5";
pub const DEFAULT_HOURS: &str = "09:00-18:00";

fn technician(mut r: Cells) -> Result<Record, Vec<Invalid>> {
    let user = NewTechnician {
        username: r.required("username"),
        display_name: r.required("display_name"),
        email: r.text("email"),
        phone: r.text("phone"),
        password: r.required("password"),
    };
    let (home_latitude, home_longitude) = (r.number("home_latitude", true), r.number("home_longitude", true));
    let capacity = r.text("daily_capacity");
    let daily_capacity = r
        .parsed(capacity, |v| {
            v.parse::<i32>().map_err(|_| wrong_type("daily_capacity", "integer"))
        })
        .unwrap_or(DEFAULT_DAILY_CAPACITY);
    let skills = r.text("skills");
    let skills = r.parsed(skills, skills_of).unwrap_or_default();
    let days = r.text("days").unwrap_or_else(|| DEFAULT_DAYS.into());
    let days = r.parsed(Some(days), days_of).unwrap_or_default();
    let hours = r.text("hours").unwrap_or_else(|| DEFAULT_HOURS.into());
    let hours = r.parsed(Some(hours), hours_of);
    let week = (1..=7).map(|d| hours.clone().filter(|_| days.contains(&d))).collect();
    let profile = PutTechnician {
        home_latitude,
        home_longitude,
        daily_capacity,
        week,
        regions: Vec::new(),
        skills,
        lunch_break: None,
    };
    r.done(Record::Technician { user, profile })
}

/// `ups:4; hvac:2` (also split by `,`, `；` or `，`): each skill and its level.
fn skills_of(v: &str) -> Result<Vec<Skill>, Invalid> {
    v.split([';', ',', '；', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (skill, level) = s.split_once([':', '：']).unwrap_or((s, ""));
            let level = level
                .trim()
                .parse::<i32>()
                .map_err(|_| Invalid::format("skills", "must read skill:level, e.g. ups:4; hvac:2"))?;
            Ok(Skill {
                skill: skill.trim().to_owned(),
                level,
            })
        })
        .collect()
}

/// `1-5` or `1,3,5` (1 = Monday, 7 = Sunday): the working days.
fn days_of(v: &str) -> Result<Vec<u32>, Invalid> {
    let bad = || Invalid::format("days", "must read like 1-5 or 1,3,5 (1 = Monday, 7 = Sunday)");
    let mut days = Vec::new();
    for part in v.split([',', '，']).map(str::trim) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (a, b) = (
            a.trim().parse::<u32>().map_err(|_| bad())?,
            b.trim().parse::<u32>().map_err(|_| bad())?,
        );
        if !(1..=7).contains(&a) || !(a..=7).contains(&b) {
            return Err(bad());
        }
        days.extend(a..=b);
    }
    Ok(days)
}

/// `09:00-18:00`: a working day's hours (their checks are the technician profile's).
fn hours_of(v: &str) -> Result<DayHours, Invalid> {
    let (start, end) = v
        .split_once(['-', '–'])
        .ok_or_else(|| Invalid::format("hours", "must read like 09:00-18:00"))?;
    Ok(DayHours {
        start: start.trim().to_owned(),
        end: end.trim().to_owned(),
    })
}

/// The column of a file that the API's field names in a problem of one row's create operation
/// (the ids the service put in from names are the names' columns).
pub fn column_of(kind: ImportKind, field: &str) -> Option<&'static str> {
    let field = match field {
        "customer_id" => "customer",
        "site_id" => "site",
        "account_manager_id" => "account_manager",
        f if f.starts_with("skills") => "skills",
        f if f.starts_with("week") => "hours",
        f => f,
    };
    columns(kind).iter().map(|c| c.0).find(|c| *c == field)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn utf8_with_or_without_a_mark_and_gbk_are_read() {
        assert_eq!(decode("名称".as_bytes()).unwrap(), ("名称".into(), "utf-8"));
        assert_eq!(decode(b"\xef\xbb\xbfname").unwrap(), ("name".into(), "utf-8"));
        let (gbk, _, _) = encoding_rs::GBK.encode("华东电力,金牌");
        assert_eq!(decode(&gbk).unwrap(), ("华东电力,金牌".into(), "gbk"));
        let e = decode(b"\x81\x30\xff").unwrap_err();
        assert_eq!((e.field.as_str(), e.code), (FILE, ProblemReason::InvalidFormat));
    }

    #[test]
    fn the_header_names_every_required_column_and_no_unknown_one() {
        let e = read(b"name\nx\n", ImportKind::Customers).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("tier", ProblemReason::MissingField));
        let e = read(b"name,tier,colour\n", ImportKind::Customers).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("colour", ProblemReason::UnknownField));
        let e = read(b"name,tier,Name\n", ImportKind::Customers).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("name", ProblemReason::Invalid));
        assert_eq!(
            read(b"", ImportKind::Customers).unwrap_err().code,
            ProblemReason::Required
        );
    }

    #[test]
    fn rows_keep_their_lines_and_blank_rows_are_skipped() {
        let t = read(
            b"Name,Tier\r\n\"A, \"\"quoted\"\"\nname\",gold\r\n,\r\nB,silver,extra\r\nC\r\n",
            ImportKind::Customers,
        )
        .unwrap();
        assert_eq!(t.columns, cols(&["name", "tier"]));
        let lines: Vec<u64> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 5, 6]);
        // The same with line feeds alone.
        let lf = read(
            b"Name,Tier\n\"A\nname\",gold\n,\nB,silver,extra\nC\n",
            ImportKind::Customers,
        )
        .unwrap();
        assert_eq!(lf.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 5, 6]);
        assert_eq!(t.rows[0].cells.as_ref().unwrap()[0], "A, \"quoted\"\nname");
        assert_eq!(t.rows[1].cells.as_ref().unwrap_err().field, FILE);
        assert_eq!(t.rows[2].cells.as_ref().unwrap(), &cols(&["C", ""]));
    }

    #[test]
    fn a_file_of_more_rows_than_allowed_is_refused() {
        let mut f = String::from("name,tier\n");
        for i in 0..=MAX_ROWS {
            f.push_str(&format!("c{i},gold\n"));
        }
        assert_eq!(
            read(f.as_bytes(), ImportKind::Customers).unwrap_err().code,
            ProblemReason::TooLong
        );
    }

    #[test]
    fn every_cell_problem_of_a_row_is_named_by_its_column() {
        let c = cols(&["customer", "name", "address", "latitude", "longitude"]);
        let e = parse(ImportKind::Sites, &c, &cols(&["", "n", "a", "north", ""])).unwrap_err();
        let got: Vec<(&str, ProblemReason)> = e.iter().map(|i| (i.field.as_str(), i.code)).collect();
        assert_eq!(
            got,
            vec![
                ("customer", ProblemReason::Required),
                ("latitude", ProblemReason::WrongType),
                ("longitude", ProblemReason::Required)
            ]
        );
        let ok = parse(ImportKind::Sites, &c, &cols(&["C", "n", "a", "30.5", "120"])).unwrap();
        assert!(matches!(ok, Record::Site { latitude, .. } if latitude == 30.5));
        let e = parse(ImportKind::Customers, &cols(&["name", "tier"]), &cols(&["X", "bronze"])).unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].code), ("tier", ProblemReason::UnknownValue));
    }

    #[test]
    fn dates_read_with_dashes_or_slashes() {
        let c = cols(&[
            "customer",
            "site",
            "model",
            "serial_number",
            "purchase_date",
            "warranty_end",
        ]);
        let r = parse(ImportKind::Assets, &c, &cols(&["C", "S", "M", "SN1", "2024/03/01", ""])).unwrap();
        let Record::Asset { asset, .. } = r else {
            panic!("an asset")
        };
        assert_eq!(asset.purchase_date, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(asset.warranty_end, None);
        let e = parse(ImportKind::Assets, &c, &cols(&["C", "S", "M", "SN1", "1.3.2024", ""])).unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("purchase_date", ProblemReason::InvalidFormat)
        );
    }

    #[test]
    fn a_technician_gets_the_default_week_and_their_skills() {
        let c = cols(&[
            "username",
            "display_name",
            "password",
            "home_latitude",
            "home_longitude",
            "skills",
        ]);
        let r = parse(
            ImportKind::Technicians,
            &c,
            &cols(&["t1", "张强", "p", "30", "120", "ups:4；hvac：2"]),
        )
        .unwrap();
        let Record::Technician { user, profile } = r else {
            panic!("a technician")
        };
        assert_eq!(user.username, "t1");
        assert_eq!(profile.daily_capacity, DEFAULT_DAILY_CAPACITY);
        assert_eq!(
            profile.skills,
            vec![
                Skill {
                    skill: "ups".into(),
                    level: 4
                },
                Skill {
                    skill: "hvac".into(),
                    level: 2
                }
            ]
        );
        let open: Vec<bool> = profile.week.iter().map(Option::is_some).collect();
        assert_eq!(open, vec![true, true, true, true, true, false, false]);
        assert_eq!(days_of("1,6-7").unwrap(), vec![1, 6, 7]);
        assert!(days_of("0-5").is_err() && days_of("5-1").is_err() && days_of("x").is_err());
        assert!(skills_of("ups").is_err());
    }

    #[test]
    fn the_template_is_read_back_without_a_problem() {
        for kind in ImportKind::ALL.iter().copied() {
            let t = read(template(kind).as_bytes(), kind).unwrap();
            assert_eq!(t.rows.len(), 1, "{kind}");
            parse(kind, &t.columns, t.rows[0].cells.as_ref().unwrap()).unwrap();
        }
    }

    #[test]
    fn the_api_s_fields_name_their_columns() {
        assert_eq!(column_of(ImportKind::Assets, "site_id"), Some("site"));
        assert_eq!(column_of(ImportKind::Technicians, "skills[0].level"), Some("skills"));
        assert_eq!(column_of(ImportKind::Sites, "latitude"), Some("latitude"));
        assert_eq!(column_of(ImportKind::Sites, "id"), None);
    }
}
