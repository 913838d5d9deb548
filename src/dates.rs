//! Dates as newsrooms write them: `2022-02-09` or an RFC 3339 time with its offset, parsed
//! strictly (2022-02-31 is an error, not 3 March) and formatted with strftime-style patterns.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::fmt::temporal::Pieces;
use jiff::tz::{Offset, TimeZone};

/// A publication date: either a calendar day or an exact instant with the offset it was written
/// with (kept so pages show the day the newsroom meant, not the day in UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryDate {
    /// The calendar day as written.
    pub day: Date,
    /// The instant: for a day alone, its start in UTC.
    pub instant: Timestamp,
    /// The written offset, when a time was given.
    pub offset: Option<Offset>,
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
    /// Parses `2022-02-09` or `2022-02-09T10:30:00+01:00` (also `Z`). A time without an offset
    /// is refused: it would mean different instants on different machines.
    pub fn parse(text: &str) -> Result<StoryDate, DateError> {
        let text = text.trim();
        let not_a_date = || DateError::NotADate(text.to_string());
        let out_of_range = |error: jiff::Error| DateError::OutOfRange(error.to_string());
        if !text.contains('T') && !text.contains(' ') {
            let day: Date = text.parse().map_err(|_| not_a_date())?;
            let instant = day
                .to_zoned_datetime(TimeZone::UTC)
                .map_err(out_of_range)?
                .timestamp();
            return Ok(StoryDate {
                day,
                instant,
                offset: None,
            });
        }
        let pieces = Pieces::parse(text).map_err(|_| not_a_date())?;
        let Some(offset) = pieces.to_numeric_offset() else {
            return Err(DateError::NoTimeZone(text.to_string()));
        };
        let time = pieces.time().unwrap_or_default();
        let day = pieces.date();
        let instant = day
            .to_datetime(time)
            .to_zoned_datetime(TimeZone::fixed(offset))
            .map_err(out_of_range)?
            .timestamp();
        Ok(StoryDate {
            day,
            instant,
            offset: Some(offset),
        })
    }

    /// The date as machines read it: `2022-02-09`, or RFC 3339 with the written offset.
    pub fn iso(&self) -> String {
        match self.offset {
            None => self.day.to_string(),
            Some(offset) => self
                .instant
                .to_zoned_datetime(TimeZone::fixed(offset))
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
        }
    }

    /// RFC 3339 always with a time (feeds and structured data need one).
    pub fn rfc3339(&self) -> String {
        let offset = self.offset.unwrap_or(Offset::UTC);
        self.instant
            .to_zoned_datetime(TimeZone::fixed(offset))
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    /// The moment as people read it in a message: `2031-01-15 06:00 UTC`, or with the offset
    /// it was written with (`+01:00`); a day alone as the day.
    pub fn moment_for_people(&self) -> String {
        match self.offset {
            None => self.day.to_string(),
            Some(offset) => {
                let local = self.instant.to_zoned_datetime(TimeZone::fixed(offset));
                let zone = if offset == Offset::UTC {
                    "UTC".to_string()
                } else {
                    local.strftime("%:z").to_string()
                };
                format!("{} {zone}", local.strftime("%Y-%m-%d %H:%M"))
            }
        }
    }

    /// The day in the site's `date_format`.
    pub fn display(&self, format: &DateFormat) -> String {
        format.format(self.day)
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

fn month_number(word: &str) -> Option<i16> {
    const MONTHS: [&str; 12] = [
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

impl DateFormat {
    pub fn new(pattern: &str) -> Result<DateFormat, String> {
        let sample = Date::constant(2022, 2, 9);
        jiff::fmt::strtime::format(pattern, sample).map_err(|error| {
            format!("\"{pattern}\" is not a date format byline can use: {error}")
        })?;
        Ok(DateFormat(pattern.to_string()))
    }

    pub fn format(&self, day: Date) -> String {
        // The pattern was checked against a date in `new`, so formatting a date cannot fail.
        jiff::fmt::strtime::format(&self.0, day).unwrap_or_else(|_| day.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_day_and_formats_it() {
        let date = StoryDate::parse("2022-02-09").unwrap();
        assert_eq!(date.iso(), "2022-02-09");
        assert_eq!(date.rfc3339(), "2022-02-09T00:00:00+00:00");
        assert_eq!(date.display(&DateFormat::default()), "9 February 2022");
    }

    #[test]
    fn keeps_written_offset() {
        let date = StoryDate::parse("2023-03-14T23:30:00+01:00").unwrap();
        assert_eq!(date.iso(), "2023-03-14T23:30:00+01:00");
        assert_eq!(date.day, Date::constant(2023, 3, 14));
        assert_eq!(date.instant.to_string(), "2023-03-14T22:30:00Z");
        assert!(StoryDate::parse("2023-03-14T22:30:00Z").is_ok());
    }

    #[test]
    fn refuses_impossible_dates_and_missing_zones() {
        let impossible = StoryDate::parse("2022-02-31").unwrap_err();
        assert!(matches!(impossible, DateError::NotADate(_)));
        assert!(impossible.to_string().contains("not a real date"));
        assert!(StoryDate::parse("09.02.22").is_err());
        let zoneless = StoryDate::parse("2022-02-09T10:00:00").unwrap_err();
        assert!(matches!(zoneless, DateError::NoTimeZone(_)));
        assert!(zoneless.to_string().contains("no time zone"));
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
            assert!(StoryDate::parse(text).is_err(), "{text} is not accepted");
        }
        assert_eq!(meant("02/03/2022"), ["2022-03-02", "2022-02-03"]);
        assert_eq!(meant("13/02/2022"), ["2022-02-13"]);
        assert_eq!(meant("02/13/2022"), ["2022-02-13"]);
        assert!(meant("2022-02-31").is_empty());
        assert!(meant("soon").is_empty());
        assert!(meant("31 Feb 2022").is_empty());
        let message = StoryDate::parse("9 Feb 2022").unwrap_err().to_string();
        assert_eq!(
            message,
            "\"9 Feb 2022\" is not written the way byline reads dates; write it as 2022-02-09"
        );
        let message = StoryDate::parse("02/03/2022").unwrap_err().to_string();
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
}
