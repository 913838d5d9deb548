//! Dates as newsrooms write them: `2022-02-09` or an RFC 3339 time with its offset, parsed
//! strictly (2022-02-31 is an error, not 3 March) in the newsroom's time zone (`timezone` in
//! site.yaml), and formatted with strftime-style patterns.
//!
//! One rule for every output: a date without a time is that whole day in the newsroom's zone.
//! Machine formats that need an instant (JSON-LD, Atom, sitemaps, OpenGraph) get the start of
//! that day in the zone, with the zone's offset; pages show the day. A day is never *before* a
//! time on that same day (a correction dated the day a story went out at 23:30 was made after
//! it), and when stories are ordered, those of one day with a time come first, in time order,
//! then those with only the day: a day-only date sorts after every time of its day.

use std::cmp::Ordering;
use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::fmt::temporal::Pieces;
use jiff::tz::{Offset, TimeZone, TimeZoneDatabase};

/// The IANA time zone database compiled into byline (not the computer's), so a site gives the
/// same dates on every machine, one without `/usr/share/zoneinfo` included.
static ZONES: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

/// The time zone named `name` (`Europe/Oslo`, `UTC`), from byline's own copy of the IANA time
/// zone database.
pub fn time_zone(name: &str) -> Result<TimeZone, String> {
    ZONES.get(name.trim()).map_err(|_| {
        format!("\"{name}\" is not a time zone byline knows; use an IANA name such as Europe/London, America/New_York or UTC")
    })
}

/// A publication date: a calendar day in the newsroom's zone, or an exact instant with the
/// offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryDate {
    /// The day in the newsroom's time zone (for a time written with another offset, the day it
    /// was in the newsroom then).
    pub day: Date,
    /// The instant: for a day alone, its start in the newsroom's zone.
    pub instant: Timestamp,
    /// Where the date ends: the start of the next day for a day alone, else `instant`.
    pub until: Timestamp,
    /// The offset machine formats write the instant with: as written, or the newsroom zone's at
    /// the start of the day.
    pub offset: Offset,
    /// Whether a time of day was written.
    pub timed: bool,
}

/// Why a date cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date byline reads (`9 Feb 2022`), or a day that does not exist (`2022-02-31`).
    NotADate(String),
    /// A time of day without an offset: it would mean different moments on different machines.
    NoTimeZone(String),
    /// A date so far from today that it has no instant (year 9999 in a far-off zone).
    OutOfRange(String),
}

impl std::fmt::Display for DateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateError::NotADate(text) => match days_meant(text).as_slice() {
                [] => write!(
                    f,
                    "\"{text}\" is not a real date; write dates as YYYY-MM-DD, like 2022-02-09, or with a time and zone, like 2022-02-09T10:30:00+01:00"
                ),
                [day] => write!(
                    f,
                    "\"{text}\" is not written the way byline reads dates; write it as {day}"
                ),
                [first, second, ..] => write!(
                    f,
                    "\"{text}\" could mean {} or {}; write the one you mean as {first} or {second}",
                    spelled_out(*first),
                    spelled_out(*second)
                ),
            },
            DateError::NoTimeZone(text) => write!(
                f,
                "\"{text}\" has a time but no time zone, so it could mean different moments on different computers"
            ),
            DateError::OutOfRange(detail) => f.write_str(detail),
        }
    }
}

impl StoryDate {
    /// Parses `2022-02-09` (that day in `zone`, the newsroom's) or `2022-02-09T10:30:00+01:00`
    /// (also `Z`). A time without an offset is refused: it would mean different instants on
    /// different machines.
    pub fn parse(text: &str, zone: &TimeZone) -> Result<StoryDate, DateError> {
        let text = text.trim();
        let not_a_date = || DateError::NotADate(text.to_string());
        let out_of_range = |error: jiff::Error| DateError::OutOfRange(error.to_string());
        if !text.contains('T') && !text.contains(' ') {
            let day: Date = text.parse().map_err(|_| not_a_date())?;
            let start = day.to_zoned_datetime(zone.clone()).map_err(out_of_range)?;
            let next = day
                .tomorrow()
                .and_then(|next| next.to_zoned_datetime(zone.clone()))
                .map_err(out_of_range)?;
            return Ok(StoryDate {
                day,
                instant: start.timestamp(),
                until: next.timestamp(),
                offset: start.offset(),
                timed: false,
            });
        }
        let pieces = Pieces::parse(text).map_err(|_| not_a_date())?;
        let Some(offset) = pieces.to_numeric_offset() else {
            return Err(DateError::NoTimeZone(text.to_string()));
        };
        let time = pieces.time().unwrap_or_default();
        let instant = pieces
            .date()
            .to_datetime(time)
            .to_zoned_datetime(TimeZone::fixed(offset))
            .map_err(out_of_range)?
            .timestamp();
        Ok(StoryDate {
            day: instant.to_zoned_datetime(zone.clone()).date(),
            instant,
            until: instant,
            offset,
            timed: true,
        })
    }

    /// The date for HTML's `<time datetime>`: the day alone (`2022-02-09`) when no time was
    /// written, else RFC 3339 with the written offset.
    pub fn iso(&self) -> String {
        if self.timed {
            self.rfc3339()
        } else {
            self.day.to_string()
        }
    }

    /// RFC 3339 always with a time, as feeds, sitemaps and structured data need: a day alone is
    /// its start in the newsroom's zone, with that zone's offset.
    pub fn rfc3339(&self) -> String {
        self.instant
            .to_zoned_datetime(TimeZone::fixed(self.offset))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    /// The moment as people read it in a message: `2031-01-15 06:00 UTC`, or with the offset
    /// it was written with (`+01:00`); a day alone as the day.
    pub fn moment_for_people(&self) -> String {
        if !self.timed {
            return self.day.to_string();
        }
        let local = self.instant.to_zoned_datetime(TimeZone::fixed(self.offset));
        let zone = if self.offset == Offset::UTC {
            "UTC".to_string()
        } else {
            local.strftime("%:z").to_string()
        };
        format!("{} {zone}", local.strftime("%Y-%m-%d %H:%M"))
    }

    /// The day as the site writes it for readers.
    pub fn display(&self, style: &DateStyle) -> String {
        style.format(self.day)
    }

    /// Whether this date is certainly before `other`: a day alone is the whole day, so it is
    /// before a time only when the day has ended by then, and a time is before a day only when
    /// the day has not yet begun.
    pub fn is_before(&self, other: &StoryDate) -> bool {
        if self.timed {
            self.instant < other.instant
        } else {
            self.until <= other.instant
        }
    }

    /// The order of dates in listings: by day in the newsroom's zone, then the dates of one day
    /// with a time in time order, then those with the day alone (equal among themselves).
    pub fn chronological(&self, other: &StoryDate) -> Ordering {
        self.day
            .cmp(&other.day)
            .then_with(|| match (self.timed, other.timed) {
                (true, true) => self.instant.cmp(&other.instant),
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => Ordering::Equal,
            })
    }

    /// Whether this date, the day alone or with its time, overlaps the instants `from..=to`.
    pub fn overlaps(&self, from: Timestamp, to: Timestamp) -> bool {
        if self.timed {
            from <= self.instant && self.instant <= to
        } else {
            self.instant <= to && from < self.until
        }
    }
}

/// The days a date written another way than byline's could mean, read from the spellings
/// newsrooms use: `9 Feb 2022`, `February 9, 2022`, `09.02.22` (dots: day first), `2022/02/09`;
/// `02/03/2022` gives both days when either reading is a real date, as byline never guesses
/// between day-first and month-first. Empty when the text is none of these (or is a
/// `YYYY-MM-DD` day that does not exist).
pub fn days_meant(text: &str) -> Vec<Date> {
    let text = text.trim().trim_end_matches('.');
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .map(|word| word.trim_end_matches('.'))
        .collect();
    let number = |word: &str| word.parse::<i16>().ok();
    let year = |word: &str| match (word.len(), number(word)) {
        (4, Some(year)) => Some(year),
        (2, Some(year)) => Some(2000 + year),
        _ => None,
    };
    let day = |year: i16, month: i16, day: i16| {
        Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
    };
    match words.as_slice() {
        // 9 Feb 2022, 9. Februar... (English month names)
        [d, m, y] if month_number(m).is_some() => {
            return day(
                year(y).unwrap_or(0),
                month_number(m).unwrap_or(0),
                number(d).unwrap_or(0),
            )
            .into_iter()
            .collect();
        }
        // February 9, 2022
        [m, d, y] if month_number(m).is_some() => {
            return day(
                year(y).unwrap_or(0),
                month_number(m).unwrap_or(0),
                number(d).unwrap_or(0),
            )
            .into_iter()
            .collect();
        }
        _ => {}
    }
    for separator in ['.', '/', '-'] {
        let parts: Vec<&str> = text.split(separator).collect();
        let [a, b, c] = parts.as_slice() else {
            continue;
        };
        if a.len() == 4 {
            // 2022/02/09: year first, then month and day, as everywhere.
            return day(
                year(a).unwrap_or(0),
                number(b).unwrap_or(0),
                number(c).unwrap_or(0),
            )
            .into_iter()
            .collect();
        }
        let (Some(first), Some(second), Some(year)) = (number(a), number(b), year(c)) else {
            continue;
        };
        let day_first = day(year, second, first);
        if separator == '.' {
            // Dots are written day first.
            return day_first.into_iter().collect();
        }
        let month_first = day(year, first, second);
        return match (day_first, month_first) {
            (Some(a), Some(b)) if a != b => vec![a, b],
            (a, b) => a.or(b).into_iter().collect(),
        };
    }
    Vec::new()
}

/// The months' names in English, lower case: what a date written in words is read by, and the
/// keys of the months' names in a theme's strings (`date.months.january`).
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<i16> {
    let word = word.to_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|month| month.starts_with(&word) || (word == "sept" && *month == "september"))
        .map(|index| index as i16 + 1)
}

/// `9 February 2022`, for telling two readings apart.
fn spelled_out(day: Date) -> String {
    day.strftime("%-d %B %Y").to_string()
}

/// A validated strftime-style pattern such as `%-d %B %Y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFormat(String);

impl Default for DateFormat {
    fn default() -> Self {
        DateFormat("%-d %B %Y".to_string())
    }
}

/// The names of months and weekdays in the site's language (jiff writes them in English only),
/// which a date format's `%B`, `%b`, `%A` and `%a` stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateNames {
    /// January first.
    pub months: [String; 12],
    pub months_short: [String; 12],
    /// Monday first.
    pub weekdays: [String; 7],
    pub weekdays_short: [String; 7],
}

impl Default for DateNames {
    /// English, as jiff writes them.
    fn default() -> Self {
        let day = |n: i8| Date::constant(2024, 1, n);
        let month = |n: i8| Date::constant(2024, n, 1);
        DateNames {
            months: std::array::from_fn(|i| month(i as i8 + 1).strftime("%B").to_string()),
            months_short: std::array::from_fn(|i| month(i as i8 + 1).strftime("%b").to_string()),
            // 1 January 2024 was a Monday.
            weekdays: std::array::from_fn(|i| day(i as i8 + 1).strftime("%A").to_string()),
            weekdays_short: std::array::from_fn(|i| day(i as i8 + 1).strftime("%a").to_string()),
        }
    }
}

/// How the site writes a day for readers: its format with the names of its language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DateStyle {
    pub format: DateFormat,
    pub names: DateNames,
}

impl DateStyle {
    pub fn format(&self, day: Date) -> String {
        self.format.format_with(day, &self.names)
    }
}

impl DateFormat {
    pub fn new(pattern: &str) -> Result<DateFormat, String> {
        let sample = Date::constant(2022, 2, 9);
        jiff::fmt::strtime::format(pattern, sample).map_err(|error| {
            format!("\"{pattern}\" is not a date format byline can use: {error}")
        })?;
        Ok(DateFormat(pattern.to_string()))
    }

    /// `day` in this format, months and weekdays in English.
    pub fn format(&self, day: Date) -> String {
        self.format_with(day, &DateNames::default())
    }

    /// `day` in this format, months and weekdays named by `names`: each name is put into the
    /// pattern (its `%` doubled) before jiff formats the rest.
    pub fn format_with(&self, day: Date, names: &DateNames) -> String {
        let mut pattern = String::with_capacity(self.0.len() + 16);
        let mut rest = self.0.as_str();
        while let Some(percent) = rest.find('%') {
            pattern.push_str(&rest[..percent]);
            let directive = &rest[percent + 1..];
            let flags = directive
                .find(|c: char| !matches!(c, '-' | '_' | '0' | '^' | '#'))
                .unwrap_or(directive.len());
            let Some(code) = directive[flags..].chars().next() else {
                pattern.push_str(&rest[percent..]);
                rest = "";
                break;
            };
            let month = usize::from(day.month().unsigned_abs()) - 1;
            let weekday = usize::from(day.weekday().to_monday_zero_offset().unsigned_abs());
            let name = match code {
                'B' => Some(&names.months[month]),
                'b' | 'h' => Some(&names.months_short[month]),
                'A' => Some(&names.weekdays[weekday]),
                'a' => Some(&names.weekdays_short[weekday]),
                _ => None,
            };
            match name {
                Some(name) => {
                    let name = if directive[..flags].contains('^') {
                        name.to_uppercase()
                    } else {
                        name.clone()
                    };
                    pattern.push_str(&name.replace('%', "%%"));
                }
                None => pattern.push_str(&rest[percent..percent + 1 + flags + code.len_utf8()]),
            }
            rest = &directive[flags + code.len_utf8()..];
        }
        pattern.push_str(rest);
        // The pattern was checked against a date in `new`, and names only add plain text.
        jiff::fmt::strtime::format(&pattern, day).unwrap_or_else(|_| day.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> StoryDate {
        StoryDate::parse(text, &TimeZone::UTC).unwrap()
    }

    fn zoned(text: &str, zone: &str) -> StoryDate {
        StoryDate::parse(text, &time_zone(zone).unwrap()).unwrap()
    }

    #[test]
    fn parses_day_and_formats_it() {
        let date = utc("2022-02-09");
        assert_eq!(date.iso(), "2022-02-09");
        assert_eq!(date.rfc3339(), "2022-02-09T00:00:00+00:00");
        assert_eq!(date.display(&DateStyle::default()), "9 February 2022");
    }

    #[test]
    fn a_day_is_that_day_in_the_newsroom_s_zone() {
        let winter = zoned("2022-02-10", "America/New_York");
        assert_eq!(winter.rfc3339(), "2022-02-10T00:00:00-05:00");
        assert_eq!(winter.iso(), "2022-02-10");
        assert_eq!(winter.instant.to_string(), "2022-02-10T05:00:00Z");
        assert_eq!(winter.until.to_string(), "2022-02-11T05:00:00Z");
        let summer = zoned("2023-06-21", "Europe/Oslo");
        assert_eq!(summer.rfc3339(), "2023-06-21T00:00:00+02:00");
        // The day the clocks go forward is 23 hours long.
        let spring = zoned("2023-03-26", "Europe/Oslo");
        assert_eq!(spring.until.duration_since(spring.instant).as_hours(), 23);
    }

    #[test]
    fn keeps_written_offset_and_takes_the_newsroom_s_day() {
        let date = utc("2023-03-14T23:30:00+01:00");
        assert_eq!(date.iso(), "2023-03-14T23:30:00+01:00");
        assert_eq!(date.day, Date::constant(2023, 3, 14));
        assert_eq!(date.instant.to_string(), "2023-03-14T22:30:00Z");
        let late = zoned("2022-02-09T23:30:00-05:00", "Europe/London");
        assert_eq!(late.day, Date::constant(2022, 2, 10), "04:30 in London");
        assert_eq!(late.iso(), "2022-02-09T23:30:00-05:00");
        assert!(StoryDate::parse("2023-03-14T22:30:00Z", &TimeZone::UTC).is_ok());
    }

    #[test]
    fn a_day_is_before_a_time_only_once_it_has_ended() {
        let zone = "America/New_York";
        let story = zoned("2022-02-09T23:30:00-05:00", zone);
        let next_day = zoned("2022-02-10", zone);
        assert!(story.is_before(&next_day) && !next_day.is_before(&story));
        // In UTC the story went out on the 10th at 04:30: a correction dated the 10th is not
        // before it, nor the story before it.
        let story = utc("2022-02-09T23:30:00-05:00");
        let same_day = utc("2022-02-10");
        assert!(!same_day.is_before(&story) && !story.is_before(&same_day));
        assert!(utc("2022-02-09").is_before(&story));
        // Instants, not the days written: 01:00 +01:00 on the 10th is before 23:30 -05:00 on the 9th.
        assert!(utc("2022-02-10T01:00:00+01:00").is_before(&story));
    }

    #[test]
    fn within_a_day_times_come_first() {
        let method = zoned("2023-03-14", "Europe/Oslo");
        let investigation = zoned("2023-03-14T09:30:00+01:00", "Europe/Oslo");
        assert_eq!(investigation.chronological(&method), Ordering::Less);
        assert_eq!(method.chronological(&method), Ordering::Equal);
        assert_eq!(
            zoned("2023-03-13", "Europe/Oslo").chronological(&investigation),
            Ordering::Less
        );
    }

    #[test]
    fn refuses_impossible_dates_missing_zones_and_unknown_zones() {
        let impossible = StoryDate::parse("2022-02-31", &TimeZone::UTC).unwrap_err();
        assert!(matches!(impossible, DateError::NotADate(_)));
        assert!(impossible.to_string().contains("not a real date"));
        assert!(StoryDate::parse("09.02.22", &TimeZone::UTC).is_err());
        let zoneless = StoryDate::parse("2022-02-09T10:00:00", &TimeZone::UTC).unwrap_err();
        assert!(matches!(zoneless, DateError::NoTimeZone(_)));
        assert!(zoneless.to_string().contains("no time zone"));
        assert!(time_zone("Europe/Atlantis").is_err());
        assert!(time_zone("+01:00").is_err());
        assert_eq!(time_zone("UTC").unwrap(), TimeZone::UTC);
    }

    #[test]
    fn other_spellings_are_read_for_a_suggestion_never_for_the_date() {
        let meant = |text: &str| -> Vec<String> {
            days_meant(text).iter().map(|day| day.to_string()).collect()
        };
        for text in [
            "9 Feb 2022",
            "9 February 2022",
            "February 9, 2022",
            "Feb. 9, 2022",
            "09.02.22",
            "9.2.2022",
            "2022/02/09",
        ] {
            assert_eq!(meant(text), ["2022-02-09"], "{text}");
            assert!(
                StoryDate::parse(text, &TimeZone::UTC).is_err(),
                "{text} is not accepted"
            );
        }
        assert_eq!(meant("02/03/2022"), ["2022-03-02", "2022-02-03"]);
        assert_eq!(meant("13/02/2022"), ["2022-02-13"]);
        assert_eq!(meant("02/13/2022"), ["2022-02-13"]);
        assert!(meant("2022-02-31").is_empty());
        assert!(meant("soon").is_empty());
        assert!(meant("31 Feb 2022").is_empty());
        let message = StoryDate::parse("9 Feb 2022", &TimeZone::UTC)
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "\"9 Feb 2022\" is not written the way byline reads dates; write it as 2022-02-09"
        );
        let message = StoryDate::parse("02/03/2022", &TimeZone::UTC)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("could mean 2 March 2022 or 3 February 2022"),
            "{message}"
        );
    }

    #[test]
    fn date_format_is_validated() {
        assert_eq!(
            DateFormat::new("%d.%m.%y")
                .unwrap()
                .format(Date::constant(2022, 2, 9)),
            "09.02.22"
        );
        assert!(DateFormat::new("%Q").is_err());
    }

    #[test]
    fn names_come_from_the_language() {
        let english = DateNames::default();
        assert_eq!(english.months[1], "February");
        assert_eq!(english.months_short[8], "Sep");
        assert_eq!(english.weekdays[0], "Monday");
        assert_eq!(english.weekdays_short[6], "Sun");
        let mut german = english.clone();
        german.months[2] = "März".to_string();
        german.weekdays[3] = "Donnerstag".to_string();
        german.months_short[2] = "Mär.".to_string();
        let day = Date::constant(2026, 3, 5);
        let style = |pattern: &str| DateStyle {
            format: DateFormat::new(pattern).unwrap(),
            names: german.clone(),
        };
        assert_eq!(
            style("%A, %-d. %B %Y").format(day),
            "Donnerstag, 5. März 2026"
        );
        assert_eq!(style("%-d %b %Y").format(day), "5 Mär. 2026");
        assert_eq!(style("%^B").format(day), "MÄRZ");
        // A literal percent sign, and a name with one, stay as written.
        assert_eq!(style("%B 100%%").format(day), "März 100%");
        german.months[2] = "50%".to_string();
        assert_eq!(
            DateStyle {
                format: DateFormat::new("%B %Y").unwrap(),
                names: german,
            }
            .format(day),
            "50% 2026"
        );
    }
}
