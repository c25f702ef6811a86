//! The languages people read (`zh` Simplified Chinese, `en` English) and how a notice writes
//! times, dates, durations and the service's enum values in each.
//!
//! Times are written in the business calendar's zone: `2026-12-04 14:30 (Asia/Shanghai)` in
//! English, `2026年12月4日 14:30（Asia/Shanghai）` in Chinese.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
pub use fieldline_mobile_api::Language;
use fieldline_mobile_api::{Channel, LadderTier, Priority, RequestKind, TicketStatus, Tier};

/// The language e-mails to a user are written in: theirs, or Chinese when they chose none.
pub fn of_user(chosen: Option<Language>) -> Language {
    chosen.unwrap_or_default()
}

/// Recipients grouped by the language they read, languages in the order they first appear and
/// recipients in their order: one message per language.
pub fn by_language<T>(recipients: Vec<(T, Language)>) -> Vec<(Language, Vec<T>)> {
    let mut out: Vec<(Language, Vec<T>)> = Vec::new();
    for (r, lang) in recipients {
        match out.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, group)) => group.push(r),
            None => out.push((lang, vec![r])),
        }
    }
    out
}

/// A day: `2026-12-04` / `2026年12月4日`.
pub fn date(d: NaiveDate, lang: Language) -> String {
    match lang {
        Language::En => d.format("%Y-%m-%d").to_string(),
        Language::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    }
}

/// A moment in the zone, without the zone's name: `2026-12-04 14:30` / `2026年12月4日 14:30`.
pub fn datetime_bare(t: DateTime<Utc>, tz: Tz, lang: Language) -> String {
    let l = t.with_timezone(&tz);
    format!("{} {}", date(l.date_naive(), lang), l.format("%H:%M"))
}

/// A moment in the zone, with the zone's name.
pub fn datetime(t: DateTime<Utc>, tz: Tz, lang: Language) -> String {
    let bare = datetime_bare(t, tz, lang);
    match lang {
        Language::En => format!("{bare} ({})", tz.name()),
        Language::Zh => format!("{bare}（{}）", tz.name()),
    }
}

/// A window of time in the zone: `2026-11-24 10:00-12:00 (Asia/Shanghai)` within a day,
/// `2026-11-24 22:00 - 2026-11-25 02:00 (Asia/Shanghai)` across midnight; in Chinese
/// `2026年11月24日 10:00-12:00（Asia/Shanghai）`.
pub fn window(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz, lang: Language) -> String {
    let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let bare = if s.date_naive() == e.date_naive() {
        format!("{}-{}", datetime_bare(start, tz, lang), e.format("%H:%M"))
    } else {
        format!("{} - {}", datetime_bare(start, tz, lang), datetime_bare(end, tz, lang))
    };
    match lang {
        Language::En => format!("{bare} ({})", tz.name()),
        Language::Zh => format!("{bare}（{}）", tz.name()),
    }
}

/// A day with the zone's name: `2026-12-02 (Asia/Shanghai)` / `2026年12月2日（Asia/Shanghai）`.
pub fn date_in(d: NaiveDate, tz: Tz, lang: Language) -> String {
    match lang {
        Language::En => format!("{} ({})", date(d, lang), tz.name()),
        Language::Zh => format!("{}（{}）", date(d, lang), tz.name()),
    }
}

/// A duration in words: `1 h 25 min` / `1小时25分钟`; days and hours from a day on.
pub fn duration(minutes: i64, lang: Language) -> String {
    let m = minutes.max(0);
    let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
    match (lang, d, h) {
        (Language::En, 0, 0) => format!("{min} min"),
        (Language::En, 0, h) => format!("{h} h {min} min"),
        (Language::En, d, h) => format!("{d} d {h} h"),
        (Language::Zh, 0, 0) => format!("{min}分钟"),
        (Language::Zh, 0, h) => format!("{h}小时{min}分钟"),
        (Language::Zh, d, h) => format!("{d}天{h}小时"),
    }
}

/// The service's enum values as a notice names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Channel,
    RequestKind,
    Tier,
    LadderTier,
    Priority,
    TicketStatus,
    /// Where a satisfaction score came from: `all`, `revisit`, `link`.
    SurveySource,
}

/// The Chinese name of an enum value; the value itself (the wire spelling) in English, and
/// for a value this table does not know.
pub fn label(lang: Language, dim: Dimension, key: &str) -> String {
    if lang == Language::En {
        return key.to_string();
    }
    zh_label(dim, key).map_or_else(|| key.to_string(), str::to_string)
}

fn zh_label(dim: Dimension, key: &str) -> Option<&'static str> {
    Some(match dim {
        Dimension::Channel => match Channel::parse(key)? {
            Channel::Phone => "电话",
            Channel::Email => "电子邮件",
            Channel::Web => "网站",
            Channel::Mobile => "移动端",
            Channel::Inspection => "巡检",
            Channel::Revisit => "回访",
        },
        Dimension::RequestKind => match RequestKind::parse(key)? {
            RequestKind::Enquiry => "咨询",
            RequestKind::Fault => "故障",
            RequestKind::Complaint => "投诉",
            RequestKind::Suggestion => "建议",
        },
        Dimension::Tier => match Tier::parse(key)? {
            Tier::Standard => "普通",
            Tier::Silver => "银牌",
            Tier::Gold => "金牌",
            Tier::Diamond => "钻石",
            Tier::Platinum => "白金",
        },
        Dimension::LadderTier => match LadderTier::parse(key)? {
            LadderTier::Hotline => "热线",
            LadderTier::Remote => "远程支持",
            LadderTier::Onsite => "现场服务",
        },
        Dimension::Priority => match Priority::parse(key)? {
            Priority::P1 => "P1（紧急）",
            Priority::P2 => "P2（高）",
            Priority::P3 => "P3（中）",
            Priority::P4 => "P4（低）",
        },
        Dimension::TicketStatus => match TicketStatus::parse(key)? {
            TicketStatus::New => "新建",
            TicketStatus::InProgress => "处理中",
            TicketStatus::WaitingOnCustomer => "等待客户",
            TicketStatus::Resolved => "已解决",
            TicketStatus::Closed => "已关闭",
            TicketStatus::Reopened => "已重开",
            TicketStatus::Cancelled => "已取消",
        },
        Dimension::SurveySource => match key {
            "all" => "全部",
            "revisit" => "回访",
            "link" => "评价链接",
            _ => return None,
        },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_window_is_written_in_the_zone() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        assert_eq!(
            window(t("2026-11-24T02:00:00Z"), t("2026-11-24T04:00:00Z"), tz, Language::En),
            "2026-11-24 10:00-12:00 (Asia/Shanghai)"
        );
        assert_eq!(
            window(t("2026-11-24T02:00:00Z"), t("2026-11-24T04:00:00Z"), tz, Language::Zh),
            "2026年11月24日 10:00-12:00（Asia/Shanghai）"
        );
        assert_eq!(
            window(t("2026-11-24T14:00:00Z"), t("2026-11-24T18:00:00Z"), tz, Language::En),
            "2026-11-24 22:00 - 2026-11-25 02:00 (Asia/Shanghai)"
        );
    }

    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn times_are_written_in_the_zone_for_the_language() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let at = t("2026-12-04T06:30:00Z");
        assert_eq!(datetime(at, tz, Language::En), "2026-12-04 14:30 (Asia/Shanghai)");
        assert_eq!(datetime(at, tz, Language::Zh), "2026年12月4日 14:30（Asia/Shanghai）");
        assert_eq!(datetime_bare(at, tz, Language::Zh), "2026年12月4日 14:30");
        // Past midnight in the zone, still the day before in UTC.
        let late = t("2026-12-04T16:05:00Z");
        assert_eq!(datetime_bare(late, tz, Language::Zh), "2026年12月5日 00:05");
        let d: NaiveDate = "2026-01-02".parse().unwrap();
        assert_eq!(date(d, Language::En), "2026-01-02");
        assert_eq!(date(d, Language::Zh), "2026年1月2日");
        assert_eq!(date_in(d, tz, Language::Zh), "2026年1月2日（Asia/Shanghai）");
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration(45, Language::En), "45 min");
        assert_eq!(duration(85, Language::En), "1 h 25 min");
        assert_eq!(duration(1500, Language::En), "1 d 1 h");
        assert_eq!(duration(45, Language::Zh), "45分钟");
        assert_eq!(duration(85, Language::Zh), "1小时25分钟");
        assert_eq!(duration(1500, Language::Zh), "1天1小时");
        assert_eq!(duration(-3, Language::Zh), "0分钟");
    }

    #[test]
    fn enum_values_are_named_in_chinese_and_kept_in_english() {
        assert_eq!(label(Language::Zh, Dimension::Channel, "phone"), "电话");
        assert_eq!(label(Language::Zh, Dimension::Tier, "gold"), "金牌");
        assert_eq!(label(Language::Zh, Dimension::LadderTier, "onsite"), "现场服务");
        assert_eq!(label(Language::Zh, Dimension::Priority, "p1"), "P1（紧急）");
        assert_eq!(
            label(Language::Zh, Dimension::TicketStatus, "waiting_on_customer"),
            "等待客户"
        );
        assert_eq!(label(Language::Zh, Dimension::RequestKind, "complaint"), "投诉");
        assert_eq!(label(Language::Zh, Dimension::SurveySource, "link"), "评价链接");
        assert_eq!(label(Language::En, Dimension::Channel, "phone"), "phone");
        assert_eq!(
            label(Language::Zh, Dimension::Channel, "pigeon"),
            "pigeon",
            "unknown: as stored"
        );
        for ch in Channel::ALL {
            assert_ne!(label(Language::Zh, Dimension::Channel, ch.as_str()), ch.as_str());
        }
        for s in TicketStatus::ALL {
            assert_ne!(label(Language::Zh, Dimension::TicketStatus, s.as_str()), s.as_str());
        }
    }

    #[test]
    fn recipients_are_grouped_by_language_in_order() {
        let groups = by_language(vec![("a", Language::En), ("b", Language::Zh), ("c", Language::En)]);
        assert_eq!(groups, vec![(Language::En, vec!["a", "c"]), (Language::Zh, vec!["b"])]);
        assert!(by_language::<&str>(vec![]).is_empty());
    }

    #[test]
    fn users_without_a_choice_read_chinese() {
        assert_eq!(of_user(None), Language::Zh);
        assert_eq!(of_user(Some(Language::En)), Language::En);
        assert_eq!(Language::parse("fr"), None);
    }
}
