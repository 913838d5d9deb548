//! Reading single front-matter fields into the model, reporting what is missing or wrong where
//! it is written.

use std::path::Path;

use jiff::tz::TimeZone;

use crate::config::SiteConfig;
use crate::dates::{StoryDate, days_meant};
use crate::diag::{Code, Diagnostic, Position, did_you_mean};
use crate::model::Image;
use crate::source::front_matter::ImageFields;
use crate::url::{resolve_against, unsafe_link};
use crate::yaml::Located;

/// `value`, or a report that the story lacks `key` (unless a `#` emptied it, which is reported
/// where it is written: `commented` lists those keys).
pub(super) fn required<T>(
    value: Option<Located<T>>,
    key: &str,
    what: &str,
    commented: &[String],
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Located<T>> {
    if value.is_none() && !commented.iter().any(|written| written == key) {
        diagnostics.push(
            Diagnostic::new(
                Code::FrontRequired,
                path,
                format!("this story has no `{key}`: {what}"),
            )
            .at(1, 1)
            .with_hint(format!("add a line `{key}: ...` to the front matter")),
        );
    }
    value
}

/// `value`, unless it is blank: a headline, claim or correction of only spaces would be
/// published as an empty line, so it is reported where it is written, as missing.
pub(super) fn not_blank(
    value: Located<String>,
    key: &str,
    what: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Located<String>> {
    if !value.value.trim().is_empty() {
        return Some(value);
    }
    diagnostics.push(
        Diagnostic::new(
            Code::FrontRequired,
            path,
            format!("`{key}` is empty: {what}"),
        )
        .at_position(value.position)
        .with_hint(format!("write the {key} after `{key}:`")),
    );
    None
}

/// A date of the front matter; a day alone is that day in the newsroom's `zone`.
pub(super) fn parse_date(
    value: &Located<String>,
    key: &str,
    zone: &TimeZone,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<StoryDate> {
    match StoryDate::parse(&value.value, zone) {
        Ok(date) => Some(date),
        Err(error) => {
            let name = key.rsplit(": ").next().unwrap_or(key);
            let hint = match days_meant(&value.value).as_slice() {
                [day] => format!("{name}: {day}"),
                _ => {
                    "dates look like 2022-02-09; times need a zone, like 2022-02-09T06:00:00+00:00"
                        .to_string()
                }
            };
            diagnostics.push(
                Diagnostic::new(Code::FrontDate, path, format!("`{key}`: {error}"))
                    .at_position(value.position)
                    .with_hint(hint),
            );
            None
        }
    }
}

/// Every name non-empty; empty names are reported, not published as a blank byline.
pub(super) fn names(
    value: Located<Vec<String>>,
    key: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    warn_of_list_as_text(&value, key, Separators::Names, path, diagnostics);
    let first_finding = diagnostics.len();
    let mut names = Vec::with_capacity(value.value.len());
    for name in value.value {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::CreditEmptyName,
                    path,
                    format!("`{key}` has an empty name"),
                )
                .at_position(value.position)
                .with_hint("write the person's name, or remove the empty entry"),
            );
        } else {
            names.push(trimmed.to_string());
        }
    }
    if names.is_empty() && diagnostics.len() == first_finding {
        diagnostics.push(
            Diagnostic::new(Code::CreditEmptyName, path, format!("`{key}` names nobody"))
                .at_position(value.position),
        );
    }
    names
}

/// `value`, a web address typed in the field `key`, unless a browser would read it as anything
/// but an http(s) or mailto address or a path (see [`unsafe_link`]): then reported where it is
/// written.
pub(super) fn web_address(
    value: Located<String>,
    key: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    match unsafe_link(&value.value) {
        None => Some(value.value),
        Some(why) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::FrontUrl,
                    path,
                    format!("`{key}` is not an address byline publishes as a link: {why}"),
                )
                .at_position(value.position)
                .with_hint("write the full address, starting with https://, or a path of the site such as /files/report.pdf"),
            );
            None
        }
    }
}

pub(super) fn image(
    value: Located<ImageFields>,
    page_url: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Image> {
    let fields = value.value;
    let src = match fields.src {
        Some(src) if !src.value.trim().is_empty() => {
            web_address(src, "image: src", path, diagnostics)
        }
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::FrontRequired,
                    path,
                    "the image has no `src` (the picture file)",
                )
                .at_position(value.position)
                .with_hint("add `src: /images/picture.jpg` under `image:`"),
            );
            None
        }
    };
    let alt = match fields.alt {
        Some(alt) if !alt.value.trim().is_empty() => Some(alt.value),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::CreditImageAlt,
                    path,
                    "the image has no `alt` text, which blind readers and search engines rely on",
                )
                .at_position(value.position)
                .with_hint("add `alt:` under `image:`, describing what the picture shows"),
            );
            None
        }
    };
    let credit = match fields.credit {
        Some(credit) if !credit.value.trim().is_empty() => Some(credit.value),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    Code::CreditImageCredit,
                    path,
                    "the image has no `credit`: every picture we publish must say who made it",
                )
                .at_position(value.position)
                .with_hint("add `credit: Photographer/Agency` under `image:`"),
            );
            None
        }
    };
    if let (Some(alt), Some(caption)) = (&alt, &fields.caption)
        && alt.trim() == caption.value.trim()
    {
        diagnostics.push(
            Diagnostic::new(
                Code::ImageAltIsCaption,
                path,
                "the image's `alt` text is the same as its caption; blind readers hear it twice and learn nothing about the picture",
            )
            .at_position(caption.position)
            .with_hint("make `alt` describe what the picture shows, and keep the caption for context"),
        );
    }
    Some(Image {
        src: resolve_against(page_url, &src?),
        alt: alt?,
        caption: fields
            .caption
            .map(|c| c.value)
            .filter(|c| !c.trim().is_empty()),
        credit: credit?,
        position: value.position,
    })
}

pub(super) fn check_funders(
    config: &SiteConfig,
    funders: &Located<Vec<String>>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if config.funders.is_empty() {
        return;
    }
    for name in &funders.value {
        if config.funder(name).is_none() {
            let known: Vec<&str> = config.funders.iter().map(|f| f.name.as_str()).collect();
            let hint = match did_you_mean(name, &known) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!(
                    "the funders in site.yaml are: {}; add this one there if it is new",
                    known.join(", ")
                ),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::FundingUnknown,
                    path,
                    format!("the funder \"{name}\" is not in the funders list of site.yaml"),
                )
                .at_position(funders.position)
                .with_hint(hint),
            );
        }
    }
}

pub(super) fn missing_in_entry(
    list: &str,
    key: &str,
    position: Position,
    path: &Path,
) -> Diagnostic {
    Diagnostic::new(
        Code::FrontRequired,
        path,
        format!("an entry of `{list}` has no `{key}`"),
    )
    .at_position(position)
    .with_hint(format!("add `{key}:` to this entry"))
}

/// A required field of a list entry (`sources`, `corrections`, `claims`): missing and blank
/// are both reported, a blank one where it is written.
pub(super) fn required_in_entry(
    value: Option<Located<String>>,
    list: &str,
    key: &str,
    entry: Position,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let Some(value) = value else {
        diagnostics.push(missing_in_entry(list, key, entry, path));
        return None;
    };
    if value.value.trim().is_empty() {
        diagnostics.push(
            Diagnostic::new(
                Code::FrontRequired,
                path,
                format!("an entry of `{list}` has an empty `{key}`"),
            )
            .at_position(value.position)
            .with_hint(format!("write the {key}, or remove the entry")),
        );
        return None;
    }
    Some(value.value)
}

/// What separates the items of a list someone wrote as text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Separators {
    /// Names of people or organisations: commas, `and`, `&`.
    Names,
    /// Topics: commas only (`Arms and weapons` is one topic).
    Topics,
}

/// Words that follow a comma inside one name: `Sam Lee, Jr.`, `Harbour Light, Inc.`.
const NAME_SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "inc", "ltd", "llc", "llp", "plc", "gmbh", "ag",
    "sa", "co", "corp",
];

/// The items of `text` when it reads as several names or topics written as one text
/// (`Alex Reporter, Jo Bloggs and Sam Lee`), or None.
pub(super) fn items_in_text(text: &str, separators: Separators) -> Option<Vec<String>> {
    let mut items: Vec<String> = text
        .split(',')
        .map(|part| part.trim().to_string())
        .collect();
    if separators == Separators::Names {
        items = items
            .iter()
            .flat_map(|part| {
                part.split(" and ")
                    .flat_map(|piece| piece.split(" & "))
                    .map(|piece| piece.trim().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    items.retain(|item| !item.is_empty());
    let is_suffix =
        |item: &String| NAME_SUFFIXES.contains(&item.trim_end_matches('.').to_lowercase().as_str());
    (items.len() > 1 && !items.iter().any(is_suffix)).then_some(items)
}

/// Warns when a field that takes a list holds one text that reads as several items: it would
/// make one person (or topic) of them all, with a page of its own. A `TODO` placeholder
/// (`funder: "TODO: funder, as listed in site.yaml"`, as `byline new` and `byline import` write
/// it) is reported as a placeholder, not read as names.
pub(super) fn warn_of_list_as_text(
    value: &Located<Vec<String>>,
    key: &str,
    separators: Separators,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let [text] = value.value.as_slice() else {
        return;
    };
    if super::is_placeholder(text) {
        return;
    }
    let Some(items) = items_in_text(text, separators) else {
        return;
    };
    let what = match separators {
        Separators::Names => "one name",
        Separators::Topics => "one topic",
    };
    let list = items
        .iter()
        .map(|item| {
            if item.contains([':', '#', '[', ']', ',', '"']) {
                format!("\"{}\"", item.replace('"', "\\\""))
            } else {
                item.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    diagnostics.push(
        Diagnostic::new(
            Code::FrontListAsText,
            path,
            format!(
                "`{key}` is {what}, \"{text}\"; if these are {} {}, write them as a list",
                items.len(),
                if separators == Separators::Names {
                    "names"
                } else {
                    "topics"
                }
            ),
        )
        .at_position(value.position)
        .with_hint(format!("{key}: [{list}]")),
    );
}
