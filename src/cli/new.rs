//! `byline init`, `byline new story`, `byline new series`: the files of a new site, story or
//! series, with placeholders to fill in.

use std::path::PathBuf;
use std::process::ExitCode;

use jiff::Timestamp;

use super::usage_error;
use crate::scaffold;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the site in (must be new or empty).
    dir: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
pub enum NewCommand {
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

/// Today's date on this computer: a new site has no newsroom zone yet.
fn today() -> String {
    today_in(&jiff::tz::TimeZone::system())
}

fn today_in(zone: &jiff::tz::TimeZone) -> String {
    Timestamp::now()
        .to_zoned_datetime(zone.clone())
        .date()
        .to_string()
}

/// Today's date in the newsroom's zone (site.yaml's `timezone`), so a story started late in the
/// evening is dated the newsroom's day; this computer's when site.yaml cannot be read.
fn newsroom_today(root: &std::path::Path) -> String {
    match crate::config::load(root) {
        Ok(config) => today_in(&config.timezone),
        Err(_) => today(),
    }
}

pub fn run_init(args: InitArgs) -> ExitCode {
    // The new site's newsroom is taken to work where this computer is, when its zone has an
    // IANA name; UTC otherwise (the comment in site.yaml says how to change it).
    let system = jiff::tz::TimeZone::system();
    let zone = system.iana_name().unwrap_or("UTC");
    match scaffold::init(&args.dir, &today(), zone) {
        Ok(files) => {
            for file in files {
                println!("created {}", file.display());
            }
            println!(
                "next: cd {} && byline check && byline build",
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&error.to_string()),
    }
}

pub fn run_new(command: NewCommand) -> ExitCode {
    let result = match &command {
        NewCommand::Story {
            title,
            series,
            root,
        } => scaffold::new_story(root, title, series.as_deref(), &newsroom_today(root)),
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
