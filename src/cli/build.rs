//! `byline build`: check every story and publish the site, or nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use super::args::{self, SiteArgs};
use super::{count, failure_code, plural};
use crate::diag::Severity;
use crate::diag::report::{self, Format};
use crate::layout::DEFAULT_OUTPUT_DIR;
use crate::pipeline;

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site [default: <root>/public].
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish for this address instead of site.yaml's base_url (e.g. a staging host).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Clean story texts of anything that could run code or load another page (scripts,
    /// iframes, event handlers, javascript: links), as `safe_html: true` in site.yaml does.
    #[arg(long)]
    safe_html: bool,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print how long each stage took (to standard error).
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
                "built {} pages ({} stories, {} files) into {} in {:.2} s",
                built.pages,
                built.stories,
                built.files,
                output.display(),
                built.elapsed.as_secs_f64()
            );
            if args.timings {
                eprintln!("{}", built.timings);
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
