//! `byline check`: every problem of every story, without building.

use std::process::ExitCode;

use super::args::SiteArgs;
use super::{count, counted, failure_code, plural};
use crate::diag::Severity;
use crate::diag::report::{self, Format};
use crate::pipeline;
use crate::source::Keep;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    strict: bool,
    /// Print how long each stage took and the memory in use after it (to standard error).
    #[arg(long)]
    timings: bool,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let settings = match args.site.settings() {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let root = &settings.root;
    // Nothing is rendered: each text is scanned as it is read and let go.
    let mut checked = match pipeline::check(&settings, Keep::ScanOnly) {
        Ok(checked) => checked,
        Err(failure) => {
            report::print(&failure.diagnostics, args.format, root);
            return failure_code(&failure);
        }
    };
    report::print(&checked.diagnostics, args.format, root);
    checked.timings.lap("print the report");
    let errors = count(&checked.diagnostics, Severity::Error);
    let warnings = count(&checked.diagnostics, Severity::Warning);
    if args.format == Format::Human {
        let unchecked = checked.unchecked_drafts.len();
        let drafts = if unchecked > 0 {
            format!(
                "; {} not checked (`--drafts` checks {})",
                plural(unchecked, "draft"),
                if unchecked == 1 { "it" } else { "them" }
            )
        } else {
            String::new()
        };
        eprintln!(
            "checked {} and {}: {}, {}{drafts}",
            counted(
                checked.site.stories.len() + checked.site.rejected.len() - unchecked,
                "story",
                "stories"
            ),
            counted(checked.site.series.len(), "series", "series"),
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    if args.timings {
        eprintln!("{}", checked.timings);
    }
    // The process ends here: taking an archive apart piece by piece would only delay the exit
    // (the system frees the memory at once).
    std::mem::forget(checked);
    if errors > 0 || (args.strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
