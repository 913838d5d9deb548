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
            DateError::NotADate(text) => write!(
                f,
                "\"{text}\" is not a real date; write dates as YYYY-MM-DD, like 2022-02-09, or with a time and zone, like 2022-02-09T10:30:00+01:00"
            ),
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
