//! The command line: parses flags with clap, turns them into validated settings, runs the
//! command and maps the outcome to an exit code (0 success, 1 problems found, 2 the site could
//! not be read or the command was used wrongly).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::build::{self, BuildFailure, BuildOptions, SiteOptions};
use crate::diagnostic::Diagnostic;

/// byline: a static-site generator for newsrooms that publish fact-checked story series.
#[derive(Debug, Parser)]
#[command(name = "byline", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check every story and build the site into the output folder.
    Build(BuildArgs),
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// The site's folder (the one holding site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Where to write the site [default: <root>/public].
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Include stories marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Publish for this address instead of site.yaml's base_url (e.g. a staging host).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Build as if it were this moment (RFC 3339, e.g. 2026-12-01T07:00:00Z), for embargo
    /// replays and tests.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

impl BuildArgs {
    fn into_options(self) -> Result<BuildOptions, String> {
        if let Some(url) = &self.base_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(format!(
                "--base-url must be a full address starting with https://, not \"{url}\""
            ));
        }
        let now = match &self.now {
            None => jiff::Timestamp::now(),
            Some(text) => text.parse::<jiff::Timestamp>().map_err(|_| {
                format!(
                    "--now must be a time with a zone like 2026-12-01T07:00:00Z, not \"{text}\""
                )
            })?,
        };
        let output = self.output.unwrap_or_else(|| self.root.join("public"));
        Ok(BuildOptions {
            root: self.root,
            output,
            site: SiteOptions {
                include_drafts: self.drafts,
                base_url: self.base_url,
                now,
            },
        })
    }
}

/// Runs byline with the process's arguments.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Build(args) => run_build(args),
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let options = match args.into_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match build::build(&options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            println!(
                "built {} pages ({} stories, {} files) into {} in {:.2} s",
                report.pages,
                report.stories,
                report.files,
                options.output.display(),
                report.elapsed.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(failure) => report_failure(&failure),
    }
}

fn report_failure(failure: &BuildFailure) -> ExitCode {
    print_diagnostics(&failure.diagnostics);
    let errors = failure.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "build failed: {errors} error{} found; nothing was published and the previous site is unchanged",
        if errors == 1 { "" } else { "s" }
    );
    if failure.unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
}
