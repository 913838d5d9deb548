//! `byline list stories|drafts|embargoed`: the stories an editor asks about, a line each (or
//! JSON for scripts): the file, title, date and, for embargoed stories, when they go out.

use std::process::ExitCode;

use serde::Serialize;

use super::args::SiteArgs;
use super::failure_code;
use crate::diag::report::{self, Format};
use crate::model::{Story, WithheldReason};
use crate::pipeline;
use crate::source::Keep;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Which stories: `stories` (what a build publishes), `drafts` or `embargoed`.
    #[arg(value_enum)]
    what: Listed,
    #[command(flatten)]
    site: SiteArgs,
    /// A line each (`text`) or one JSON object per line (`json`).
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Listed {
    Stories,
    Drafts,
    Embargoed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

/// One story as listed. Field names are a stable interface for scripts.
#[derive(Serialize)]
struct Listing<'a> {
    path: String,
    title: &'a str,
    date: String,
    publish_at: Option<String>,
    url: &'a str,
}

pub fn run(args: ListArgs) -> ExitCode {
    let settings = match args.site.settings() {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let checked = match pipeline::check(&settings, Keep::ScanOnly) {
        Ok(checked) => checked,
        Err(failure) => {
            report::print(&failure.diagnostics, Format::Human, &settings.root);
            return failure_code(&failure);
        }
    };
    let edition = checked.edition;
    let wanted = |story: &Story| match (args.what, edition.withheld_reason(story)) {
        (Listed::Stories, _) => edition.includes(story),
        (Listed::Drafts, _) => story.draft,
        (Listed::Embargoed, Some(WithheldReason::Embargo(_))) => true,
        (Listed::Embargoed, _) => false,
    };
    let mut out = String::new();
    for story in checked.site.stories.iter().filter(|story| wanted(story)) {
        let listing = Listing {
            path: story.source.display().to_string(),
            title: &story.title,
            date: story.date.iso(),
            publish_at: story.publish_at.map(|time| time.rfc3339()),
            url: &story.url,
        };
        match args.format {
            ListFormat::Json => {
                // Serialising strings cannot fail.
                out.push_str(&serde_json::to_string(&listing).unwrap_or_default());
                out.push('\n');
            }
            ListFormat::Text => {
                out.push_str(&format!(
                    "{}\t{}\t{}",
                    listing.path, listing.date, listing.title
                ));
                if let Some(publish_at) = &listing.publish_at {
                    out.push_str(&format!("\tpublish_at {publish_at}"));
                }
                out.push('\n');
            }
        }
    }
    print!("{out}");
    if checked.has_errors() {
        eprintln!(
            "the site has errors (`byline check` lists them); stories with errors are not listed"
        );
    }
    ExitCode::SUCCESS
}
