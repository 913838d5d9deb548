//! `byline build`: check every story and publish the site, or nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use super::args::{self, SiteArgs};
use super::{count, counted, failure_code, plural};
use crate::diag::Severity;
use crate::diag::report::{self, Format};
use crate::layout::DEFAULT_OUTPUT_DIR;
use crate::model::WithheldReason;
use crate::pipeline;

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site [default: <root>/public].
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish for this address instead of site.yaml's base_url (e.g. a staging host).
    #[arg(short, long, value_name = "URL")]
    base_url: Option<String>,
    /// Clean story texts of anything that could run code or load another page (scripts,
    /// iframes, event handlers, javascript: links), as `safe_html: true` in site.yaml does.
    #[arg(long)]
    safe_html: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print how long each stage took and the memory in use after it (to standard error).
    #[arg(long)]
    timings: bool,
    /// Replace the output folder even though byline did not make it (it has no .byline-output
    /// file): everything in it is deleted. Never a file, a link or a folder of the site.
    #[arg(long)]
    force: bool,
}

pub fn run(args: BuildArgs) -> ExitCode {
    let mut settings = match args.site.settings() {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    settings.base_url = match args::base_url(args.base_url) {
        Ok(url) => url,
        Err(exit) => return exit,
    };
    settings.safe_html = args.safe_html;
    let output = args
        .output
        .unwrap_or_else(|| settings.root.join(DEFAULT_OUTPUT_DIR));
    match pipeline::build(&settings, &output, args.force) {
        Ok(built) => {
            report::print(&built.warnings, args.format, &settings.root);
            println!(
                "built {} ({}, {}{}) into {} in {:.2} s",
                plural(built.pages, "page"),
                counted(built.stories, "story", "stories"),
                plural(built.files, "file"),
                held_back(&built.withheld),
                output.display(),
                built.elapsed.as_secs_f64()
            );
            if args.timings {
                eprintln!("{}", built.timings);
                let images = built.images;
                eprintln!(
                    "images: {} decoded, {} made, {} from the cache",
                    images.decoded, images.made, images.reused
                );
                if let Some(pages) = built.searchable {
                    eprintln!("search: {} indexed", plural(pages, "page"));
                }
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            report::print(&failure.diagnostics, args.format, &settings.root);
            let errors = count(&failure.diagnostics, Severity::Error);
            // Said from what is on disk now, so it is true whatever went wrong: a failed build
            // only ever leaves the previous site in place, or (when putting it back failed,
            // which an error above says) nothing.
            let state = if std::fs::symlink_metadata(&output).is_ok() {
                "the previous site is unchanged".to_string()
            } else {
                format!("there is no site at {}", output.display())
            };
            eprintln!(
                "build failed: {} found; nothing was published and {state}",
                plural(errors, "error")
            );
            failure_code(&failure)
        }
    }
}

/// What the build held back, for its summary line: "; 2 drafts and 1 embargoed until
/// 2031-01-15 06:00 UTC held back" (the next embargo to lift when there are several), or
/// nothing.
fn held_back(withheld: &[WithheldReason]) -> String {
    let drafts = withheld
        .iter()
        .filter(|reason| **reason == WithheldReason::Draft)
        .count();
    let embargoes: Vec<_> = withheld
        .iter()
        .filter_map(|reason| match reason {
            WithheldReason::Embargo(until) => Some(until),
            WithheldReason::Draft => None,
        })
        .collect();
    let mut parts = Vec::new();
    if drafts > 0 {
        parts.push(plural(drafts, "draft"));
    }
    if let Some(next) = embargoes.iter().min_by_key(|until| until.instant) {
        let when = next.moment_for_people();
        parts.push(match embargoes.len() {
            1 => format!("1 embargoed until {when}"),
            n => format!("{n} embargoed, the next until {when}"),
        });
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {} held back", parts.join(" and "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::StoryDate;

    #[test]
    fn summary_says_what_was_held_back() {
        let embargo = |text: &str| {
            WithheldReason::Embargo(StoryDate::parse(text, &jiff::tz::TimeZone::UTC).unwrap())
        };
        assert_eq!(held_back(&[]), "");
        assert_eq!(held_back(&[WithheldReason::Draft]), "; 1 draft held back");
        assert_eq!(
            held_back(&[
                WithheldReason::Draft,
                embargo("2031-01-15T06:00:00+00:00"),
                WithheldReason::Draft
            ]),
            "; 2 drafts and 1 embargoed until 2031-01-15 06:00 UTC held back"
        );
        assert_eq!(
            held_back(&[
                embargo("2031-03-01T09:30:00+01:00"),
                embargo("2031-02-01T09:30:00+01:00")
            ]),
            "; 2 embargoed, the next until 2031-02-01 09:30 +01:00 held back"
        );
    }
}
