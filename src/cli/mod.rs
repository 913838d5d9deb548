//! The command line: parses flags with clap, turns them into validated [`Settings`], runs the
//! command (a file per command) and maps the outcome to an exit code: 0 success, 1 problems
//! found, 2 the site could not be read or the command was used wrongly.

mod args;
mod build;
mod check;
mod import;
mod list;
mod new;
mod next_publish;
mod serve;
mod shell;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diag::{Diagnostic, Severity};
use crate::pipeline::Failure;
use crate::settings::Settings;

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
    Build(build::BuildArgs),
    /// Check every story and report every problem, without building.
    Check(check::CheckArgs),
    /// Print the earliest future embargo time (publish_at), or nothing, for scheduling a rebuild.
    NextPublish(args::SiteArgs),
    /// Create a new site in an empty folder.
    Init(new::InitArgs),
    /// Create a new story or series with placeholders to fill in.
    #[command(subcommand)]
    New(new::NewCommand),
    /// Preview the site in a browser, updating every open page as you save.
    #[command(alias = "server")]
    Serve(serve::ServeArgs),
    /// List the site's stories, drafts or embargoed stories (path, title, date, publish_at).
    List(list::ListArgs),
    /// Bring an archive from WordPress, Hugo or Jekyll into a new site, and report what each
    /// story still lacks.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print byline's manual page (roff), e.g. `byline man > byline.1`.
    Man,
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
        Command::Build(args) => {
            use_small_pages();
            build::run(args)
        }
        Command::Check(args) => check::run(args),
        Command::NextPublish(args) => next_publish::run(args),
        Command::Init(args) => new::run_init(args),
        Command::New(command) => new::run_new(command),
        Command::Serve(args) => {
            use_small_pages();
            serve::run(args)
        }
        Command::List(args) => list::run(args),
        Command::Import(command) => import::run(command),
        Command::Completions(args) => shell::completions(args),
        Command::Man => shell::man(),
    }
}

/// Turns Linux's transparent huge pages off for this process, for `build` and `serve`, whose
/// memory grows with the archive (and, in `serve`, stays for hours). The allocator asks for
/// 2 MiB pages where the system allows them, and each counts whole in memory however little of
/// it is used, which swelled a build's peak for no gain in time (BENCHMARKS.md). `check` keeps
/// them: it is over in a fraction of a second, and fewer, larger pages make it faster.
/// Failing to ask changes nothing else, so the error is ignored.
fn use_small_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// A command used wrongly: the message, exit code 2.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// The exit code of a command that could not go on.
fn failure_code(failure: &Failure) -> ExitCode {
    if failure.unreadable {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
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

/// The settings of a command, or the usage error that stops it.
type SettingsOrExit = Result<Settings, ExitCode>;
