//! Validating one series or story: its fields together (dates in order, a funder of its own or
//! its series', placeholders left by `byline new`).

use std::path::Path;

use jiff::tz::TimeZone;

use crate::config::SiteConfig;
use crate::dates::{DateError, StoryDate};
use crate::diag::{Code, Diagnostic, Position};
use crate::layout::{series_url, story_url};
use crate::model::{
    AgentKind, Appearance, Claim, Claimant, Correction, Credit, RejectedStory, Series, Source,
    Story, Withdrawal,
};
use crate::source::front_matter::{
    ClaimFields, ClaimantFields, CorrectionFields, SourceFields, StoryFrontMatter, WithdrawnFields,
};
use crate::source::{ParsedSeries, ParsedStory};
use crate::url::{normalise_alias, slugify};
use crate::yaml::{FreeValue, Located};

use super::fields::{
    Separators, check_funders, image, missing_in_entry, names, not_blank, parse_date, required,
    required_in_entry, warn_of_list_as_text, web_address,
};

pub(super) fn validate_series(
    config: &SiteConfig,
    parsed: ParsedSeries,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Series> {
    let path = parsed.path;
    let front = parsed.front;
    let slug = slugify(&parsed.series_dir);
    let url = series_url(&slug);
    let placeholders = [
        (
            "title",
            front.title.as_ref().map(|t| (t.value.as_str(), t.position)),
        ),
        (
            "summary",
            front
                .summary
                .as_ref()
                .map(|t| (t.value.as_str(), t.position)),
        ),
        (
            "funder",
            front.funder.as_ref().and_then(|f| {
                f.value
                    .iter()
                    .find(|n| is_placeholder(n))
                    .map(|n| (n.as_str(), f.position))
            }),
        ),
    ];
    for (key, value) in placeholders {
        if let Some((text, position)) = value
            && is_placeholder(text)
        {
            diagnostics.push(
                Diagnostic::new(
                    Code::FrontPlaceholder,
                    &path,
                    format!("`{key}` still holds a placeholder; fill it in before publishing"),
                )
                .at_position(position)
                .with_hint(format!("replace the text starting with {PLACEHOLDER_MARK}")),
            );
        }
    }
    if let Some(funders) = &front.funder
        && !funders.value.iter().any(|name| is_placeholder(name))
    {
        check_funders(config, funders, &path, diagnostics);
    }
    let image = front
        .image
        .and_then(|image_fields| image(image_fields, &url, &path, diagnostics));
    let paginate = front.paginate.and_then(|written| {
        if written.value >= 1 {
            return Some(usize::try_from(written.value).unwrap_or(usize::MAX));
        }
        diagnostics.push(
            Diagnostic::new(Code::FrontType, &path, "`paginate` must be at least 1")
                .at_position(written.position)
                .with_hint(
                    "the number of stories a page of this series shows, e.g. `paginate: 10`",
                ),
        );
        None
    });
    let title = match front.title {
        Some(title) => {
            not_blank(
                title,
                "title",
                "every series needs a name",
                &path,
                diagnostics,
            )?
            .value
        }
        None => {
            if !front.commented.iter().any(|key| key == "title") {
                diagnostics.push(
                    Diagnostic::new(Code::FrontRequired, &path, "this series has no `title`")
                        .at(1, 1)
                        .with_hint("add `title: Name of the series` to the front matter"),
                );
            }
            return None;
        }
    };
    Some(Series {
        slug,
        url,
        source: path,
        title,
        summary: front.summary.map(|s| s.value),
        funders: front.funder.map(|f| f.value).unwrap_or_default(),
        image,
        extra: front
            .extra
            .map(|e| e.value)
            .unwrap_or_else(FreeValue::empty_map),
        description: parsed.description,
        paginate,
    })
}

pub(super) fn validate_story(
    config: &SiteConfig,
    series: &[Series],
    series_index: Option<usize>,
    parsed: ParsedStory,
    diagnostics: &mut Vec<Diagnostic>,
    rejected: &mut Vec<RejectedStory>,
) -> Option<Story> {
    let path = parsed.path;
    let mut front = parsed.front;
    let zone = &config.timezone;
    // Only this story's findings are looked at below (the list holds the whole site's).
    let first_finding = diagnostics.len();
    report_placeholders(&front, &path, diagnostics);

    let slug = slug_of(front.slug.as_ref(), &parsed.file_stem, &path, diagnostics);
    let url = story_url(parsed.series_dir.as_deref().map(slugify).as_deref(), &slug);

    let headline = "every story needs a headline";
    let commented = std::mem::take(&mut front.commented);
    let title = required(
        front.title,
        "title",
        headline,
        &commented,
        &path,
        diagnostics,
    )
    .and_then(|title| not_blank(title, "title", headline, &path, diagnostics));
    let date = required(
        front.date,
        "date",
        "every story needs a publication date",
        &commented,
        &path,
        diagnostics,
    )
    .and_then(|date| parse_date(&date, "date", zone, &path, diagnostics));
    let reporters = required(
        front.reporter,
        "reporter",
        "every story must credit its reporter",
        &commented,
        &path,
        diagnostics,
    )
    .map(|names_value| names(names_value, "reporter", &path, diagnostics));
    let editors = required(
        front.editor,
        "editor",
        "every story must credit its editor",
        &commented,
        &path,
        diagnostics,
    )
    .map(|names_value| names(names_value, "editor", &path, diagnostics));
    let updated = front
        .updated
        .as_ref()
        .and_then(|date| parse_date(date, "updated", zone, &path, diagnostics));
    let publish_at = front
        .publish_at
        .as_ref()
        .and_then(|written| embargo_time(written, zone, &path, diagnostics));

    let credits = credits(front.credits, &path, diagnostics);

    let funders = funders(
        config,
        series,
        series_index,
        front.funder.as_ref(),
        &path,
        diagnostics,
    );

    let image = front
        .image
        .and_then(|image_fields| image(image_fields, &url, &path, diagnostics));
    let sources = front
        .sources
        .into_iter()
        .filter_map(|source| validate_source(source, &path, diagnostics))
        .collect();
    let corrections: Vec<(Correction, Position)> = front
        .corrections
        .into_iter()
        .filter_map(|correction| {
            let position = correction.position;
            validate_correction(correction, zone, &path, diagnostics).map(|c| (c, position))
        })
        .collect();
    let claims = front
        .claims
        .into_iter()
        .filter_map(|claim| validate_claim(config, claim, zone, &path, diagnostics))
        .collect();
    if let Some(topics) = &front.topics {
        warn_of_list_as_text(topics, "topics", Separators::Topics, &path, diagnostics);
    }
    let topics = front
        .topics
        .map(|topics| {
            topics
                .value
                .into_iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();

    if let Some(date) = &date {
        check_dates_in_order(
            date,
            updated.as_ref(),
            front.updated.as_ref(),
            &corrections,
            &path,
            diagnostics,
        );
    }
    if front
        .summary
        .as_ref()
        .is_none_or(|s| s.value.trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::new(
                Code::SummaryMissing,
                &path,
                "this story has no `summary`; listings, feeds and search engines will show its first paragraph instead",
            )
            .at(1, 1)
            .with_hint("add `summary:` with one or two sentences that sell the story"),
        );
    }
    let aliases_position = front
        .aliases
        .as_ref()
        .map(|a| a.position)
        .unwrap_or_default();
    let aliases = front
        .aliases
        .map(|written| aliases(written, &path, diagnostics))
        .unwrap_or_default();
    let withdrawn = front
        .withdrawn
        .and_then(|written| withdrawal(written, zone, &path, diagnostics));
    let corrections = corrections.into_iter().map(|(c, _)| c).collect();
    let draft = front.draft.is_some_and(|d| d.value);
    // A draft's placeholders are work in progress, not a reason to hide it from the preview:
    // it stays a story (and its placeholders stay errors, so it is never published as is).
    let fatal = |finding: &Diagnostic| {
        finding.is_error() && !(draft && finding.code == Code::FrontPlaceholder)
    };
    if diagnostics[first_finding..].iter().any(fatal) {
        // The story cannot be published, but its text is still checked (links, image
        // credits), so one run reports every mistake in it.
        rejected.push(RejectedStory {
            source: path,
            url,
            body: parsed.body,
            draft,
        });
        return None;
    }
    let summary = front
        .summary
        .map(|s| s.value)
        .filter(|s| !s.trim().is_empty());
    let mut body = parsed.body;
    if summary.is_some() {
        // Its summary is what listings and feeds show: the first paragraph is never read.
        body.forget_first_paragraph();
    }
    Some(Story {
        source: path,
        slug,
        url,
        series: series_index,
        title: title?.value,
        date: date?,
        updated,
        reporters: reporters?,
        editors: editors?,
        credits,
        funders,
        image,
        summary,
        topics,
        draft,
        publish_at,
        sources,
        corrections,
        claims,
        extra: front
            .extra
            .map(|e| e.value)
            .unwrap_or_else(FreeValue::empty_map),
        body,
        aliases,
        aliases_position,
        withdrawn,
    })
}

/// `aliases:` as published addresses (see [`normalise_alias`]), each written once; an alias
/// that cannot be published is reported where the list is written.
fn aliases(
    written: Located<Vec<String>>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut aliases: Vec<String> = Vec::with_capacity(written.value.len());
    for alias in &written.value {
        match normalise_alias(alias) {
            Ok(normal) if !aliases.contains(&normal) => aliases.push(normal),
            Ok(_) => {}
            Err(why) => diagnostics.push(
                Diagnostic::new(
                    Code::FrontType,
                    path,
                    format!("the alias \"{alias}\" cannot be published: {why}"),
                )
                .at_position(written.position)
                .with_hint("write the old address as a path on this site, e.g. `aliases: [/2019/03/old-slug/]`"),
            ),
        }
    }
    aliases
}

/// `withdrawn: {date, reason}`: both are needed, since the page left at the address says them.
fn withdrawal(
    written: Located<WithdrawnFields>,
    zone: &TimeZone,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Withdrawal> {
    let fields = written.value;
    let missing = |key: &str| {
        Diagnostic::new(
            Code::FrontRequired,
            path,
            format!("`withdrawn` needs a `{key}`: the page left at the story's address says when and why it was withdrawn"),
        )
        .at_position(written.position)
        .with_hint("withdrawn: {date: 2024-03-01, reason: \"a court order\"}")
    };
    let date = match &fields.date {
        Some(date) => parse_date(date, "withdrawn: date", zone, path, diagnostics),
        None => {
            diagnostics.push(missing("date"));
            None
        }
    };
    let reason = match fields.reason {
        Some(reason) if !reason.value.trim().is_empty() => Some(reason.value.trim().to_string()),
        _ => {
            diagnostics.push(missing("reason"));
            None
        }
    };
    Some(Withdrawal {
        date: date?,
        reason: reason?,
    })
}

/// The story's slug: its `slug:` (reported when it cannot be used in a web address), else its
/// file name's.
fn slug_of(
    written: Option<&Located<String>>,
    file_stem: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> String {
    let Some(slug) = written else {
        return slugify(file_stem);
    };
    let wanted = slug.value.trim();
    if wanted.is_empty() || slugify(wanted) != wanted {
        diagnostics.push(
            Diagnostic::new(
                Code::StructureSlug,
                path,
                format!("`slug` \"{}\" cannot be used in a web address", slug.value),
            )
            .at_position(slug.position)
            .with_hint(format!(
                "use lowercase letters, digits and dashes, e.g. `{}`",
                slugify(wanted)
            )),
        );
    }
    slugify(wanted)
}

/// `publish_at`: a time with its zone, so the embargo lifts at one moment everywhere.
fn embargo_time(
    written: &Located<String>,
    zone: &TimeZone,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<StoryDate> {
    let zone_error = |day: &str| {
        Diagnostic::new(
            Code::EmbargoNoZone,
            path,
            "`publish_at` needs a time and a time zone, so the embargo lifts at one agreed moment everywhere",
        )
        .at_position(written.position)
        .with_hint(format!("write e.g. `publish_at: {day}T06:00:00+00:00`"))
    };
    match StoryDate::parse(&written.value, zone) {
        Ok(time) if time.timed => Some(time),
        Ok(time) => {
            diagnostics.push(zone_error(&time.day.to_string()));
            None
        }
        Err(DateError::NoTimeZone(_)) => {
            let day = written.value.split('T').next().unwrap_or("2024-01-31");
            diagnostics.push(zone_error(day));
            None
        }
        Err(_) => parse_date(written, "publish_at", zone, path, diagnostics),
    }
}

/// The further roles of the byline, in the order written; a role whose names are all empty is
/// reported and left out.
fn credits(
    written: Vec<Located<(String, Vec<String>)>>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Credit> {
    written
        .into_iter()
        .map(|credit| {
            let position = credit.position;
            let (role, role_names) = credit.value;
            let key = format!("credits: {role}");
            let role_names = names(
                Located {
                    value: role_names,
                    position,
                },
                &key,
                path,
                diagnostics,
            );
            Credit {
                role,
                names: role_names,
            }
        })
        .filter(|credit| !credit.names.is_empty())
        .collect()
}

/// The story's own funders (each checked against the registry). A story funded neither by
/// itself nor through its series is reported: its disclosure cannot be printed.
fn funders(
    config: &SiteConfig,
    series: &[Series],
    series_index: Option<usize>,
    own: Option<&Located<Vec<String>>>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let own: Vec<String> = match own {
        Some(own) => {
            if !own.value.iter().any(|name| is_placeholder(name)) {
                check_funders(config, own, path, diagnostics);
            }
            // With a funders registry, a name it does not list is an error already.
            if config.funders.is_empty() {
                warn_of_list_as_text(own, "funder", Separators::Names, path, diagnostics);
            }
            own.value
                .iter()
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect()
        }
        None => Vec::new(),
    };
    let series_funded = series_index.is_some_and(|index| !series[index].funders.is_empty());
    if own.is_empty() && !series_funded {
        let hint = match series_index {
            Some(index) => format!(
                "add `funder:` to this story, or to its series in {}",
                series[index].source.display()
            ),
            None => "add `funder: Name of the funder` (a stand-alone story has no series to inherit from)".to_string(),
        };
        diagnostics.push(
            Diagnostic::new(
                Code::FundingMissing,
                path,
                "this story does not say who funded it, so its funding disclosure cannot be printed",
            )
            .at(1, 1)
            .with_hint(hint),
        );
    }
    own
}

/// A story is updated and corrected only after it was published, judged on instants (a day
/// alone is that whole day in the newsroom's zone, see [`StoryDate::is_before`]), not on the
/// days as written.
fn check_dates_in_order(
    date: &StoryDate,
    updated: Option<&StoryDate>,
    updated_written: Option<&Located<String>>,
    corrections: &[(Correction, Position)],
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let (Some(updated), Some(written)) = (updated, updated_written)
        && updated.is_before(date)
    {
        diagnostics.push(
            Diagnostic::new(
                Code::StructureUpdatedBeforeDate,
                path,
                format!(
                    "`updated` ({}) is before the story's `date` ({})",
                    updated.iso(),
                    date.iso()
                ),
            )
            .at_position(written.position)
            .with_hint("a story can only be updated after it was published; check both dates"),
        );
    }
    for (correction, position) in corrections {
        if correction.date.is_before(date) {
            diagnostics.push(
                Diagnostic::new(
                    Code::StructureCorrectionBeforeDate,
                    path,
                    format!(
                        "this correction is dated {}, before the story was published ({})",
                        correction.date.iso(),
                        date.iso()
                    ),
                )
                .at_position(*position)
                .with_hint("check the correction's date"),
            );
        }
    }
}

/// The marker `byline new` writes into fields a reporter still has to fill in.
pub const PLACEHOLDER_MARK: &str = "TODO";

pub fn is_placeholder(value: &str) -> bool {
    value.trim_start().starts_with(PLACEHOLDER_MARK)
}

/// Reports every field that still holds a `TODO` placeholder from `byline new`.
fn report_placeholders(front: &StoryFrontMatter, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let mut found: Vec<(String, Position)> = Vec::new();
    let mut text = |key: &str, value: &Option<Located<String>>| {
        if let Some(value) = value
            && is_placeholder(&value.value)
        {
            found.push((key.to_string(), value.position));
        }
    };
    text("title", &front.title);
    text("summary", &front.summary);
    if let Some(image) = &front.image {
        text("image: src", &image.value.src);
        text("image: alt", &image.value.alt);
        text("image: caption", &image.value.caption);
        text("image: credit", &image.value.credit);
    }
    let names = [
        ("reporter", &front.reporter),
        ("editor", &front.editor),
        ("funder", &front.funder),
    ];
    for (key, value) in names {
        if let Some(value) = value
            && value.value.iter().any(|name| is_placeholder(name))
        {
            found.push((key.to_string(), value.position));
        }
    }
    for credit in &front.credits {
        if credit.value.1.iter().any(|name| is_placeholder(name)) {
            found.push((format!("credits: {}", credit.value.0), credit.position));
        }
    }
    for (key, position) in found {
        diagnostics.push(
            Diagnostic::new(
                Code::FrontPlaceholder,
                path,
                format!("`{key}` still holds a placeholder; fill it in before publishing"),
            )
            .at_position(position)
            .with_hint(format!("replace the text starting with {PLACEHOLDER_MARK}")),
        );
    }
}

fn validate_source(
    source: SourceFields,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let title = required_in_entry(
        source.title,
        "sources",
        "title",
        source.position,
        path,
        diagnostics,
    )?;
    if source
        .url
        .as_ref()
        .is_none_or(|url| url.value.trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::new(
                Code::SourceNoUrl,
                path,
                format!("the source \"{title}\" has no `url`, so readers cannot check it"),
            )
            .at_position(source.position)
            .with_hint("add `url:` if the source is online; offline sources can stay as they are"),
        );
    }
    let url = match source.url {
        Some(url) => Some(web_address(url, "sources: url", path, diagnostics)?),
        None => None,
    };
    Some(Source {
        title,
        url,
        publisher: source.publisher.map(|p| p.value),
    })
}

fn validate_correction(
    correction: CorrectionFields,
    zone: &TimeZone,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Correction> {
    let date = match &correction.date {
        Some(date) => parse_date(date, "corrections: date", zone, path, diagnostics),
        None => {
            diagnostics.push(missing_in_entry(
                "corrections",
                "date",
                correction.position,
                path,
            ));
            None
        }
    };
    let text = required_in_entry(
        correction.text,
        "corrections",
        "text",
        correction.position,
        path,
        diagnostics,
    );
    Some(Correction {
        date: date?,
        text: text?,
    })
}

fn validate_claim(
    config: &SiteConfig,
    claim: ClaimFields,
    zone: &TimeZone,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Claim> {
    let position = claim.position;
    let text = required_in_entry(claim.claim, "claims", "claim", position, path, diagnostics);
    let claimant = match claim.claimant {
        Some(claimant) => claimant_of(config, claimant, path, diagnostics),
        None => {
            diagnostics.push(missing_in_entry("claims", "claimant", position, path));
            None
        }
    };
    let rating = required_in_entry(
        claim.rating,
        "claims",
        "rating",
        position,
        path,
        diagnostics,
    );
    let date = claim
        .claim_date
        .as_ref()
        .and_then(|date| parse_date(date, "claims: claim_date", zone, path, diagnostics));
    let appeared_in = claim.appeared_in.and_then(|place| {
        let at = place.position;
        let written = place.value.url;
        let url_at = written.as_ref().map(|url| url.position);
        let url = required_in_entry(written, "appeared_in", "url", at, path, diagnostics)?;
        let url = web_address(
            Located {
                value: url,
                position: url_at?,
            },
            "appeared_in: url",
            path,
            diagnostics,
        )?;
        Some(Appearance {
            url,
            title: place
                .value
                .title
                .map(|t| t.value)
                .filter(|t| !t.trim().is_empty()),
        })
    });
    let text = text?;
    let what = |missing: &str| {
        format!(
            "the claim \"{text}\" does not say {missing}, which fact-check readers (and Google's ClaimReview guidelines) expect"
        )
    };
    if appeared_in.is_none() {
        diagnostics.push(
            Diagnostic::new(Code::ClaimNoAppearance, path, what("where it was made"))
                .at_position(position)
                .with_hint("add `appeared_in: {url: https://..., title: ...}`, the page, post or document that carries the claim"),
        );
    }
    if claim.claim_date.is_none() {
        diagnostics.push(
            Diagnostic::new(Code::ClaimNoDate, path, what("when it was made"))
                .at_position(position)
                .with_hint("add `claim_date: 2022-02-01`, the day the claim was made"),
        );
    }
    Some(Claim {
        claim: text,
        claimant: claimant?,
        rating: rating?,
        date,
        appeared_in,
    })
}

/// Who made a claim: a name (a person of site.yaml, a funder or the publisher is recognised by
/// it, anyone else is taken to be a person) or a name with its `type` and `url`.
fn claimant_of(
    config: &SiteConfig,
    written: Located<ClaimantFields>,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Claimant> {
    let fields = written.value;
    let name = required_in_entry(
        fields.name,
        "claimant",
        "name",
        written.position,
        path,
        diagnostics,
    )?;
    let name = name.trim().to_string();
    let person = config.people.iter().find(|person| person.name == name);
    let funder = config.funder(&name);
    let publisher = config
        .publisher
        .as_ref()
        .filter(|publisher| publisher.name.as_deref() == Some(name.as_str()));
    let known_kind = if person.is_some() {
        Some(AgentKind::Person)
    } else if funder.is_some() || publisher.is_some() || name == config.title {
        Some(AgentKind::Organization)
    } else {
        None
    };
    let kind = match &fields.kind {
        None => known_kind.unwrap_or(AgentKind::Person),
        Some(kind) => match kind.value.trim().to_lowercase().as_str() {
            "person" => AgentKind::Person,
            "organization" | "organisation" => AgentKind::Organization,
            _ => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::FrontType,
                        path,
                        format!(
                            "a claimant's `type` is `person` or `organization`, not \"{}\"",
                            kind.value
                        ),
                    )
                    .at_position(kind.position)
                    .with_hint("write `type: person` or `type: organization`"),
                );
                return None;
            }
        },
    };
    let url = match fields.url {
        Some(url) => Some(web_address(url, "claimant: url", path, diagnostics)?),
        None => person
            .and_then(|p| p.url.clone())
            .or_else(|| funder.and_then(|f| f.url.clone()))
            .or_else(|| publisher.and_then(|p| p.url.clone())),
    };
    Some(Claimant { name, kind, url })
}
