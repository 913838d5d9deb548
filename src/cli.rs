//! The command line: parses flags with clap, turns them into validated settings, runs the
//! command and maps the outcome to an exit code (0 success, 1 problems found, 2 the site could
//! not be read or the command was used wrongly).

use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use jiff::Timestamp;

use crate::build::{self, BuildFailure, BuildOptions, SiteOptions};
use crate::content::WithheldReason;
use crate::diagnostic::{Diagnostic, Severity};
use crate::render::BodyOutput;
use crate::report::{self, Format};
use crate::scaffold;
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
    /// Check every story and report every problem, without building.
    Check(CheckArgs),
    /// Print the earliest future embargo time (publish_at), or nothing, for scheduling a rebuild.
    NextPublish(SiteArgs),
    /// Create a new site in an empty folder.
    Init {
        /// The folder to create the site in (must be new or empty).
        dir: PathBuf,
    },
    /// Create a new story or series with placeholders to fill in.
    #[command(subcommand)]
    New(NewCommand),
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
    /// Clean story texts of anything that could run code or load another page (scripts,
    /// iframes, event handlers, javascript: links), as `safe_html: true` in site.yaml does.
    #[arg(long)]
    safe_html: bool,
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
                safe_html: self.safe_html,
                ..SiteOptions::default()
            },
            debounce: Duration::from_millis(self.debounce_ms),
        }
    }
}

#[derive(Debug, Subcommand)]
enum NewCommand {
    /// Write content/<series>/<slug>.md (or content/<slug>.md) for a new story.
    Story {
        /// The headline.
        title: String,
        /// The series folder the story belongs to.
        #[arg(long, value_name = "SLUG")]
        series: Option<String>,
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Write content/<slug>/_index.md for a new series.
    Series {
        /// The series' name.
        name: String,
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

/// Flags shared by every command that reads a site.
#[derive(Debug, clap::Args)]
struct SiteArgs {
    /// The site's folder (the one holding site.yaml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Include stories marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Act as if it were this moment (RFC 3339, e.g. 2026-12-01T07:00:00Z), for embargo
    /// replays and tests.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

impl SiteArgs {
    fn options(&self, base_url: Option<String>) -> Result<SiteOptions, String> {
        let now = match &self.now {
            None => Timestamp::now(),
            Some(text) => text.parse::<Timestamp>().map_err(|_| {
                format!(
                    "--now must be a time with a zone like 2026-12-01T07:00:00Z, not \"{text}\""
                )
            })?,
        };
        Ok(SiteOptions {
            include_drafts: self.drafts,
            include_embargoed: false,
            base_url,
            now,
            safe_html: false,
        })
    }
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
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
        let site = SiteOptions {
            safe_html: self.safe_html,
            ..self.site.options(self.base_url)?
        };
        let output = self.output.unwrap_or_else(|| self.site.root.join("public"));
        Ok(BuildOptions {
            root: self.site.root,
            output,
            site,
        })
    }
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Treat warnings as errors (exit 1 when there are any).
    #[arg(long)]
    strict: bool,
    /// Print how long each stage took (to standard error).
    #[arg(long)]
    timings: bool,
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
        Command::Check(args) => run_check(args),
        Command::NextPublish(args) => run_next_publish(args),
        Command::Init { dir } => run_init(&dir),
        Command::New(command) => run_new(command),
        Command::Serve(args) => run_serve(args),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn plural(n: usize, word: &str) -> String {
    counted(n, word, &format!("{word}s"))
}

fn run_build(args: BuildArgs) -> ExitCode {
    let format = args.format;
    let show_timings = args.timings;
    let options = match args.into_options() {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    match build::build(&options) {
        Ok(report) => {
            report::print(&report.warnings, format, &options.root);
            println!(
                "built {} pages ({} stories, {} files) into {} in {:.2} s",
                report.pages,
                report.stories,
                report.files,
                options.output.display(),
                report.elapsed.as_secs_f64()
            );
            if show_timings {
                eprintln!("{}", report.timings);
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            report_failure(&failure, format, &options.root);
            let errors = count(&failure.diagnostics, Severity::Error);
            eprintln!(
                "build failed: {} found; nothing was published and the previous site is unchanged",
                plural(errors, "error")
            );
            failure_code(&failure)
        }
    }
}

fn report_failure(failure: &BuildFailure, format: Format, root: &Path) {
    report::print(&failure.diagnostics, format, root);
}

fn failure_code(failure: &BuildFailure) -> ExitCode {
    if failure.unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let options = match args.site.options(None) {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    let root = &args.site.root;
    let mut checked = match build::check(root, &options, BodyOutput::ScanWhileReading) {
        Ok(checked) => checked,
        Err(failure) => {
            report_failure(&failure, args.format, root);
            return failure_code(&failure);
        }
    };
    report::print(&checked.diagnostics, args.format, root);
    checked.timings.lap("print the report");
    let errors = count(&checked.diagnostics, Severity::Error);
    let warnings = count(&checked.diagnostics, Severity::Warning);
    if args.format == Format::Human {
        eprintln!(
            "checked {} and {}: {}, {}",
            counted(
                checked.site.stories.len()
                    + checked.site.withheld.len()
                    + checked.site.rejected.len(),
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

fn run_next_publish(args: SiteArgs) -> ExitCode {
    let options = match args.options(None) {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    let checked = match build::check(&args.root, &options, BodyOutput::ScanWhileReading) {
        Ok(checked) => checked,
        Err(failure) => {
            report_failure(&failure, Format::Human, &args.root);
            return failure_code(&failure);
        }
    };
    let next = checked
        .site
        .withheld
        .iter()
        .filter_map(|story| match story.reason {
            WithheldReason::Embargo(until) => Some(until),
            WithheldReason::Draft => None,
        })
        .min_by_key(|until| until.instant);
    if let Some(until) = next {
        println!("{}", until.instant);
    }
    ExitCode::SUCCESS
}

fn today() -> String {
    Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date()
        .to_string()
}

fn run_init(dir: &Path) -> ExitCode {
    match scaffold::init(dir, &today()) {
        Ok(files) => {
            for file in files {
                println!("created {}", file.display());
            }
            println!("next: cd {} && byline check && byline build", dir.display());
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&error.to_string()),
    }
}

fn run_new(command: NewCommand) -> ExitCode {
    let result = match &command {
        NewCommand::Story {
            title,
            series,
            root,
        } => scaffold::new_story(root, title, series.as_deref(), &today()),
        NewCommand::Series { name, root } => scaffold::new_series(root, name),
    };
    match result {
        Ok(path) => {
            println!("created {}", path.display());
            println!("fill in the fields marked TODO; `byline check` lists the ones left");
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&error.to_string()),
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

/// Prints findings one per line (`file:line:column: error[CODE]: message`), as the preview's
/// terminal log does.
pub(crate) fn print_diagnostics<'d>(diagnostics: impl IntoIterator<Item = &'d Diagnostic>) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
}
