//! The command line: parses flags with clap, turns them into validated settings, runs the
//! command and maps the outcome to an exit code (0 success, 1 problems found, 2 the site could
//! not be read or the command was used wrongly).

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::build::{self, BuildFailure, BuildOptions, SiteOptions};
use crate::diagnostic::Diagnostic;
use crate::serve::{self, ServeError, ServeOptions};

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
    /// Preview the site in a browser, updating every open page as you save.
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// The site's folder (the one holding site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// The port to listen on; when it is taken, the next free one is used. 0 lets the system
    /// choose.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on. The default is this computer only; 0.0.0.0 or :: make the
    /// preview, drafts and embargoed stories included, reachable from other computers.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Show stories marked `draft: true` (with a DRAFT banner). Embargoed stories are always
    /// shown, with an EMBARGOED banner.
    #[arg(long)]
    drafts: bool,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
    /// How long the files must be quiet after a save before the preview updates.
    #[arg(long, value_name = "MS", default_value_t = 30, hide = true)]
    debounce_ms: u64,
}

impl ServeArgs {
    fn into_options(self) -> ServeOptions {
        ServeOptions {
            root: self.root,
            bind: self.bind,
            port: self.port,
            open: self.open,
            site: SiteOptions {
                include_drafts: self.drafts,
                include_embargoed: true,
                ..SiteOptions::default()
            },
            debounce: Duration::from_millis(self.debounce_ms),
        }
    }
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
                include_embargoed: false,
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
        Command::Serve(args) => run_serve(args),
    }
}

fn run_serve(args: ServeArgs) -> ExitCode {
    match serve::serve(args.into_options()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Unreadable(diagnostics)) => {
            print_diagnostics(&diagnostics);
            eprintln!("cannot preview: the site could not be read");
            ExitCode::from(2)
        }
        Err(ServeError::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
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

/// Prints diagnostics to stderr, one `file:line:column: severity[CODE]: message` each.
pub(crate) fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
}
